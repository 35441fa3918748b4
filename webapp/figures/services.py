"""Changes to figures' inputs: the month's targets."""

from datetime import date

from sqlalchemy import select

from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.figures.models import Target


def set_targets(
    branch_id: int, month: date, cells: dict[tuple[int | None, str], int | None], by: Staff
) -> None:
    """Store the month's targets: each (staff_id or None for the branch, metric) -> value.

    A value of None removes the target; existing targets are updated in place.
    """
    existing = {
        (t.staff_id, t.metric): t
        for t in db.session.scalars(
            select(Target).where(Target.branch_id == branch_id, Target.month == month)
        )
    }
    for key, value in cells.items():
        target = existing.get(key)
        if value is None:
            if target is not None:
                db.session.delete(target)
            continue
        if target is None:
            target = Target(branch_id=branch_id, staff_id=key[0], month=month, metric=key[1])
            db.session.add(target)
        target.value = value
        target.set_by_id = by.id
