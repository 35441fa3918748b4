"""The optional second factor: a TOTP code (RFC 6238, any authenticator app) or a recovery code.

A code is accepted once: the last time step used is kept, so a code seen over a shoulder or
replayed within its 30 seconds is refused. Recovery codes carry 80 random bits, so a plain
SHA-256 keeps them safe at rest; each works once.
"""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
from sqlalchemy import delete, select

from webapp.auth.models import Branch, RecoveryCode, Role, Staff
from webapp.extensions import db
from webapp.timeutil import now_naive

ISSUER = "BranchKit"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# Roles the administrator can oblige to use a second factor.
REQUIRABLE_ROLES = frozenset({Role.BRANCH_MANAGER, Role.ADMIN})


def new_secret() -> str:
    """A fresh shared secret (base32, as authenticator apps take it)."""
    return pyotp.random_base32()


def setup_uri(secret: str, user: Staff) -> str:
    """The otpauth:// link an authenticator app opens (or types in from the key)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The key in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def code_step(secret: str, code: str, after: int = 0) -> int | None:
    """The time step a six-digit code belongs to (now, or 30 s either side), if later than
    `after`; None when it matches none."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.now(UTC))
    for step in (current, current - 1, current + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(user: Staff, code: str) -> bool:
    """Accept a TOTP code or an unused recovery code for the user, once (the caller commits)."""
    code = _clean(code)
    if not user.totp_secret or not code:
        return False
    if code.isdigit() and len(code) == 6:
        step = code_step(user.totp_secret, code, after=user.totp_last_step)
        if step is None:
            return False
        user.totp_last_step = step
        return True
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now_naive()
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user: Staff) -> list[str]:
    """Replace the user's recovery codes with fresh ones, returned once to show (the caller
    commits)."""
    forget_recovery_codes(user)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:]}")
        db.session.add(RecoveryCode(staff_id=user.id, code_hash=_digest(raw)))
    return codes


def forget_recovery_codes(user: Staff) -> None:
    """Delete the user's recovery codes, used or not (the caller commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))


def unused_recovery_codes(user: Staff) -> int:
    """How many recovery codes the user has left."""
    rows = db.session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    return len(rows)


def required_for(user: Staff) -> bool:
    """Whether the administrator requires a second factor of this person: a manager or an
    administrator in a branch or region that has it switched on."""
    if user.role not in REQUIRABLE_ROLES:
        return False
    branch_id: int | None = user.branch_id
    seen = set()
    while branch_id is not None and branch_id not in seen:
        seen.add(branch_id)
        row = db.session.execute(
            select(Branch.require_second_factor, Branch.parent_id).where(Branch.id == branch_id)
        ).one_or_none()
        if row is None:
            return False
        if row.require_second_factor:
            return True
        branch_id = row.parent_id
    return False
