"""The settings page, subscribing a device, preferences, broadcasts, and who may do what."""

import json
from datetime import time

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_branch, make_staff
from tests.push.fakes import new_device
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.push.models import Kind, Notification, Preference, PushSubscription

ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"


def post_json(client, url, data, **headers):
    token = client.csrf_token("/push/")
    return client.raw.post(
        url,
        data=json.dumps(data),
        content_type="application/json",
        headers={"X-CSRFToken": token, **headers},
    )


def test_settings_page_shows_the_button_key_and_iphone_hint(app, client, login_as, vapid_key):
    """The page offers to turn notifications on (a tap, then the prompt), serves the public key."""
    login_as(Role.RETAIL_AM)
    response = client.get("/push/")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "在本设备开启通知" in page
    assert "主屏幕" in page  # iPhone users are told about the Home Screen
    assert "还没有设备接收通知。" in page and "暂无通知。" in page
    with app.app_context():
        from webapp.push.keys import public_key

        assert f'data-vapid-key="{public_key()}"' in html
    assert "转介超时未受理" not in page  # managers only
    assert "通知全网点" not in page


def test_the_me_page_links_to_the_settings(client, login_as):
    """Me → Notifications."""
    login_as(Role.TELLER)
    assert 'href="/push/"' in client.get("/me").get_data(as_text=True)


def test_subscribing_stores_the_device_and_lists_it(app, client, login_as, push_service, vapid_key):
    """The JSON from pushManager.subscribe is stored for the signed-in person, labelled by UA."""
    staff = login_as(Role.WEALTH_MANAGER)
    device = new_device(push_service)
    response = post_json(
        client,
        "/push/subscriptions",
        {"endpoint": device.endpoint, "keys": device.keys(), "expirationTime": None},
        **{"User-Agent": ANDROID_CHROME},
    )
    assert response.status_code == 201
    assert "Chrome · Android" in text_of(response)
    with app.app_context():
        sub = db.session.scalar(select(PushSubscription))
        assert (sub.staff_id, sub.endpoint, sub.p256dh) == (
            staff.id,
            device.endpoint,
            device.keys()["p256dh"],
        )
    # The same device again (another sign-in) does not make a second row.
    other = login_as(Role.TELLER)
    assert (
        post_json(
            client, "/push/subscriptions", {"endpoint": device.endpoint, "keys": device.keys()}
        ).status_code
        == 201
    )
    with app.app_context():
        assert [s.staff_id for s in db.session.scalars(select(PushSubscription))] == [other.id]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"endpoint": "https://evil.example.com/push/1"}, "endpoint"),
        ({"endpoint": "http://10.0.0.5/admin"}, "endpoint"),
        ({"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "p256dh"),
        ({"keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "p256dh"),
        ({"endpoint": ""}, "endpoint"),
    ],
)
def test_bad_subscriptions_are_refused(
    app, client, login_as, push_service, vapid_key, change, reason
):
    """Only a known push service (or the configured test host) with well-formed keys is stored."""
    login_as(Role.RETAIL_AM)
    device = new_device(push_service)
    data = {"endpoint": device.endpoint, "keys": device.keys(), **change}
    response = post_json(client, "/push/subscriptions", data)
    assert response.status_code == 400 and reason in response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(PushSubscription)) is None


def test_real_push_services_are_accepted(app, client, login_as, vapid_key):
    """FCM, Mozilla, Apple and Windows endpoints pass the host check."""
    from webapp.push.services import push_host_allowed

    with app.app_context():
        for url in (
            "https://fcm.googleapis.com/fcm/send/x",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://web.push.apple.com/Q",
            "https://wns2-par02p.notify.windows.com/w/?token=x",
        ):
            assert push_host_allowed(url), url
        assert not push_host_allowed("http://fcm.googleapis.com/fcm/send/x")
        assert not push_host_allowed("https://fcm.googleapis.com.evil.example/x")


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1\\@fcm.googleapis.com/fcm/send/x",  # the HTTP client goes to 127.0.0.1
        "https://10.0.0.5:8443\\@fcm.googleapis.com/fcm/send/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "https://10.0.0.5@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://fcm.googleapis.com:0443/fcm/send/x",
        "https://fcm.googleapis.com\\.evil.example/x",
        "https://203.0.113.7/fcm/send/x",
        "https://[::1]/fcm/send/x",
        "ftp://fcm.googleapis.com/fcm/send/x",
        "//fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:99999999999/x",
    ],
)
def test_endpoints_the_http_client_would_aim_elsewhere_are_refused(
    app, client, login_as, monkeypatch, vapid_key, endpoint
):
    """The endpoint is read as requests/urllib3 read it: user-info, other ports, IP literals
    and anything but https are refused, with production's allow-list (no extra host)."""
    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", ())
    login_as(Role.RETAIL_AM)
    keys = new_device_keys()
    response = post_json(client, "/push/subscriptions", {"endpoint": endpoint, "keys": keys})
    assert response.status_code == 400 and "endpoint" in response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(PushSubscription)) is None


