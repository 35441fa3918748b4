"""The transactional outbox: written with the event, sent after commit, at most once per device."""

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select

from tests.factories import make_customer, make_staff
from webapp.auth.models import Role
from webapp.push.delivery import LEASE, claim, deliver_due
from webapp.push.models import Delivery, DeliveryStatus, Kind, Notification, Status
from webapp.push.services import enqueue
from webapp.signals import referral_overdue, referral_sent
from webapp.timeutil import now_naive


class FakeReferral:
    """Test-only stand-in for the referrals domain's Referral: exactly the attributes
    webapp/signals.py documents for the sender (no SQLAlchemy; the real model is not in
    this branch)."""

    def __init__(self, id, branch_id, receiver_id, referrer, customer, need_label, created_at):
        self.id, self.branch_id, self.receiver_id = id, branch_id, receiver_id
        self.referrer, self.customer = referrer, customer
        self.need_label, self.created_at = need_label, created_at


def a_referral(branch, receiver, created_at=None):
    referrer = make_staff(Role.TELLER, branch, name="吴佳琪")
    customer = make_customer(branch, name="张伟", mobile="13912345678")
    return FakeReferral(
        41,
        branch.id,
        receiver.id,
        referrer,
        customer,
        "大额存款",
        created_at or datetime(2026, 11, 23, 2, 42),
    )


def test_referral_sent_writes_a_notification_for_the_receiver(
    app, db, branch, device_for, push_service
):
    """The receiver's phone shows the customer (masked phone), the need, who referred, since when."""
    receiver = make_staff(Role.WEALTH_MANAGER, branch)
    device = device_for(receiver)
    referral = a_referral(branch, receiver)
    with app.app_context():
        referral_sent.send(referral)
        db.session.commit()
        n = db.session.scalar(select(Notification))
        assert (n.staff_id, n.kind, n.branch_id) == (receiver.id, Kind.REFERRAL_RECEIVED, branch.id)
        assert n.urgency == "high"
        deliver_due(now_naive())
    payload = device.decrypt(push_service.received[0].body)
    assert payload["title"] == "转介客户：张伟 139****5678"
    assert payload["body"] == "大额存款 · 推荐人 吴佳琪 · 10:42起等候"
    assert payload["url"] == "/referrals/41"
    assert "13912345678" not in push_service.received[0].body.decode("latin-1") + str(payload)


def test_an_event_rolled_back_sends_nothing(app, db, branch, device_for, push_service):
    """The listener writes in the sender's transaction: a rollback takes the notification too."""
    receiver = make_staff(Role.WEALTH_MANAGER, branch)
    device_for(receiver)
    referral = a_referral(branch, receiver)
    with app.app_context():
        referral_sent.send(referral)
        assert db.session.new  # written, not yet committed
        db.session.rollback()
        assert deliver_due(now_naive()) == {}
        assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert push_service.received == []


def test_overdue_referral_goes_to_the_branch_managers_once(app, db, branch, vapid_key):
    """Every manager of the referral's branch, not other branches; a second signal adds nothing."""
    receiver = make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕")
    manager = make_staff(Role.BRANCH_MANAGER, branch)
    make_staff(Role.BRANCH_MANAGER, make_staff_branch())
    referral = a_referral(branch, receiver, created_at=now_naive() - timedelta(minutes=25))
    with app.app_context():
        referral_overdue.send(referral)
        db.session.commit()
        referral_overdue.send(referral)
        db.session.commit()
        rows = db.session.scalars(select(Notification)).all()
        assert [(n.staff_id, n.kind) for n in rows] == [(manager.id, Kind.REFERRAL_OVERDUE)]
        assert rows[0].title == "转介未受理：张伟 139****5678"
        assert rows[0].body in {
            "大额存款 · 已转给 林晓燕 · 已等候 25 分钟",
            "大额存款 · 已转给 林晓燕 · 已等候 26 分钟",
        }


def make_staff_branch():
    from tests.factories import make_branch

    return make_branch("张江支行")


def test_two_workers_never_claim_the_same_rows(app, db, branch, vapid_key):
    """Claims are disjoint: a second worker takes only what the first did not."""
    staff = make_staff(Role.RETAIL_AM, branch)
    with app.app_context():
        for i in range(5):
            enqueue(db.session.merge(staff), Kind.TEST, f"t{i}")
        db.session.commit()
        now = now_naive()
        first = {n.id for n in claim(now, 3)}
        second = {n.id for n in claim(now, 3)}
        assert len(first) == 3 and len(second) == 2 and not first & second
        assert claim(now, 3) == []


def test_a_worker_killed_mid_batch_resumes_without_duplicates(
    app, db, database_url, branch, device_for, push_service, tmp_path
):
    """`flask push deliver-due` is SIGKILLed while its third request is in flight; the next pass
    (after the claim's lease) sends the rest, and no notification reaches a device twice."""
    staff = [make_staff(Role.RETAIL_AM, branch) for _ in range(5)]
    devices = {s.id: device_for(s) for s in staff}
    with app.app_context():
        for member in staff:
            enqueue(
                db.session.merge(member),
                Kind.TEST,
                f"hello {member.id}",
                due_at=now_naive() - timedelta(minutes=1),
            )
        db.session.commit()
    push_service.hold, push_service.hold_from = threading.Event(), 3
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BRANCHKIT_INSTANCE": str(tmp_path),
        "VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"],
        "FLASK_APP": "webapp",
        "PUSH_NUDGE_MINUTES": "0",  # a pass at 08:15-08:30 would also nudge the five for today
        "PUSH_ALLOWED_HOSTS": "127.0.0.1",  # the fake push service, as an operator would name it
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "push", "deliver-due"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(3):
            push_service.arrived.get(timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        worker.stdout.close()
    push_service.hold.set()
    assert len(push_service.received) == 3
    with app.app_context():
        stuck = db.session.scalars(
            select(Notification).where(Notification.status == Status.SENDING)
        ).all()
        assert len(stuck) == 3  # two were done; the whole batch of five was claimed
        # Within the lease nothing is taken over: the worker might still be alive.
        assert deliver_due(now_naive()) == {}
        counts = deliver_due(now_naive() + LEASE + timedelta(seconds=1))
        assert counts == {"sent": 3}
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(Notification.status == Status.SENT)
            )
            == 5
        )
        unknown = db.session.scalar(
            select(func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.UNKNOWN)
        )
        assert unknown == 1  # the request in flight when it died: never sent again
    received_titles = []
    for item in push_service.received:
        device = next(d for d in devices.values() if d.path == item.path)
        received_titles.append(device.decrypt(item.body)["title"])
    assert sorted(received_titles) == sorted(f"hello {s.id}" for s in staff)
