"""The one customer picker in the lobby (tablet), in the appointment form (phone), and the
anonymous referral's message shown where it is seen."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, TABLET, WAIT_MS, ready, sign_in
from tests.browser.test_offline import wait_outbox_empty
from webapp import timeutil
from webapp.appointments.models import Appointment
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import CheckIn


def _tablet(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=TABLET, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    return context


def _customer_of(live_app, username: str, owned: bool) -> Customer:
    """A demo customer of the person's branch (one of their own when `owned`), unique by the
    last four digits of the mobile, and not checked in today: the live database is shared, and
    a customer another test checked in would be met by the same-day warning instead."""
    with live_app.app_context():
        start, end = timeutil.day_bounds(timeutil.local_today())
        me = db.session.scalar(select(Staff).where(Staff.username == username))
        in_today = select(CheckIn.customer_id).where(
            CheckIn.customer_id.is_not(None), CheckIn.created_at >= start, CheckIn.created_at < end
        )
        query = select(Customer).where(
            Customer.branch_id == me.branch_id,
            Customer.mobile.is_not(None),
            Customer.id.not_in(in_today),
        )
        if owned:
            query = query.where(Customer.owner_id == me.id)
        customers = db.session.scalars(query.order_by(Customer.id)).all()
        tails = [c.mobile[-4:] for c in customers]
        customer = next(c for c in customers if tails.count(c.mobile[-4:]) == 1)
        db.session.expunge(customer)
        return customer


def _own_customers(live_app, username: str) -> list[Customer]:
    """The person's own demo customers with distinct initials, in pinyin order."""
    with live_app.app_context():
        me = db.session.scalar(select(Staff).where(Staff.username == username))
        own = db.session.scalars(
            select(Customer).where(Customer.owner_id == me.id).order_by(Customer.name_key)
        ).all()
        initials = [c.name_initials for c in own]
        unique = [c for c in own if sum(i.startswith(c.name_initials) for i in initials) == 1]
        for customer in unique:
            db.session.expunge(customer)
        return unique


def test_anonymous_referral_shows_its_message_and_keeps_the_typing(browser, live_server, shots):
    """Referring an anonymous walk-in is refused with the message in sight (the new-customer
    section opens), the note typed kept."""
    context = _tablet(browser, live_server)
    page = context.new_page()
    sign_in(page, "lobby1")
    page.click("#check-in-panel label.chip-choice:has-text('存取款')")
    page.fill("input[name=amount_yuan]", "60000")
    page.click("#check-in-panel button[type=submit]")
    page.click("#check-in-panel a:has-text('立即转介')")
    page.locator(".receiver:has-text('理财经理')").first.click()
    if page.locator("input[name=allow_busy]").is_visible():
        page.check("input[name=allow_busy]")
    page.fill("input[name=note]", "客户想了解大额存单")
    page.click("form.card button[type=submit]")
    message = page.get_by_text("请选择客户或登记新客户：接收人需要知道客户姓名。")
    expect(message).to_be_visible()
    expect(page.locator("input[name=note]")).to_have_value("客户想了解大额存单")
    expect(page.locator("input[name=new_name]")).to_be_visible()
    page.screenshot(path=shots / "refer-anonymous-tablet.png", full_page=True)
    context.close()


def test_lobby_checks_in_a_customer_found_by_the_last_four_digits(
    browser, live_server, live_app, shots
):
    """On the tablet: four digits, one tap on the chip, 登记: the check-in is the customer's."""
    customer = _customer_of(live_app, "lobby1", owned=False)
    context = _tablet(browser, live_server)
    page = context.new_page()
    sign_in(page, "lobby1")
    page.click("#check-in-panel label.chip-choice:has-text('存取款')")
    page.fill("#picker-search", customer.mobile[-4:])
    chip = page.locator("#customer-options label.chip-choice", has_text=customer.name)
    expect(chip).to_contain_text(customer.mobile[-4:])
    chip.scroll_into_view_if_needed()
    page.screenshot(path=shots / "lobby-picker-tablet.png")
    chip.click()
    page.click("#check-in-panel button[type=submit]")
    result = page.locator("#check-in-panel .result")
    expect(result).to_contain_text(customer.name)
    ticket = re.search(r"(\d+)号", result.inner_text()).group(1)
    with live_app.app_context():
        start, _end = timeutil.day_bounds(timeutil.local_today())
        visits = db.session.scalars(
            select(CheckIn).where(CheckIn.customer_id == customer.id, CheckIn.created_at >= start)
        )
        assert [v.ticket for v in visits] == [int(ticket)]  # today's one check-in is theirs
    context.close()


def test_appointment_customer_is_chosen_with_the_picker_on_the_phone(
    browser, live_server, live_app, shots
):
    """On the phone: no list of every name; the pinyin initials find the customer, a tap
    chooses, and the appointment saved is theirs."""
    customer = _customer_of(live_app, "wealth1", owned=True)
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    sign_in(page, "wealth1")
    page.goto("/appointments/new")
    expect(page.locator("select[name=customer_id]")).to_have_count(0)
    page.fill("#picker-search", customer.name_initials)
    chip = page.locator("#customer-options label.chip-choice", has_text=customer.name)
    chip.click()
    page.screenshot(path=shots / "appointment-picker-phone.png", full_page=True)
    page.locator("input[name=reason]").first.check()
    page.fill("textarea[name=value_statement]", "二十分钟帮您梳理存款和理财。")
    page.fill("input[name=option_1]", "2026-12-20T10:00")
    page.fill("input[name=option_2]", "2026-12-21T15:30")
    page.locator("input[name=chosen_option][value='1']").check()
    page.fill("input[name=place]", "支行二楼贵宾室")
    page.check("input[name=reconfirmed]")
    page.click("#appointment-form button[type=submit]")
    expect(page.locator("#appointment-form.saved .flash--ok")).to_contain_text(customer.name)
    with live_app.app_context():
        latest = db.session.scalar(select(Appointment).order_by(Appointment.id.desc()).limit(1))
        assert latest.customer_id == customer.id and latest.place == "支行二楼贵宾室"
    context.close()


def test_the_appointment_picker_works_without_signal(page, context, live_app, shots):
    """Offline, the link's customer is chosen and the picker searches one's own customers kept
    in the form; the appointment queued is delivered with the customer chosen."""
    customers = _own_customers(live_app, "wealth1")
    linked, wanted = customers[0], customers[-1]
    ready(page, "/appointments/new", username="wealth1")
    context.set_offline(True)
    page.goto(f"/appointments/new?customer_id={linked.id}")
    expect(page.locator(f"#customer-options input[value='{linked.id}']")).to_be_checked()
    page.fill("#picker-search", wanted.name_initials)
    chip = page.locator("#customer-options label.chip-choice", has_text=wanted.name)
    chip.click()
    expect(chip.locator("input")).to_be_checked()
    page.screenshot(path=shots / "appointment-picker-offline-phone.png")
    page.check("input[name=reason][value=external_referral]")
    page.fill("#value_statement", "离线也能约见。")
    page.fill("#option_1", "2026-12-22T10:00")
    page.fill("#option_2", "2026-12-23T14:00")
    page.check("input[name=chosen_option][value='1']")
    page.fill("#place", "离线选择客户测试")
    page.check("#reconfirmed")
    page.click("#appointment-form button[type=submit]")
    expect(page.locator("[data-outbox-saved]")).to_be_visible()
    context.set_offline(False)
    wait_outbox_empty(page)
    with live_app.app_context():
        saved = db.session.scalar(
            select(Appointment).where(Appointment.place == "离线选择客户测试")
        )
        assert saved.customer_id == wanted.id
