"""Market running and appointments on a phone and a tablet: the screens, and an offline appointment."""

import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, TABLET, ready, sign_in, until
from tests.browser.test_offline import outbox, wait_outbox_empty, wait_until
from webapp.appointments.models import Appointment, Call, Outcome
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db

SCREENS = (
    "/field/",
    "/field/visits/new",
    "/appointments/",
    "/appointments/new",
    "/sync/outbox",
    "/install",
)


def test_field_screens_on_phone_and_tablet(page, shots):
    """Each screen opens with its heading and no horizontal scroll, on both sizes."""
    sign_in(page, "retail1")
    expect(page).to_have_title("今日 · BranchKit")
    expect(page.locator("#today-sweeps-title")).to_have_text("今日跑市场")  # Today's field panel
    page.goto("/field/")
    page.click("#sweeps-title ~ ul .list__link >> nth=0")
    expect(page.locator(".tile").first).to_be_visible()
    expect(page.locator("#sweep-stops")).to_be_visible()
    sweep_url = page.url
    for size_name, size in (("phone", PHONE), ("tablet", TABLET)):
        page.set_viewport_size(size)
        for path in (*SCREENS, sweep_url):
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            name = path.rstrip("/").split("/")[-1] or "index"
            page.screenshot(path=shots / f"{size_name}-field-{name}.png", full_page=True)


def test_an_appointment_captured_offline_is_delivered(page, context, live_app):
    """The four-step form offline: kept on the phone, then confirmed on the server once."""
    context.grant_permissions([])
    ready(page, "/appointments/new", username="wealth1")
    context.set_offline(True)
    name = f"离线约见-{uuid.uuid4().hex[:6]}"
    page.fill("#new_name", name)
    page.check("input[name=reason][value=external_referral]")
    page.select_option("#statement_id", index=1)
    expect(page.locator("#value_statement")).not_to_have_value("")
    page.fill("#option_1", "2026-12-02T10:00")
    page.fill("#option_2", "2026-12-03T14:00")
    page.check("input[name=chosen_option][value='1']")
    page.fill("#place", "陆家嘴支行二楼贵宾室")
    page.check("#reconfirmed")
    page.click("#appointment-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        rows = db.session.scalars(
            select(Appointment)
            .join(Appointment.customer)
            .where(Appointment.place == "陆家嘴支行二楼贵宾室")
        ).all()
        assert [a.customer.name for a in rows].count(name) == 1
    with live_app.app_context():
        calls = db.session.scalars(select(Call).where(Call.appointment_id == rows[0].id)).all()
        assert [c.outcome for c in calls] == [Outcome.APPOINTMENT]  # fixed on a call: logged


def test_a_call_logged_offline_is_delivered_once(page, context, live_app):
    """The call log on the appointments page works with no signal: kept on the phone, sent once
    when the network returns, with the outcome and note typed."""
    ready(page, "/appointments/", username="retail1")
    with live_app.app_context():  # one of retail1's own customers, found by the mobile's tail
        name, mobile = db.session.execute(
            select(Customer.name, Customer.mobile)
            .join(Staff, Staff.id == Customer.owner_id)
            .where(Staff.username == "retail1", Customer.mobile != "")
            .order_by(Customer.id)
        ).first()
    context.set_offline(True)
    page.fill("#call-form #picker-search", mobile[-4:])  # searched in the page, no signal
    page.click(f"#call-form #customer-options .chip-choice:has-text('{name}')")
    note = f"离线电话-{uuid.uuid4().hex[:6]}"
    page.click("#call-form .chip-choice:has(input[value=no_answer])")
    page.fill("#note", note)
    page.click("#call-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        calls = db.session.scalars(select(Call).where(Call.note == note)).all()
        assert [(c.outcome, c.customer.name) for c in calls] == [(Outcome.NO_ANSWER, name)]
    page.goto("/appointments/")
    expect(page.locator(".calls")).to_contain_text(note)


def test_a_call_that_fixed_a_meeting_opens_the_form_for_that_customer(page, live_app):
    """'It fixed a meeting' takes the customer chosen on the call form to the appointment form."""
    with live_app.app_context():
        chosen, mobile = db.session.execute(
            select(Customer.id, Customer.mobile)
            .join(Staff, Staff.id == Customer.owner_id)
            .where(Staff.username == "retail1", Customer.mobile != "")
            .order_by(Customer.id.desc())
        ).first()
    sign_in(page, "retail1")
    page.goto("/appointments/")
    link = page.locator("[data-appointment-link]")
    expect(link).to_have_attribute("href", "/appointments/new")
    page.fill("#call-form #picker-search", mobile[-4:])
    page.click(f"#call-form #customer-options .chip-choice:has(input[value='{chosen}'])")
    expect(link).to_have_attribute("href", f"/appointments/new?customer_id={chosen}")
    link.click()
    expect(
        page.locator(f"#customer-options input[name=customer_id][value='{chosen}']")
    ).to_be_checked()


def _queue_appointment(page, name: str) -> None:
    """Fill the four steps for a new customer with no mobile and save, with no signal."""
    page.goto("/appointments/new")
    page.fill("#new_name", name)
    page.check("input[name=reason][value=external_referral]")
    page.select_option("#statement_id", index=1)
    page.fill("#option_1", "2026-12-02T10:00")
    page.fill("#option_2", "2026-12-03T14:00")
    page.check("input[name=chosen_option][value='1']")
    page.fill("#place", "支行一楼")
    page.check("#reconfirmed")
    page.click("#appointment-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()


def test_a_lost_answer_then_a_new_appointment_make_each_customer_once(page, context, live_app):
    """Issue 17, item 11 as the phone lives it: appointment A for a new customer reaches the
    server but its answer is lost; B is queued; the next flush sends A again with B. Each
    appointment and each new customer is stored once (A's replay made a second customer that
    B's item committed)."""
    ready(page, "/appointments/new", username="wealth1")
    first, second = (f"丢失应答-{uuid.uuid4().hex[:6]}" for _ in range(2))
    context.set_offline(True)
    _queue_appointment(page, first)
    lost = []

    def lose_answer(route):
        if not lost:
            route.fetch()  # the server stores A...
            lost.append(1)
            return route.abort()  # ...and the phone never hears back
        return route.continue_()

    context.route("**/sync/batch", lose_answer)
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush', force: true})")
    until(page, lambda: lost, "the batch reaching the server")
    wait_until(
        page, "() => OutboxStore.all().then(i => i.length === 1 && i[0].status !== 'sending')"
    )
    assert lost and len(outbox(page)) == 1  # A is still on the phone, as far as it knows
    context.set_offline(True)
    _queue_appointment(page, second)
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush', force: true})")
    wait_outbox_empty(page)
    with live_app.app_context():
        for name in (first, second):
            customers = db.session.scalars(select(Customer).where(Customer.name == name)).all()
            appointments = db.session.scalars(
                select(Appointment).where(Appointment.customer_id.in_([c.id for c in customers]))
            ).all()
            assert (len(customers), len(appointments)) == (1, 1), name