def test_a_plain_push_service_endpoint_with_port_443_is_accepted(app, monkeypatch, vapid_key):
    """The default https port may be written out; the host check ignores letter case."""
    from webapp.push.services import push_host_allowed

    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", ())
    with app.app_context():
        assert push_host_allowed("https://fcm.googleapis.com:443/fcm/send/x")
        assert push_host_allowed("https://FCM.googleapis.com/fcm/send/x")
        assert not push_host_allowed("http://127.0.0.1:8080/push/x")  # no extra host named


def new_device_keys() -> dict:
    """Well-formed subscription keys (the endpoint is what a test varies)."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.push.fakes import b64url

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}


def test_removing_a_device(app, client, login_as, device_for):
    """htmx removal answers with the remaining list; another person's device is a 404."""
    staff = login_as(Role.RETAIL_AM)
    mine, kept = (
        device_for(staff, label="Chrome · Android"),
        device_for(staff, label="Safari · iPhone"),
    )
    stranger = make_staff(Role.RETAIL_AM, make_branch())
    theirs = device_for(stranger)
    token = client.csrf_token("/push/")
    response = client.raw.post(
        f"/push/subscriptions/{mine.subscription_id}/delete",
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "Safari · iPhone" in text_of(response) and "Chrome · Android" not in text_of(response)
    assert (
        client.raw.post(
            f"/push/subscriptions/{theirs.subscription_id}/delete", headers={"X-CSRFToken": token}
        ).status_code
        == 404
    )
    with app.app_context():
        assert sorted(db.session.scalars(select(PushSubscription.id))) == sorted(
            [kept.subscription_id, theirs.subscription_id]
        )


def test_saving_preferences(app, client, login_as):
    """Kinds, lead time and quiet hours are stored; the page shows them again."""
    staff = login_as(Role.RETAIL_AM)
    response = client.post_form(
        "/push/preferences",
        {
            "referral_received": "y",
            "appointment_reminder": "y",
            "lead_minutes": "15",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
        page="/push/",
        follow_redirects=True,
    )
    assert "通知设置已保存。" in text_of(response)
    with app.app_context():
        pref = db.session.get(Preference, staff.id)
        assert pref.referral_received and pref.appointment_reminder
        assert (
            not pref.branch_broadcast and not pref.commitment_nudge and not pref.field_visit_morning
        )
        assert pref.referral_overdue  # not a teller's choice: left at its default
        assert (pref.lead_minutes, pref.quiet_start, pref.quiet_end) == (15, time(22), time(7))
    html = client.get("/push/").get_data(as_text=True)
    assert 'value="22:00"' in html and '<option selected value="15">' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lead_minutes": "30", "quiet_start": "22:00"}, "请同时填写开始和结束时间，或都不填。"),
        (
            {"lead_minutes": "30", "quiet_start": "22:00", "quiet_end": "22:00"},
            "结束时间不能与开始时间相同。",
        ),
        ({"lead_minutes": "7"}, "不是有效的选择。"),
        (
            {"lead_minutes": "30", "quiet_start": "25:99", "quiet_end": "07:00"},
            "不是有效的时间值。",
        ),
    ],
)
def test_bad_preferences_are_shown_beside_the_field(app, client, login_as, data, message):
    """Invalid input re-renders the page with 200, the message beside the field, the values kept."""
    staff = login_as(Role.RETAIL_AM)
    response = client.post_form("/push/preferences", data, page="/push/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "field__error" in html
    assert message in text_of(response)
    if "quiet_start" in data:
        assert f'value="{data["quiet_start"]}"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.get(Preference, staff.id) is None


def test_test_notification_needs_a_device(app, client, login_as, device_for):
    """Without a device the page says so; with one, a test notification is queued."""
    staff = login_as(Role.RETAIL_AM)
    response = client.post_form("/push/test", {}, page="/push/", follow_redirects=True)
    assert "请先在一台设备上开启通知。" in text_of(response)
    device_for(staff)
    response = client.post_form("/push/test", {}, page="/push/", follow_redirects=True)
    assert "测试通知已发出。" in text_of(response)
    with app.app_context():
        n = db.session.scalar(select(Notification))
        assert (n.staff_id, n.kind, n.body) == (staff.id, Kind.TEST, "通知功能正常。")
    assert "待发送" in text_of(client.get("/push/"))  # in the history, waiting for the worker


def test_manager_broadcasts_to_the_branch_only(app, client, login_as, branch):
    """Everyone active in the branch except the sender; not another branch; not who turned it off."""
    manager = login_as(Role.BRANCH_MANAGER, name="周建华")
    teller, wealth = make_staff(Role.TELLER, branch), make_staff(Role.WEALTH_MANAGER, branch)
    quiet = make_staff(Role.RETAIL_AM, branch)
    make_staff(Role.TELLER, branch, active=False)
    make_staff(Role.TELLER, make_branch())
    with app.app_context():
        db.session.add(Preference(staff_id=quiet.id, branch_broadcast=False))
        db.session.commit()
    page = client.get("/push/broadcast")
    assert "晨会 5 分钟后开始。" in text_of(page)
    response = client.post_form(
        "/push/broadcast", {"message": "晨会 5 分钟后开始。"}, follow_redirects=True
    )
    assert "已发送给 2 位同事。" in text_of(response)
    assert "已送达 0 / 2 人" in text_of(response)
    with app.app_context():
        rows = db.session.scalars(select(Notification).order_by(Notification.staff_id)).all()
        assert [n.staff_id for n in rows] == sorted([teller.id, wealth.id])
        assert {(n.kind, n.title, n.body, n.urgency, n.created_by_id) for n in rows} == {
            (Kind.BRANCH_BROADCAST, "周建华", "晨会 5 分钟后开始。", "high", manager.id)
        }
        assert all((n.expires_at - n.created_at).total_seconds() == 600 for n in rows)


@pytest.mark.parametrize(("message", "error"), [("", "请填写消息内容。"), ("长" * 81, "80")])
def test_broadcast_bad_input(app, client, login_as, message, error):
    """Empty or too long: the message beside the field, nothing sent."""
    login_as(Role.BRANCH_MANAGER)
    response = client.post_form("/push/broadcast", {"message": message})
    assert response.status_code == 200 and "field__error" in response.get_data(as_text=True)
    assert error in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Notification)) is None


