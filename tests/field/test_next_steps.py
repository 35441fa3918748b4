"""Where a market-running outcome leads (issue 20, item 1): each outcome offers its next form,
prefilled from the visit and its stop; the contact met becomes a customer in one tap."""

import re
import uuid
from html import unescape

from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_customer
from webapp.auth.models import Role
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.extensions import db
from webapp.field.models import AreaKind, Stop, Sweep

FORM = "/field/visits/new"


def _sweep_with(app, branch, staff, customer=None) -> tuple[int, int]:
    """A sweep of today with one stop (a customer's when given); its id and the stop's."""
    from webapp.timeutil import local_today

    with app.app_context():
        sweep = Sweep(
            branch_id=branch.id,
            staff_id=staff.id,
            area="东昌路菜市场",
            area_kind=AreaKind.MARKET,
            day=local_today(),
        )
        stop = Stop(
            sweep=sweep,
            position=0,
            name=customer.name if customer else "王记水果",
            address="东昌路 88 号",
            customer_id=customer.id if customer else None,
        )
        db.session.add_all([sweep, stop])
        db.session.commit()
        return sweep.id, stop.id


def _visit(client, sweep_id: int, stop_id: int, outcome: str, **fields):
    data = {
        "client_id": str(uuid.uuid4()),
        "sweep_id": str(sweep_id),
        "stop_id": str(stop_id),
        "business_name": "王记水果",
        "place": "东昌路 88 号",
        "contact_name": "王建国",
        "contact_mobile": "13912340001",
        "outcome": outcome,
        "notes": "想办收款码",
        "position_status": "unavailable",
    } | fields
    return client.post_form("/field/visits", data, page=FORM, headers={"HX-Request": "true"})


def _link(response, label: str) -> str:
    """The address of the link whose text is `label`."""
    html = response.get_data(as_text=True)
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>\s*' + re.escape(label) + r"\s*</a>", html)
    assert found, f"no link {label!r} in {text_of(response)}"
    return unescape(found.group(1))


def test_an_appointment_set_offers_the_appointment_form_with_the_customer_and_the_stop(
    client, login_as, branch, app
):
    """已约见 at a customer's stop: the form opens with that customer chosen, face to face, at
    the stop's address."""
    staff = login_as(Role.CORPORATE_AM)
    sme = make_customer(branch, kind=CustomerKind.SME, name="陆家嘴测试贸易有限公司")
    sweep_id, stop_id = _sweep_with(app, branch, staff, sme)
    saved = _visit(client, sweep_id, stop_id, "appointment", business_name=sme.name)
    url = _link(saved, "登记约见")
    assert url.startswith("/appointments/new?") and f"customer_id={sme.id}" in url
    form = client.get(url).get_data(as_text=True)
    assert re.search(rf'value="{sme.id}" checked', form)  # the customer is chosen
    assert re.search(
        r"<input[^>]*checked[^>]*value=\"in_person\"|<input[^>]*value=\"in_person\"[^>]*checked",
        form,
    ), re.findall(r"<input[^>]*name=\"via\"[^>]*>", form)
    assert 'value="东昌路 88 号"' in form


def test_a_lead_offers_the_referral_form_with_the_contact_and_a_note(client, login_as, branch, app):
    """转介给同事 at a new place: the referral form names the contact as a new customer and
    carries where they were met."""
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, stop_id = _sweep_with(app, branch, staff)
    saved = _visit(client, sweep_id, stop_id, "lead")
    url = _link(saved, "转介给同事")
    assert url.startswith("/referrals/new?")
    form = client.get(url).get_data(as_text=True)
    assert 'value="王建国"' in form and 'value="13912340001"' in form
    assert "王记水果 · 东昌路 88 号 · 想办收款码" in form
    assert 'name="via" type="hidden" value="market_running"' in form  # the new customer's source


def test_interested_at_a_customers_stop_offers_a_prospect_for_that_customer(
    client, login_as, branch, app
):
    """有意向 at a customer's stop: the prospect form with the customer selected."""
    staff = login_as(Role.CORPORATE_AM)
    sme = make_customer(branch, kind=CustomerKind.SME, name="陆家嘴测试贸易有限公司")
    with app.app_context():
        db.session.get(Customer, sme.id).owner_id = staff.id
        db.session.commit()
    sweep_id, stop_id = _sweep_with(app, branch, staff, sme)
    saved = _visit(client, sweep_id, stop_id, "interested", business_name=sme.name)
    url = _link(saved, "新增意向客户")
    assert url == f"/prospects/new?customer_id={sme.id}"
    form = client.get(url).get_data(as_text=True)
    assert re.search(rf'<option selected value="{sme.id}"|<option value="{sme.id}" selected', form)


