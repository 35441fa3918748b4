"""The sales progress table (销售进度表): targets against what was achieved, per person and branch."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, select

from webapp.auth.models import SALES_ROLES, Role
from webapp.auth.queries import team
from webapp.extensions import db
from webapp.figures import metrics
from webapp.figures.models import (
    MONEY_METRICS,
    NEW_CUSTOMERS,
    REFERRALS,
    TARGET_METRICS,
    Target,
    metric_unit,
)
from webapp.figures.periods import next_month
from webapp.timeutil import local_today


def target_grid(branch_id: int, month: date) -> dict[tuple[int | None, str], int]:
    """The month's targets keyed by (staff_id or None for the branch, metric)."""
    rows = db.session.execute(_target_grid(), {"branch_id": branch_id, "month": month}).all()
    return {(staff_id, metric): value for staff_id, metric, value in rows}


@cache
def _target_grid():
    return select(Target.staff_id, Target.metric, Target.value).where(
        Target.branch_id == bindparam("branch_id"), Target.month == bindparam("month")
    )


def _cell(target, achieved, days_left):
    """One progress cell: target, achieved, percent and the daily pace still needed."""
    percent = None if not target else min(round(achieved * 100 / target), 999)
    pace = None
    if target and days_left > 0:
        pace = max(target - achieved, 0) / days_left
    return {"target": target, "achieved": achieved, "percent": percent, "pace": pace}


def days_left_in(month: date, on: date | None = None) -> int:
    """Days left in the month counting today; 0 for a past month, all days for a future one."""
    on = on or local_today()
    end = next_month(month)
    if on >= end:
        return 0
    return (end - max(on, month)).days


def progress(branch_id: int, month: date, on: date | None = None) -> dict:
    """The sales progress table (销售进度表): per person and for the branch, every metric
    with a target or an achievement this month: target, achieved, percent, pace needed, each
    in the metric's unit (fen for yuan categories, accounts or cards, a count)."""
    end = next_month(month)
    people = team(branch_id, SALES_ROLES | {Role.LOBBY_MANAGER, Role.TELLER})
    ids = [p.id for p in people]
    targets = target_grid(branch_id, month)
    credit, referral_credit = metrics.credit_by_category(ids, month, end)
    units = metrics.units_by_category(ids, month, end)
    counted = metrics.together([metrics.new_customers, metrics.referrals_won], ids, month, end)
    new, referrals = counted[metrics.new_customers], counted[metrics.referrals_won]
    branch_sales, branch_new = metrics.branch_totals(branch_id, month, end)
    branch_referrals = metrics.branch_referrals_won(branch_id, month, end)
    left = days_left_in(month, on)

    def achieved(staff_id, metric):
        if metric == NEW_CUSTOMERS:
            return branch_new if staff_id is None else new.get(staff_id, 0)
        if metric == REFERRALS:
            return branch_referrals if staff_id is None else referrals.get(staff_id, 0)
        if staff_id is None:
            return branch_sales.get(metric, 0)
        if metric in MONEY_METRICS:
            return credit.get(staff_id, {}).get(metric, 0)
        return units.get(staff_id, {}).get(metric, 0)

    def row(staff_id):
        cells = {}
        for metric in TARGET_METRICS:
            target = targets.get((staff_id, metric))
            value = achieved(staff_id, metric)
            if target is None and not value:
                continue
            cells[metric] = _cell(target, value, left) | {"unit": metric_unit(metric)}
        return cells

    return {
        "branch": row(None),
        "people": [(person, row(person.id)) for person in people],
        "days_left": left,
        # What the table was built from, for reports that show more of it (monthly report).
        "targets": targets,
        "credit_by_category": credit,
        "referral_credit": referral_credit,
    }
