"""The sign-in throttle: failures are rows, counted per username and address and per username.

Counted in the database, not in a worker's memory, so every worker and host sees the same
failures and the administrator can read them. Never per address alone: a whole branch signs
in from behind one NAT address, and one person's (or an attacker's) failures must not lock a
colleague out. Refused attempts are not recorded again, so a locked-out name unlocks on time.
"""

from datetime import datetime, timedelta

import limits
from flask import current_app
from sqlalchemy import delete, func, or_, select

from webapp.auth.models import Branch, SignInFailure, Staff
from webapp.extensions import db
from webapp.timeutil import now_naive


def _limit(key: str) -> tuple[int, timedelta]:
    item = limits.parse(current_app.config[key])
    return item.amount, timedelta(seconds=item.get_expiry())


def key_of(username: str) -> str:
    """How a typed username is counted (as the sign-in matches it: trimmed, any case)."""
    return (username or "").strip().lower()[:60]


def retry_after(username: str, address: str) -> int | None:
    """Minutes until this username may try again from this address, or None when it may now."""
    name, moment = key_of(username), now_naive()
    waits = []
    for key, same_address in (
        ("LOGIN_FAILURE_LIMIT", True),
        ("LOGIN_USERNAME_FAILURE_LIMIT", False),
    ):
        amount, window = _limit(key)
        query = select(SignInFailure.at).where(
            SignInFailure.username == name, SignInFailure.at > moment - window
        )
        if same_address:
            query = query.where(SignInFailure.address == address)
        times = db.session.scalars(query.order_by(SignInFailure.at.desc()).limit(amount)).all()
        if len(times) >= amount:
            waits.append(times[-1] + window - moment)  # when the oldest counted one drops out
    if not waits:
        return None
    return max(1, -(-int(max(waits).total_seconds()) // 60))


def record_failure(username: str, address: str, second_factor: bool = False) -> None:
    """Write down a failed sign-in (the caller commits); forget those older than kept."""
    name = key_of(username)
    staff_id = db.session.scalar(select(Staff.id).where(func.lower(Staff.username) == name))
    moment = now_naive()
    db.session.add(
        SignInFailure(
            username=name,
            staff_id=staff_id,
            address=address[:45],
            second_factor=second_factor,
            at=moment,
        )
    )
    keep = timedelta(days=current_app.config["LOGIN_FAILURE_KEEP_DAYS"])
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < moment - keep))


def recent_failures(branch_ids: list[int], since: datetime, limit: int = 200) -> list:
    """Failures since a moment for the staff of these branches and for unknown usernames,
    newest first, with the person when there is one."""
    query = (
        select(SignInFailure, Staff, Branch.name)
        .outerjoin(Staff, Staff.id == SignInFailure.staff_id)
        .outerjoin(Branch, Branch.id == Staff.branch_id)
        .where(
            SignInFailure.at >= since,
            or_(SignInFailure.staff_id.is_(None), Staff.branch_id.in_(branch_ids)),
        )
        .order_by(SignInFailure.at.desc(), SignInFailure.id.desc())
        .limit(limit)
    )
    return db.session.execute(query).all()
