"""VAPID keys: from the environment, else from the instance folder; never in the repository.

`flask push init-keys` writes `vapid_private.pem` (mode 0600) into the instance folder.
In production set VAPID_PRIVATE_KEY (the base64url raw or DER key `vapid --gen` prints)
and VAPID_SUBJECT (a mailto: or https: contact for the push services) instead.
"""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid

KEY_FILE = "vapid_private.pem"
DEFAULT_SUBJECT = "mailto:branchkit-ops@example.com"


class KeysMissing(RuntimeError):
    """No VAPID key is configured: run `flask push init-keys` or set VAPID_PRIVATE_KEY."""


def key_path() -> Path:
    """Where init-keys keeps the private key."""
    return Path(current_app.instance_path) / KEY_FILE


def write_keys(force: bool = False) -> Path | None:
    """Generate a P-256 key pair into the instance folder; None when one is already there."""
    path = key_path()
    if path.exists() and not force:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    pem = vapid.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Create the file private from the start rather than chmod after writing.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def load_vapid() -> Vapid:
    """The signing key: app config / environment first, then the instance file."""
    configured = current_app.config.get("VAPID_PRIVATE_KEY") or os.environ.get("VAPID_PRIVATE_KEY")
    if configured:
        return Vapid.from_string(configured)
    path = key_path()
    if path.exists():
        return Vapid.from_pem(path.read_bytes())
    raise KeysMissing("no VAPID key: run `flask --app webapp push init-keys`")


def public_key() -> str | None:
    """The application server key for pushManager.subscribe (base64url), or None if unset."""
    try:
        vapid = load_vapid()
    except KeysMissing:
        return None
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    """The contact the push services see in the VAPID claims."""
    return (
        current_app.config.get("VAPID_SUBJECT")
        or os.environ.get("VAPID_SUBJECT")
        or DEFAULT_SUBJECT
    )
