"""Schedule reads: a day's entries and the week summary for the one-on-one."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.schedule.models import ScheduleEntry
from webapp.timeutil import day_bounds


def entries_between(staff_id: int, start: datetime, end: datetime):
    """One person's entries in [start, end), earliest first."""
    return db.session.scalars(
        select(ScheduleEntry)
        .options(selectinload(ScheduleEntry.customer))
        .where(
            ScheduleEntry.staff_id == staff_id,
            ScheduleEntry.starts_at >= start,
            ScheduleEntry.starts_at < end,
        )
        .order_by(ScheduleEntry.starts_at, ScheduleEntry.id)
    ).all()


def day_entries(staff_id: int, day: date):
    """One person's entries on a local day."""
    return entries_between(staff_id, *day_bounds(day))


def week_summary(staff_id: int, week_start: date) -> dict:
    """Days planned vs activities done in the week starting week_start (a Monday), in one query.

    Returns {"week_start", "days": [{"day", "planned", "done"} x7], "planned", "done",
    "days_planned", "days_done"}: entries planned and done per local day, plus how many days
    had anything planned and how many had at least one activity done. The one-on-one reads it.
    """
    bounds = [day_bounds(week_start + timedelta(days=i)) for i in range(7)]
    columns = []
    for start, end in bounds:
        in_day = (ScheduleEntry.starts_at >= start) & (ScheduleEntry.starts_at < end)
        columns.append(func.count(ScheduleEntry.id).filter(in_day))
        columns.append(
            func.count(ScheduleEntry.id).filter(in_day & ScheduleEntry.done_at.is_not(None))
        )
    row = db.session.execute(
        select(*columns).where(
            ScheduleEntry.staff_id == staff_id,
            ScheduleEntry.starts_at >= bounds[0][0],
            ScheduleEntry.starts_at < bounds[-1][1],
        )
    ).one()
    days = [
        {"day": week_start + timedelta(days=i), "planned": row[2 * i], "done": row[2 * i + 1]}
        for i in range(7)
    ]
    return {
        "week_start": week_start,
        "days": days,
        "planned": sum(d["planned"] for d in days),
        "done": sum(d["done"] for d in days),
        "days_planned": sum(1 for d in days if d["planned"]),
        "days_done": sum(1 for d in days if d["done"]),
    }
