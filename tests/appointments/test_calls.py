"""The call log: calls that fixed no meeting logged on the appointments page, once per client id;
an appointment fixed on a call logs its call; the huddle counts both against the commitment."""

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.appointments.test_appointments import FORM, appointment_data
from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.appointments.models import Appointment, Call, Outcome, Via
from webapp.auth.models import Role
from webapp.extensions import db

PAGE = "/appointments/"


def call_data(customer_id: int, **fields) -> dict:
    """A logged call as the page sends it."""
    return {
        "client_id": str(uuid.uuid4()),
        "customer_id": str(customer_id),
        "outcome": "call_back",
        "note": "客户在开会，明天下午再打",
        **fields,
    }


def test_a_call_is_logged_once_and_listed_today(client, login_as, branch, app):
    """Logged with htmx: 201 and a confirmation; the same id replayed by the outbox: no second
    row; the page lists today's call with its outcome and note."""
    me = login_as(Role.RETAIL_AM, name="王磊")
    customer = make_customer(branch, name="郭桂英", owner_id=me.id)
    data = call_data(customer.id)
    first = client.post_form("/appointments/calls", data, page=PAGE, headers={"HX-Request": "true"})
    assert first.status_code == 201
    answer = first.get_data(as_text=True)
    assert "已记录电话：郭桂英，约定再联系。" in text_of(first)
    assert 'id="calls-today" hx-swap-oob="true"' in answer  # the list below updates at once
    assert "今日已记 1 通" in text_of(first)
    again = client.post_form(
        "/appointments/calls", data, page=PAGE, headers={"X-Outbox-Replay": "1"}
    )
    assert again.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Call.id))) == 1
        call = db.session.scalar(select(Call))
        assert (call.staff_id, call.branch_id, call.outcome) == (
            me.id,
            branch.id,
            Outcome.CALL_BACK,
        )
    page = text_of(client.get(PAGE))
    assert "今日已记 1 通" in page
    assert "郭桂英 客户在开会，明天下午再打 约定再联系" in page