def test_the_contact_becomes_a_customer_from_market_running_in_one_tap(
    client, login_as, branch, app
):
    """The contact of a visit at a new place: one tap makes the customer (source 跑市场, owned by
    whoever met them), the stop becomes theirs, a replay makes no second customer; the answer
    leads on to a prospect for them."""
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, stop_id = _sweep_with(app, branch, staff)
    saved = _visit(client, sweep_id, stop_id, "interested")
    html = saved.get_data(as_text=True)
    assert 'action="/field/contacts"' in html and "建为客户" in text_of(saved)
    data = {
        "client_id": str(uuid.uuid4()),
        "stop_id": str(stop_id),
        "name": "王建国",
        "mobile": "13912340001",
    }
    made = client.post_form("/field/contacts", data, page=FORM, headers={"HX-Request": "true"})
    assert made.status_code == 201, text_of(made)
    assert "已建为客户：王建国" in text_of(made)
    again = client.post_form(
        "/field/contacts", data, page=FORM, headers={"HX-Request": "true", "X-Outbox-Replay": "1"}
    )
    assert again.status_code == 200
    with app.app_context():
        [customer] = db.session.scalars(select(Customer).where(Customer.name == "王建国")).all()
        assert customer.acquired_via == Acquisition.MARKET_RUNNING
        assert customer.owner_id == staff.id and customer.mobile == "13912340001"
        assert db.session.get(Stop, stop_id).customer_id == customer.id
        customer_id = customer.id
    assert _link(made, "新增意向客户") == f"/prospects/new?customer_id={customer_id}"


def test_a_contact_already_a_customer_is_not_made_twice(client, login_as, branch, app):
    """A mobile the branch has already: no second customer, the answer names the one on file."""
    login_as(Role.CORPORATE_AM)
    existing = make_customer(branch, name="王建国", mobile="13912340002")
    data = {"client_id": str(uuid.uuid4()), "name": "王建国", "mobile": "13912340002"}
    answer = client.post_form("/field/contacts", data, page=FORM, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "已是本行客户：王建国" in text_of(answer)
    assert f"/customers/{existing.id}" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_a_contact_without_a_name_is_refused_beside_the_field(client, login_as, app):
    """No name: a translated message, nothing made, never a 500."""
    login_as(Role.CORPORATE_AM)
    data = {"client_id": str(uuid.uuid4()), "name": " ", "mobile": "1391234"}
    answer = client.post_form("/field/contacts", data, page=FORM, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "请填写联系人姓名" in text_of(answer)
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_the_sme_sheet_from_a_visit_is_prefilled_for_the_phone_too(client, login_as, branch, app):
    """The SME sheet link carries the stop's facts under the sheet's own field names, so the
    page kept on the phone fills itself from the address (data-prefill) offline."""
    staff = login_as(Role.CORPORATE_AM)
    sweep_id, stop_id = _sweep_with(app, branch, staff)
    saved = _visit(client, sweep_id, stop_id, "sme_sheet")
    url = _link(saved, "填写中小企业信息表")
    assert "mobile=13912340001" in url and "acquired_via=market_running" in url
    form = client.get(url).get_data(as_text=True)
    assert "data-prefill" in form
    assert 'value="13912340001"' in form and 'value="王记水果"' in form


def test_a_contact_queued_offline_and_sent_twice_in_batches_is_one_customer(client, login_as, app):
    """The outbox's batch, sent again after a lost answer: the contact is one customer."""
    from urllib.parse import urlencode

    login_as(Role.RETAIL_AM)
    form = {"client_id": str(uuid.uuid4()), "name": "赵大勇", "mobile": "13912340003"}
    items = [{"client_id": form["client_id"], "url": "/field/contacts", "body": urlencode(form)}]
    token = client.get("/sync/token").get_json()["token"]
    for _ in range(2):
        sent = client.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})
        assert sent.get_json()["results"][0]["status"] in (201, 200, 303)
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == 1