@pytest.mark.parametrize("role", [r for r in Role if r != Role.BRANCH_MANAGER])
def test_only_the_branch_manager_may_broadcast(client, login_as, role):
    """Everyone else gets 403 on the page and on the POST."""
    login_as(role)
    assert client.get("/push/broadcast").status_code == 403
    token = client.csrf_token("/push/")
    assert (
        client.raw.post("/push/broadcast", data={"message": "x", "csrf_token": token}).status_code
        == 403
    )


def test_anonymous_visitors_cannot_subscribe(client, push_service, vapid_key):
    """No session: the settings page redirects to sign-in and the JSON POST is refused."""
    assert client.get("/push/").status_code == 302
    device = new_device(push_service)
    response = client.raw.post(
        "/push/subscriptions",
        data=json.dumps({"endpoint": device.endpoint, "keys": device.keys()}),
        content_type="application/json",
    )
    assert response.status_code in (400, 401)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_its_own_settings(client, login_as, role):
    """Every signed-in person, the administrator included, manages their own notifications."""
    staff = login_as(role)
    response = client.get("/push/")
    assert response.status_code == 200 and staff.name in text_of(response)
    assert ("通知全网点" in text_of(response)) == (role == Role.BRANCH_MANAGER)


def test_statement_counts_do_not_grow_with_history_or_devices(
    app, client, login_as, branch, device_for
):
    """Settings and broadcast pages run a constant number of statements (no N+1)."""
    from tests.querycount import count_statements
    from webapp.push.services import broadcast

    manager = login_as(Role.BRANCH_MANAGER)
    staff = [make_staff(Role.TELLER, branch) for _ in range(3)]

    def grow(n):
        with app.app_context():
            for i in range(n):
                broadcast(db.session.merge(manager), f"晨会 {i}")
                db.session.add(
                    Notification(
                        staff_id=manager.id, branch_id=branch.id, kind=Kind.TEST, title=f"t{i}"
                    )
                )
            db.session.commit()
        device_for(manager)

    def counts():
        with app.app_context():
            engine = db.engine
        result = {}
        for path in ("/push/", "/push/broadcast"):
            with count_statements(engine) as statements:
                assert client.get(path).status_code == 200
            result[path] = len(statements)
        return result

    grow(2)
    small = counts()
    grow(15)
    assert counts() == small and all(n <= 12 for n in small.values()), small
    assert len(staff) == 3