def test_a_call_queued_offline_keeps_the_time_it_was_made(client, login_as, branch, app):
    """The outbox sends queued_at: the call counts on the day it was made, never in the future."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    made = datetime(2026, 11, 30, 2, 15)
    client.post_form(
        "/appointments/calls",
        call_data(customer.id, queued_at="2026-11-30T02:15:00.000Z"),
        page=PAGE,
        headers={"X-Outbox-Replay": "1"},
    )
    before = datetime.now(UTC).replace(tzinfo=None)
    future = (before + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    client.post_form("/appointments/calls", call_data(customer.id, queued_at=future), page=PAGE)
    after = datetime.now(UTC).replace(tzinfo=None)
    with app.app_context():
        times = sorted(db.session.scalars(select(Call.called_at)))
    assert times[0] == made
    assert before <= times[1] <= after  # a phone clock ahead: the server's time instead


def test_bad_input_is_shown_beside_the_fields_and_kept(client, login_as, branch, app):
    """No customer, no outcome, another person's customer: messages, nothing stored, the note
    typed is still there."""
    login_as(Role.RETAIL_AM)
    colleague = make_staff(Role.RETAIL_AM, branch)
    theirs = make_customer(branch, name="别人的客户", owner_id=colleague.id)
    empty = client.post_form(
        "/appointments/calls",
        call_data(0, outcome="", note="打了两次"),
        page=PAGE,
        headers={"HX-Request": "true"},
    )
    assert empty.status_code == 200  # a person sees the form again (an outbox replay gets 422)
    text = text_of(empty)
    assert "请选择您致电的客户。" in text and "请选择通话结果。" in text
    assert 'value="打了两次"' in empty.get_data(as_text=True)
    other = client.post_form(
        "/appointments/calls", call_data(theirs.id), page=PAGE, headers={"X-Outbox-Replay": "1"}
    )
    assert other.status_code == 422
    assert "今日电话" in text_of(other) and "请选择您自己的管户客户。" in text_of(other)
    assert "别人的客户" not in text_of(other)
    with app.app_context():
        assert db.session.scalar(select(func.count(Call.id))) == 0


def test_an_appointment_on_a_call_logs_the_call_and_face_to_face_does_not(
    client, login_as, branch, app
):
    """The appointment form's 'fixed' choice: on a call (the default, also for a form queued
    before the choice existed) logs one call that fixed it; face to face logs none."""
    me = login_as(Role.WEALTH_MANAGER)
    on_call = appointment_data(me.id)
    on_call.pop("via", None)
    client.post_form("/appointments/", on_call, page=FORM)
    client.post_form(
        "/appointments/", appointment_data(me.id, via="in_person", new_mobile=""), page=FORM
    )
    client.post_form("/appointments/", on_call, page=FORM)  # a replay: nothing more
    with app.app_context():
        vias = dict(db.session.execute(select(Appointment.id, Appointment.via)).all())
        assert sorted(vias.values()) == [Via.CALL, Via.IN_PERSON]
        calls = db.session.scalars(select(Call)).all()
        assert [(c.outcome, vias[c.appointment_id], c.staff_id) for c in calls] == [
            (Outcome.APPOINTMENT, Via.CALL, me.id)
        ]


def test_an_appointment_queued_offline_counts_when_it_was_made(client, login_as, app):
    """Made at 20:40 with no signal and sent the next morning: the appointment was set, and its
    call made, on the evening it was queued."""
    me = login_as(Role.WEALTH_MANAGER)
    queued = appointment_data(me.id, queued_at="2026-11-30T12:40:00.000Z")
    client.post_form("/appointments/", queued, page=FORM, headers={"X-Outbox-Replay": "1"})
    made = datetime(2026, 11, 30, 12, 40)
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert appointment.created_at == made
        assert db.session.scalars(select(Call.called_at)).all() == [made]


def checked_via(html: str) -> list[str]:
    """The values of the 'fixed' radios that are checked."""
    radios = re.findall(r'<input[^>]*name="via"[^>]*>', html)
    return [re.search(r'value="([^"]+)"', r).group(1) for r in radios if " checked" in r]


def test_a_field_visit_opens_the_form_face_to_face(client, login_as):
    """From market running the appointment is made in person: the link preselects it."""
    login_as(Role.RETAIL_AM)
    assert checked_via(client.get(f"{FORM}?via=in_person").get_data(as_text=True)) == ["in_person"]
    assert checked_via(client.get(FORM).get_data(as_text=True)) == ["call"]


def test_calls_are_the_callers_own_and_stay_in_the_branch(client, login_as, branch, app):
    """Today's list shows my calls only; an administrator may not log calls."""
    login_as(Role.RETAIL_AM)
    other_branch = make_branch("张江支行")
    elsewhere = make_staff(Role.RETAIL_AM, other_branch)
    theirs = make_customer(other_branch, name="张江客户", owner_id=elsewhere.id)
    with app.app_context():
        db.session.add(
            Call(branch_id=other_branch.id, staff_id=elsewhere.id, customer_id=theirs.id,
                 outcome=Outcome.NO_ANSWER)
        )  # fmt: skip
        db.session.commit()
    page = text_of(client.get(PAGE))
    assert "张江客户" not in page and "今日已记 0 通" in page
    refused = client.post_form(
        "/appointments/calls", call_data(theirs.id), page=PAGE, headers={"X-Outbox-Replay": "1"}
    )
    assert refused.status_code == 422
    login_as(Role.ADMIN)
    assert client.get(PAGE).status_code == 403
    admin_post = client.post_form("/appointments/calls", call_data(theirs.id), page="/me")
    assert admin_post.status_code == 403


def test_the_owner_logs_a_call_from_the_customer_page(client, login_as, branch):
    """The customer's owner gets 'log the call' on the sheet; it opens the form with the customer
    chosen. The branch manager, who owns no customers, gets no such link."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, name="郭桂英", mobile="13800005678", owner_id=me.id)
    sheet = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    link = f"/appointments/?customer_id={customer.id}#call-form"
    assert link in sheet and f"/appointments/new?customer_id={customer.id}" in sheet
    form = client.get(link.split("#")[0]).get_data(as_text=True)
    assert re.search(rf'value="{customer.id}" checked><span>郭桂英 138\*\*\*\*5678', form)
    login_as(Role.BRANCH_MANAGER)
    assert link not in client.get(f"/customers/{customer.id}").get_data(as_text=True)


def test_the_call_is_logged_against_a_customer_found_with_the_one_picker(client, login_as, branch):
    """Issue 20, item 8: the call form chooses the customer with the searchable picker (one's
    own customers, found by name, initials or mobile tail; kept in the page for no signal), not
    a native list; the picker offers one's own customers only."""
    me = login_as(Role.RETAIL_AM)
    colleague = make_staff(Role.RETAIL_AM, branch)
    mine = make_customer(branch, name="丁一", mobile="13800001111", owner_id=me.id)
    make_customer(branch, name="丁二", mobile="13800002222", owner_id=colleague.id)
    page = client.get(PAGE).get_data(as_text=True)
    form = page[page.index('id="call-form"') : page.index("</form>", page.index('id="call-form"'))]
    assert "<select" not in form and 'id="picker-search"' in form
    assert f'data-id="{mine.id}"' in form and "丁二" not in form  # the offline list: mine only
    found = client.get(
        f"/customers/picker?q=1111&field=customer_id&none=required&owner={me.id}",
        headers={"HX-Request": "true"},
    )
    assert "丁一" in text_of(found) and 'value=""' not in found.get_data(as_text=True)
