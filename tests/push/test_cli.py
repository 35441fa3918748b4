"""`flask push init-keys` and `deliver-due`, key sources, and the demo history."""

import os
import stat

from sqlalchemy import select

from tests.conftest import text_of
from webapp import demo
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.push import keys
from webapp.push.models import Kind, Notification, Status


def test_init_keys_writes_a_private_file_once(app, tmp_path, monkeypatch):
    """The key goes to the instance folder, mode 0600; a second run keeps it; --force replaces it."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    saved = app.config.pop("VAPID_PRIVATE_KEY", None)
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    try:
        runner = app.test_cli_runner()
        with app.app_context():
            assert keys.public_key() is None  # nothing configured: the page says so
        first = runner.invoke(args=["push", "init-keys"])
        assert first.exit_code == 0 and "written" in first.output
        path = tmp_path / "vapid_private.pem"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
        with app.app_context():
            public = keys.public_key()
        assert public and f"Public key: {public}" in first.output
        pem = path.read_text()
        again = runner.invoke(args=["push", "init-keys"])
        assert "already" in again.output and path.read_text() == pem
        with app.app_context():
            assert keys.public_key() == public
        runner.invoke(args=["push", "init-keys", "--force"])
        with app.app_context():
            assert keys.public_key() != public
    finally:
        if saved:
            app.config["VAPID_PRIVATE_KEY"] = saved


def test_the_environment_key_wins_over_the_file(app, vapid_key, tmp_path, monkeypatch):
    """VAPID_PRIVATE_KEY (config or environment) is used before any instance file."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    app.test_cli_runner().invoke(args=["push", "init-keys"])
    with app.app_context():
        from cryptography.hazmat.primitives import serialization

        expected = vapid_key.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        from tests.push.fakes import b64url

        assert keys.public_key() == b64url(expected)


def test_deliver_due_command_runs_one_pass(app, db, branch, device_for, push_service, monkeypatch):
    """The cron command delivers what is due and says what it did."""
    # It reads the wall clock: between 08:15 and 08:30 the staff member's commitment nudge
    # would be due too. The scheduled reminders have their own tests with a fixed time.
    monkeypatch.setitem(app.config, "PUSH_NUDGE_MINUTES", 0)
    from tests.factories import make_staff
    from webapp.auth.models import Role
    from webapp.push.services import send_test

    staff = make_staff(Role.RETAIL_AM, branch)
    device = device_for(staff)
    with app.app_context():
        send_test(db.session.merge(staff), "BranchKit", "hello")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["push", "deliver-due"])
    assert result.exit_code == 0 and result.output == "push: sent 1\n"
    assert device.decrypt(push_service.received[0].body)["body"] == "hello"


def test_demo_history_shows_on_the_settings_page(app, client):
    """The demo has weeks of delivered notifications; a wealth manager sees referrals received."""
    with app.app_context():
        demo.load_demo()
        wealth1 = db.session.scalar(select(Staff).where(Staff.username == "wealth1"))
        kinds = set(
            db.session.scalars(select(Notification.kind).where(Notification.status == Status.SENT))
        )
        assert {Kind.REFERRAL_RECEIVED, Kind.BRANCH_BROADCAST, Kind.APPOINTMENT_REMINDER} <= kinds
    with client.raw.session_transaction() as session:
        session["_user_id"] = wealth1.get_id()
    page = text_of(client.get("/push/"))
    assert "转介客户：" in page and "已送达" in page and "****" in page


def test_without_keys_nothing_is_claimed(app, db, branch, tmp_path, monkeypatch):
    """No VAPID key: the command says so and every notification stays pending for later."""
    from tests.factories import make_staff
    from webapp.auth.models import Role
    from webapp.push.services import enqueue

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    saved = app.config.pop("VAPID_PRIVATE_KEY", None)
    staff = make_staff(Role.RETAIL_AM, branch)
    try:
        with app.app_context():
            enqueue(db.session.merge(staff), Kind.TEST, "x")
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["push", "deliver-due"])
        assert result.exit_code != 0 and "init-keys" in result.output
        with app.app_context():
            assert db.session.scalar(select(Notification.status)) == Status.PENDING
    finally:
        if saved:
            app.config["VAPID_PRIVATE_KEY"] = saved
