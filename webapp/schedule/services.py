"""Every state change of the schedule. Other domains call add_entry / sync_source_entry.

Times are naive UTC as stored; local_to_utc() turns a local (Asia/Shanghai) time into one.
add_entry and sync_source_entry add to the caller's session and do NOT commit, so the entry
is saved in the same transaction as the caller's own change.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.schedule.models import EntryKind, ScheduleEntry
from webapp.timeutil import day_bounds, local_to_utc, local_today, now_naive

FOLLOW_UP_TIME = time(9, 30)  # a follow-up date shows at the start of the working day


def add_entry(
    *,
    staff_id: int,
    branch_id: int,
    kind: EntryKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    customer_id: int | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
) -> ScheduleEntry:
    """Put an activity in someone's schedule (starts_at naive UTC); the caller commits.

    Domains that create entries pass source_type (e.g. "appointment") and source_id so the
    entry links back to its record; one entry exists per (source_type, source_id).
    """
    entry = ScheduleEntry(
        staff_id=staff_id,
        branch_id=branch_id,
        kind=kind,
        title=title[:120],
        starts_at=starts_at,
        ends_at=ends_at,
        customer_id=customer_id,
        source_type=source_type,
        source_id=source_id,
    )
    db.session.add(entry)
    return entry


def sync_source_entry(
    *,
    source_type: str,
    source_id: int,
    on: date | None,
    staff_id: int,
    branch_id: int,
    kind: EntryKind,
    title: str,
    customer_id: int | None = None,
) -> ScheduleEntry | None:
    """Keep the one entry of a source record on the date given (None removes an open entry).

    Used for follow-up dates: moving the date moves the entry, never copies it. The caller commits.
    """
    entry = db.session.scalar(
        select(ScheduleEntry).where(
            ScheduleEntry.source_type == source_type, ScheduleEntry.source_id == source_id
        )
    )
    if on is None:
        if entry is not None and entry.done_at is None:
            db.session.delete(entry)
        return None
    starts_at = local_to_utc(datetime.combine(on, FOLLOW_UP_TIME))
    if entry is None:
        return add_entry(
            staff_id=staff_id,
            branch_id=branch_id,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            customer_id=customer_id,
            source_type=source_type,
            source_id=source_id,
        )
    entry.starts_at, entry.ends_at = starts_at, starts_at + timedelta(minutes=30)
    entry.staff_id, entry.title, entry.done_at = staff_id, title[:120], None
    return entry


def complete_source_entry(source_type: str, source_id: int) -> None:
    """Close a source record's entry (a prospect won or lost): an entry due today or earlier is
    marked done; one on a later day leaves the schedule, since nobody will follow up then."""
    entry = db.session.scalar(
        select(ScheduleEntry).where(
            ScheduleEntry.source_type == source_type, ScheduleEntry.source_id == source_id
        )
    )
    if entry is None or entry.done_at is not None:
        return
    if entry.starts_at >= day_bounds(local_today())[1]:
        db.session.delete(entry)
    else:
        entry.done_at = now_naive()


def create_entry(**fields) -> ScheduleEntry:
    """Add an entry the user typed in, and save it."""
    entry = add_entry(**fields)
    db.session.flush()
    return entry


def set_done(entry: ScheduleEntry, done: bool = True) -> ScheduleEntry:
    """Mark an entry done (or not done again), and save it."""
    entry.done_at = now_naive() if done else None
    db.session.flush()
    return entry
