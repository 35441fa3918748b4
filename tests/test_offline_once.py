"""The offline protocol under replays and races: nothing an item creates is created twice, and
of two edits from one version exactly one wins (the other gets the conflict page)."""

import threading
import uuid
from datetime import datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from tests.appointments.test_appointments import appointment_data
from tests.conftest import Client
from tests.customers.test_sheets import _sme
from webapp.appointments.models import Appointment
from webapp.auth.models import Role
from webapp.customers import services as customers
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.field import services as field
from webapp.field.models import Outcome, Visit
from webapp.sync.protocol import StaleVersion, check_version


def _appointment_item(meeter_id: int, name: str) -> dict:
    """An appointment for a new customer with no mobile, queued by the phone."""
    form = appointment_data(meeter_id, new_name=name, new_mobile="")
    return {"client_id": form["client_id"], "url": "/appointments/", "body": urlencode(form)}


def _send(client, items):
    token = client.get("/sync/token").get_json()["token"]
    return client.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})


def _count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def test_a_batch_sent_again_after_a_lost_answer_creates_each_customer_once(app, client, login_as):
    """An appointment for a new customer, its batch sent twice: one appointment, one customer."""
    me = login_as(Role.WEALTH_MANAGER)
    items = [_appointment_item(me.id, f"新客户{n}") for n in range(3)]
    first = _send(client, items).get_json()["results"]
    again = _send(client, items).get_json()["results"]
    assert [r["status"] for r in first] == [303] * 3 and [r["status"] for r in again] == [303] * 3
    assert _count(app, Appointment) == 3
    assert [_count(app, Customer, name=f"新客户{n}") for n in range(3)] == [1, 1, 1]


def test_a_replayed_item_before_a_new_one_leaves_nothing_behind(app, client, login_as):
    """The outbox resends A (its answer was lost) in a batch with B: A's customer stays one."""
    me = login_as(Role.WEALTH_MANAGER)
    a, b = _appointment_item(me.id, "客户甲"), _appointment_item(me.id, "客户乙")
    assert _send(client, [a]).get_json()["results"][0]["status"] == 303
    assert [r["status"] for r in _send(client, [a, b]).get_json()["results"]] == [303, 303]
    assert _count(app, Appointment) == 2
    assert (_count(app, Customer, name="客户甲"), _count(app, Customer, name="客户乙")) == (1, 1)


def test_a_direct_post_sent_again_makes_no_second_customer(app, client, login_as):
    """The same appointment form posted twice (a lost answer, then the outbox's replay): the
    replay check comes before the new customer is made, so there is one of each."""
    me = login_as(Role.WEALTH_MANAGER)
    form = appointment_data(me.id, new_name="客户丙", new_mobile="")
    for headers in ({}, {"X-Outbox-Replay": "1"}):
        response = client.post_form(
            "/appointments/", form, page="/appointments/new", headers=headers
        )
        assert response.status_code == 303
    assert (_count(app, Appointment), _count(app, Customer, name="客户丙")) == (1, 1)


@pytest.mark.parametrize("kind", ["customer", "visit"])
def test_two_edits_from_one_version_one_wins_the_other_conflicts(app, db, login_as, kind):
    """Two edits based on version 1: the second to arrive is refused (StaleVersion), never
    stored over the first, even though its own copy of the row still said version 1."""
    staff = login_as(Role.CORPORATE_AM)
    with app.app_context():
        if kind == "customer":
            row = Customer(
                branch_id=staff.branch_id, kind="sme", name="并发商贸", owner_id=staff.id
            )
        else:
            row = Visit(
                branch_id=staff.branch_id,
                staff_id=staff.id,
                business_name="并发小店",
                outcome=Outcome.LEAD,
                checked_in_at=datetime(2026, 12, 1, 2, 0),
            )
        db.session.add(row)
        db.session.commit()
        model, row_id = type(row), row.id

    def edit(row, text):
        if kind == "customer":
            data = {**customers.sheet_data(row), "name": text}
            return customers.update_sheet(row, data, 1, edit_id=str(uuid.uuid4()))
        return field.edit_visit(
            row, version=1, edit_id=str(uuid.uuid4()), outcome=Outcome.LEAD, notes=text
        )

    with app.app_context():
        mine = db.session.get(model, row_id)
        assert mine.version == 1
        with app.app_context():  # another request, its own session, arrives first and wins
            theirs = db.session.get(model, row_id)
            assert edit(theirs, "先到") is True
            db.session.commit()  # the end of that request
        with pytest.raises(StaleVersion) as refused:
            edit(mine, "后到")
        assert refused.value.current.version == 2
        db.session.rollback()
        with pytest.raises(StaleVersion):  # a version that is not a number is never current
            check_version(db.session.get(model, row_id), "2; --")
        db.session.rollback()
    with app.app_context():
        stored = db.session.get(model, row_id)
        text = stored.name if kind == "customer" else stored.notes
        assert (stored.version, text) == (2, "先到")


def test_simultaneous_edits_of_a_sheet_exactly_one_is_saved(app, db, client, login_as):
    """Six phones send an edit from version 1 at the same moment (threads, each its own
    request): one 303, five conflict pages (409), and the sheet holds the winner's address."""
    staff = login_as(Role.CORPORATE_AM)
    assert client.post_form("/customers/new/sme", _sme()).status_code == 303
    with app.app_context():
        customer_id = db.session.scalar(select(Customer.id))
    url = f"/customers/{customer_id}/edit"
    phones = []
    for n in range(6):
        phone = Client(app.test_client())
        with phone.raw.session_transaction() as session:
            session["_user_id"] = staff.get_id()
            session["_fresh"] = True
        base = {k: v for k, v in _sme().items() if k != "client_id"}
        form = {**base, "version": "1", "address": f"地址{n}", "client_id": str(uuid.uuid4())}
        phones.append((phone, {"csrf_token": phone.csrf_token(url), **form}))
    start, answers = threading.Barrier(len(phones)), {}

    def send(n, phone, form):
        start.wait()
        answers[n] = phone.raw.post(url, data=form).status_code

    threads = [threading.Thread(target=send, args=(n, *p)) for n, p in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers.values()) == [303, 409, 409, 409, 409, 409]
    (winner,) = [n for n, status in answers.items() if status == 303]
    with app.app_context():
        stored = db.session.get(Customer, customer_id)
        assert (stored.version, stored.sme_sheet.address) == (2, f"地址{winner}")


def test_two_flushes_of_one_batch_at_once_make_each_record_once(app, db, client, login_as):
    """The page's flush and Background Sync send the same batch at the same moment (threads,
    each its own request): three appointments for new customers, each stored once, and each
    new customer made once (the loser's savepoint takes its customer with it)."""
    me = login_as(Role.WEALTH_MANAGER)
    items = [_appointment_item(me.id, f"并发客户{n}") for n in range(3)]
    token = client.get("/sync/token").get_json()["token"]
    cookie = client.raw.get_cookie("session")
    answers, start = [], threading.Barrier(2)

    def flush():
        phone = app.test_client()
        phone.set_cookie("session", cookie.value)
        start.wait()
        answer = phone.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})
        answers.append([r["status"] for r in answer.get_json()["results"]])

    threads = [threading.Thread(target=flush) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [[303] * 3, [303] * 3]
    assert _count(app, Appointment) == 3
    assert [_count(app, Customer, name=f"并发客户{n}") for n in range(3)] == [1, 1, 1]
