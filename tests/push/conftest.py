"""Web push fixtures: VAPID keys, the fake push service, devices subscribed in the database."""

import pytest
from py_vapid import Vapid

from tests import factories
from tests.push.fakes import Device, b64url, new_device, start_push_service, stop_push_service
from webapp.extensions import db
from webapp.push.models import PushSubscription


@pytest.fixture(scope="session")
def vapid_key(app):
    """A VAPID key for the session, given to the app as VAPID_PRIVATE_KEY (as the env would)."""
    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    app.config["VAPID_PRIVATE_KEY"] = b64url(raw)
    app.config["VAPID_SUBJECT"] = "mailto:ops@branch.example.com"
    app.config["PUSH_ALLOWED_HOSTS"] = ("127.0.0.1",)
    return vapid


@pytest.fixture
def push_service():
    """The fake push service, stopped after the test."""
    service, server = start_push_service()
    yield service
    stop_push_service(service, server)


@pytest.fixture
def device_for(push_service, vapid_key):
    """Subscribe a new device for a member of staff, straight into the database."""

    def make(staff, label="Chrome · Android") -> Device:
        device = new_device(push_service)
        with factories.APP.app_context():
            sub = PushSubscription(
                staff_id=staff.id, endpoint=device.endpoint, label=label, **device.keys()
            )
            db.session.add(sub)
            db.session.commit()
            device.subscription_id = sub.id
        return device

    return make
