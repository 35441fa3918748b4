"""Read-only queries of market running, aggregated in SQL."""

from datetime import date

from sqlalchemy import func, select

from webapp.auth.access import scoped
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.field.models import Outcome, Stop, Sweep, Visit


def my_sweeps(user: Staff, limit: int = 30) -> list[tuple[Sweep, int, int]]:
    """The user's sweeps, newest day first, with their stop and visit counts."""
    stops = select(Stop.sweep_id, func.count(Stop.id).label("n")).group_by(Stop.sweep_id).subquery()
    visits = (
        select(Visit.sweep_id, func.count(Visit.id).label("n"))
        .where(Visit.sweep_id.is_not(None))
        .group_by(Visit.sweep_id)
        .subquery()
    )
    query = (
        scoped(Sweep, user)
        .add_columns(func.coalesce(stops.c.n, 0), func.coalesce(visits.c.n, 0))
        .outerjoin(stops, stops.c.sweep_id == Sweep.id)
        .outerjoin(visits, visits.c.sweep_id == Sweep.id)
        .where(Sweep.staff_id == user.id)
        .order_by(Sweep.day.desc(), Sweep.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def sweeps_on(user: Staff, day: date) -> list[Sweep]:
    """The user's sweeps planned for one day."""
    query = scoped(Sweep, user).where(Sweep.staff_id == user.id, Sweep.day == day)
    return list(db.session.scalars(query.order_by(Sweep.id)))


def sweep_visits(sweep: Sweep) -> list[Visit]:
    """The visits made on a sweep, in check-in order."""
    query = select(Visit).where(Visit.sweep_id == sweep.id).order_by(Visit.checked_in_at)
    return list(db.session.scalars(query))


def outcome_counts(visits: list[Visit]) -> dict[Outcome, int]:
    """How many visits ended each way, every outcome listed."""
    counts = dict.fromkeys(Outcome, 0)
    for visit in visits:
        counts[visit.outcome] += 1
    return counts


def recent_visits(user: Staff, limit: int = 20) -> list[Visit]:
    """The user's latest visits, newest first."""
    query = scoped(Visit, user).where(Visit.staff_id == user.id)
    return list(db.session.scalars(query.order_by(Visit.checked_in_at.desc()).limit(limit)))
