"""A referral made with no signal (issue 20, item 1: 转介给同事 → the referral form, offline
too): the form is kept on the phone, fills itself from its address, and the outbox's replays
make one referral and one new customer."""

import uuid

from sqlalchemy import func, select

from tests.referrals.test_lifecycle import _staff
from webapp.customers.models import Acquisition, Customer
from webapp.referrals.models import Referral


def test_a_referral_sent_twice_under_one_client_id_is_one_referral(app, db, client, login_as, team):
    """The contact met at a stop referred as a new customer (source 跑市场): sent again after a
    lost answer, one referral and one customer; the same id with other contents is refused."""
    login_as(_staff(app, team.teller))
    page = client.get("/referrals/new?new_name=王建国&via=market_running").get_data(as_text=True)
    assert "data-offline" in page and "data-prefill" in page and 'name="client_id"' in page
    form = {
        "client_id": str(uuid.uuid4()),
        "new_name": "王建国",
        "new_mobile": "13912340009",
        "via": "market_running",
        "need": "featured",
        "receiver_id": team.wealth,
        "note": "王记水果 · 东昌路 88 号",
    }
    first = client.post_form("/referrals/new", form)
    again = client.post_form("/referrals/new", form, headers={"X-Outbox-Replay": "1"})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    other = client.post_form("/referrals/new", form | {"note": "另一份"})
    assert other.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Referral.id))) == 1
        [customer] = db.session.scalars(select(Customer).where(Customer.name == "王建国")).all()
        assert customer.acquired_via == Acquisition.MARKET_RUNNING
