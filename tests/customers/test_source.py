"""A customer's source (issue 18, item 5): chosen when the customer is created (preset from where
the creation starts), and correctable by the owner or the manager, with an audit row."""

import re

from sqlalchemy import select

from tests.factories import make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers.models import Acquisition, Customer, CustomerSourceChange


def _selected(html: str) -> str | None:
    """The value selected in the source list of a page, or None."""
    block = re.search(r'<select[^>]*name="acquired_via".*?</select>', html, re.S)
    assert block, "no source list on the page"
    chosen = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', block[0]
    )
    return next((g for g in chosen.groups() if g is not None), None) if chosen else None


def _stored(app, name: str) -> Acquisition:
    with app.app_context():
        return Customer.query.filter_by(name=name).one().acquired_via


def test_the_plain_form_asks_for_the_source_and_stores_the_choice(app, client, login_as):
    """客户 → 新客户 shows the source unchosen; an appointment customer is stored as 约见."""
    login_as(Role.RETAIL_AM)
    assert _selected(client.get("/customers/new/individual").get_data(as_text=True)) in (None, "")
    data = {"name": "约见客户", "mobile": "13800001111", "acquired_via": "appointment"}
    assert client.post_form("/customers/new/individual", data).status_code == 303
    assert _stored(app, "约见客户") is Acquisition.APPOINTMENT
    data = {"name": "跑市场企业", "acquired_via": "market_running"}
    assert client.post_form("/customers/new/sme", data).status_code == 303
    assert _stored(app, "跑市场企业") is Acquisition.MARKET_RUNNING


def test_the_source_is_preset_from_where_the_creation_starts(app, client, login_as):
    """?via= presets the list (a market-running visit, a referral, an appointment, the lobby)."""
    login_as(Role.RETAIL_AM)
    for via in ("market_running", "referral", "appointment", "lobby"):
        for kind in ("individual", "sme"):
            html = client.get(f"/customers/new/{kind}?via={via}").get_data(as_text=True)
            assert _selected(html) == via, (kind, via)


def test_an_unchosen_source_is_refused_beside_the_field(app, client, login_as):
    """Nothing chosen: a translated message beside the list, what was typed kept, nothing saved."""
    login_as(Role.RETAIL_AM)
    data = {"name": "未选来源", "mobile": "13800002222", "acquired_via": ""}
    response = client.post_form("/customers/new/individual", data)
    assert response.status_code != 303  # the form again, as for any other field
    html = response.get_data(as_text=True)
    assert "请选择客户来源" in html and 'value="未选来源"' in html
    with app.app_context():
        assert Customer.query.filter_by(name="未选来源").count() == 0


def test_owner_and_manager_correct_the_source_with_an_audit_row(app, client, login_as, branch):
    """The owner corrects 大堂揽客 to 引见 and the manager to 跑市场, each with an audit row;
    a colleague who does not own the customer may not."""
    owner = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch, owner_id=owner.id, name="纠正来源")
    url = f"/customers/{customer.id}/source"
    login_as(owner)
    assert _selected(client.get(f"/customers/{customer.id}").get_data(as_text=True)) == "lobby"
    response = client.post_form(url, {"acquired_via": "referral"}, page=f"/customers/{customer.id}")
    assert response.status_code == 303
    assert _selected(client.get(response.headers["Location"]).get_data(as_text=True)) == "referral"
    login_as(Role.RETAIL_AM)
    refused = client.post_form(url, {"acquired_via": "existing"}, page="/customers/")
    assert refused.status_code == 403
    manager = login_as(Role.BRANCH_MANAGER)
    page = f"/customers/{customer.id}"
    assert client.post_form(url, {"acquired_via": "market_running"}, page=page).status_code == 303
    with app.app_context():
        assert db_customer_source(customer.id) is Acquisition.MARKET_RUNNING
        rows = [
            (r.staff_id, r.from_source, r.to_source)
            for r in CustomerSourceChange.query.order_by(CustomerSourceChange.id)
        ]
    assert rows == [
        (owner.id, Acquisition.LOBBY, Acquisition.REFERRAL),
        (manager.id, Acquisition.REFERRAL, Acquisition.MARKET_RUNNING),
    ]


def db_customer_source(customer_id: int) -> Acquisition:
    """The stored source of a customer (inside an app context)."""
    from webapp.extensions import db

    return db.session.scalar(select(Customer.acquired_via).where(Customer.id == customer_id))
