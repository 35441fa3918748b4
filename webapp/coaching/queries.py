"""Read models of the rhythm: target grids, progress, huddle sheets, one-on-one figures."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.auth.models import SALES_ROLES, Role, Staff
from webapp.coaching import metrics
from webapp.coaching.models import (
    COMMITMENT_FIELDS,
    NEW_CUSTOMERS,
    REFERRALS,
    TARGET_METRICS,
    ActionPlan,
    Commitment,
    HuddleKind,
    HuddleNote,
    OneOnOne,
    PlanItem,
    PlanStatus,
    Target,
)
from webapp.coaching.periods import bounds, next_month
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.names import by_name
from webapp.sales.models import Sale
from webapp.sales.queries import Credit, credit_of
from webapp.timeutil import local_today, week_start

HUDDLE_ROLES = frozenset(Role) - {Role.BRANCH_MANAGER, Role.ADMIN}


def team(branch_id: int, roles=HUDDLE_ROLES) -> list[Staff]:
    """The active staff of a branch holding one of the roles, by role then name."""
    return list(db.session.scalars(_team(frozenset(roles)), {"branch_id": branch_id}))


@cache
def _team(roles: frozenset):
    # Statements here are built once per process (bound parameters): building one costs more
    # than running it on a branch.
    return (
        select(Staff)
        .where(
            Staff.branch_id == bindparam("branch_id"),
            Staff.active.is_(True),
            Staff.role.in_(sorted(roles)),
        )
        .order_by(Staff.role, Staff.name_key, Staff.id)
    )


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
    with a target or an achievement this month: target, achieved, percent, pace needed."""
    end = next_month(month)
    people = team(branch_id, SALES_ROLES | {Role.LOBBY_MANAGER, Role.TELLER})
    ids = [p.id for p in people]
    targets = target_grid(branch_id, month)
    credit, referral_credit = metrics.credit_by_category(ids, month, end)
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
        return credit.get(staff_id, {}).get(metric, 0)

    def row(staff_id):
        cells = {}
        for metric in TARGET_METRICS:
            target = targets.get((staff_id, metric))
            value = achieved(staff_id, metric)
            if target is None and not value:
                continue
            cells[metric] = _cell(target, value, left)
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


def commitments_for(branch_id: int, day: date) -> dict[int, Commitment]:
    """The commitments made for a day, by person."""
    return {
        c.staff_id: c
        for c in db.session.scalars(
            select(Commitment).where(Commitment.branch_id == branch_id, Commitment.day == day)
        )
    }


def actuals(staff_ids: list[int], day: date) -> dict[str, dict[int, int]]:
    """What the records show for a day per commitment field: {field: {staff_id: n}}."""
    end = day + timedelta(days=1)
    return {
        "calls": metrics.calls_made(staff_ids, day, end),
        "appointments": metrics.appointments_set(staff_ids, day, end),
        "referrals": metrics.referrals_given(staff_ids, day, end),
        "visits": metrics.visits_made(staff_ids, day, end),
        "sales": metrics.sales_count(staff_ids, day, end),
    }


def check_commitments(people: list[Staff], commitments: dict, day: date) -> dict[int, dict]:
    """Each person's commitment against the records: {staff_id: {field: check}} where a check
    is {"committed", "done", "short"}."""
    shown = actuals([p.id for p in people], day)
    result = {}
    for person in people:
        commitment = commitments.get(person.id)
        if commitment is None:
            continue
        checks = {}
        for name in COMMITMENT_FIELDS:
            committed = getattr(commitment, name)
            n = shown[name].get(person.id, 0)
            checks[name] = {"committed": committed, "done": n, "short": max(committed - n, 0)}
        result[person.id] = checks
    return result


def carry_over(branch_id: int, people: list[Staff], day: date) -> dict[int, dict]:
    """What each person fell short of at their last commitment before `day` (夕会 -> 晨会):
    {staff_id: {"day": date, "short": {field: n}}} for those with something outstanding."""
    last_day = (
        select(Commitment.staff_id, func.max(Commitment.day).label("day"))
        .where(Commitment.branch_id == branch_id, Commitment.day < day)
        .group_by(Commitment.staff_id)
        .subquery()
    )
    previous = db.session.scalars(
        select(Commitment).join(
            last_day,
            (last_day.c.staff_id == Commitment.staff_id) & (last_day.c.day == Commitment.day),
        )
    ).all()
    result = {}
    by_day: dict[date, list[Commitment]] = {}
    for commitment in previous:
        by_day.setdefault(commitment.day, []).append(commitment)
    wanted = {p.id: p for p in people}
    for when, rows in by_day.items():
        checked = check_commitments(
            [wanted[r.staff_id] for r in rows if r.staff_id in wanted],
            {r.staff_id: r for r in rows},
            when,
        )
        for staff_id, checks in checked.items():
            short = {k: v["short"] for k, v in checks.items() if v["short"]}
            if short:
                result[staff_id] = {"day": when, "short": short}
    return result


def successes(branch_id: int, day: date):
    """The sales of a day to celebrate (庆祝成功): (Sale, seller name, customer name)."""
    lo, hi = bounds(day, day + timedelta(days=1))
    return db.session.execute(
        select(Sale, Staff.name, Customer.name)
        .join(Staff, Staff.id == Sale.seller_id)
        .join(Customer, Customer.id == Sale.customer_id)
        .where(Sale.branch_id == branch_id, Sale.sold_at >= lo, Sale.sold_at < hi)
        .order_by(Sale.amount_fen.desc())
    ).all()


def wins(people: list[Staff], day: date) -> dict[str, list[tuple[str, int]]]:
    """Referrals won (by referrer) and appointments held (by who met) on a day, to celebrate
    beside the sales: {"referrals": [(name, n)], "appointments": [(name, n)]}, most first."""
    counted = metrics.together(
        [metrics.referrals_won, metrics.appointments_held],
        [p.id for p in people],
        day,
        day + timedelta(days=1),
    )
    names = {p.id: p.name for p in people}

    def ranked(by_id: dict[int, int]) -> list[tuple[str, int]]:
        return sorted(
            ((names[i], n) for i, n in by_id.items() if n), key=lambda r: (-r[1], *by_name(r[0]))
        )

    return {
        "referrals": ranked(counted[metrics.referrals_won]),
        "appointments": ranked(counted[metrics.appointments_held]),
    }


def huddle_notes(branch_id: int, day: date, kind: HuddleKind) -> dict[int, str]:
    """The coaching notes of one huddle, by person."""
    return dict(
        db.session.execute(
            select(HuddleNote.staff_id, HuddleNote.note).where(
                HuddleNote.branch_id == branch_id, HuddleNote.day == day, HuddleNote.kind == kind
            )
        ).all()
    )


def plan_items(staff_id: int, *weeks: date) -> list[list[PlanItem]]:
    """A person's follow-up plan items for each of the weeks, by due date (one statement)."""
    items = db.session.scalars(_plan_items(), {"staff_id": staff_id, "weeks": list(weeks)}).all()
    return [[item for item in items if item.week == week] for week in weeks]


@cache
def _plan_items():
    return (
        select(PlanItem)
        .options(joinedload(PlanItem.customer))
        .where(
            PlanItem.staff_id == bindparam("staff_id"),
            PlanItem.week.in_(bindparam("weeks", expanding=True)),
        )
        .order_by(PlanItem.due_on, PlanItem.id)
    )


def one_on_ones_until(
    staff_id: int, week: date, limit: int = 8
) -> tuple[OneOnOne | None, list[OneOnOne]]:
    """The person's one-on-one of `week` (None if not held yet) and up to `limit` earlier ones,
    latest first: one statement."""
    rows = db.session.scalars(_one_on_ones(limit + 1), {"staff_id": staff_id, "week": week}).all()
    meeting = rows[0] if rows and rows[0].week == week else None
    return meeting, [row for row in rows if row.week != week][:limit]


@cache
def _one_on_ones(limit: int):
    return (
        select(OneOnOne)
        .where(OneOnOne.staff_id == bindparam("staff_id"), OneOnOne.week <= bindparam("week"))
        .order_by(OneOnOne.week.desc())
        .limit(limit)
    )


def customer_of(person: Staff, customer_id: int) -> Customer | None:
    """One of the person's own customers, or None when the id is not one of theirs."""
    return db.session.scalar(
        select(Customer).where(
            Customer.id == customer_id,
            Customer.owner_id == person.id,
            Customer.branch_id == person.branch_id,
        )
    )


def week_figures(person: Staff, week: date) -> dict:
    """A one-on-one's figures from one statement: the week's figures and use of the four sales tools 销售四宝 as (label, value) pairs, and the
    month's credit (fen) against the sales target (None when none is set)."""
    from flask_babel import gettext as _

    ids, end, month = [person.id], week + timedelta(days=7), week.replace(day=1)
    figures = (
        (_("Calls"), metrics.calls_made),
        (_("Visits"), metrics.visits_made),
        (_("Visits with an outcome"), metrics.visit_outcomes),
        (_("Appointments set"), metrics.appointments_set),
        (_("Appointments held"), metrics.appointments_held),
        (_("Referrals given"), metrics.referrals_given),
        (_("Referrals received"), metrics.referrals_received),
        (_("Referrals given and won"), metrics.referrals_won),
        (_("Referrals received and won"), metrics.referrals_received_won),
        (_("Prospects moved forward"), metrics.prospects_moved_forward),
        (_("Sales made"), metrics.sales_count),
        (_("New customers"), metrics.new_customers),
    )
    tools = (
        (_("Days with a planned schedule"), metrics.schedule_days_planned),
        (_("Stale follow-ups on the prospect list"), metrics.stale_follow_ups),
        (_("Customer sheet completeness (%)"), metrics.sheet_completeness),
    )
    month_figures = (metrics.month_sales_target,)
    values = metrics.together(
        [fig for _label, fig in figures + tools] + list(month_figures), ids, week, end, month
    )

    def read(pairs):
        return [(label, values[fig].get(person.id, 0)) for label, fig in pairs]

    return {
        "figures": read(figures),
        "tools": read(tools),
        # The month's credit as every screen reads it (the same lines, the same function).
        "credit": credit_of(ids, *bounds(month, next_month(month))).get(person.id, Credit()).total,
        "target": values[metrics.month_sales_target].get(person.id),
    }


def trend(person: Staff, week: date, weeks: int = 8) -> list[dict]:
    """The person's key figures for the `weeks` weeks ending with `week`, oldest first."""
    first = week - timedelta(weeks=weeks - 1)
    credit, sales = metrics.credit_and_sales_by_week(person.id, first, weeks)
    return [
        {"week": first + timedelta(weeks=i), "credit_fen": credit[i], "sales": sales[i]}
        for i in range(weeks)
    ]


def due_one_on_ones(branch_id: int, week: date) -> list[tuple[Staff, date | None]]:
    """Salespeople without a one-on-one this week, with the week of their last one."""
    last = (
        select(OneOnOne.staff_id, func.max(OneOnOne.week).label("week"))
        .group_by(OneOnOne.staff_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Staff, last.c.week)
        .outerjoin(last, last.c.staff_id == Staff.id)
        .where(
            Staff.branch_id == branch_id,
            Staff.active.is_(True),
            Staff.role.in_(SALES_ROLES),
        )
        .order_by(last.c.week.asc().nulls_first(), Staff.name_key, Staff.id)
    ).all()
    return [(staff, when) for staff, when in rows if when is None or when < week]


def open_action_plans(branch_id: int) -> list[ActionPlan]:
    """The branch's action plans not yet closed, by due date."""
    return list(
        db.session.scalars(
            select(ActionPlan)
            .options(selectinload(ActionPlan.owner))
            .where(ActionPlan.branch_id == branch_id, ActionPlan.status != PlanStatus.CLOSED)
            .order_by(ActionPlan.due_on)
        )
    )


def dashboard_tiles(branch_id: int) -> dict:
    """The manager's home tiles: month progress, open plans, commitments today, one-on-ones due."""
    day = local_today()
    month = day.replace(day=1)
    end = next_month(month)
    sales = sum(metrics.branch_totals(branch_id, month, end)[0].values())
    target = db.session.scalar(
        select(func.sum(Target.value)).where(
            Target.branch_id == branch_id,
            Target.staff_id.is_(None),
            Target.month == month,
            Target.metric.not_in([NEW_CUSTOMERS, REFERRALS]),
        )
    )
    committed = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.branch_id == branch_id, Commitment.day == day
        )
    )
    plans_in_progress = db.session.scalar(
        select(func.count(ActionPlan.id)).where(
            ActionPlan.branch_id == branch_id, ActionPlan.status == PlanStatus.IN_PROGRESS
        )
    )
    return {
        "sales_fen": sales,
        "target_fen": target,
        "percent": round(sales * 100 / target) if target else None,
        "committed": committed,
        "team_size": len(team(branch_id)),
        "plans_in_progress": plans_in_progress,
        "due": len(due_one_on_ones(branch_id, week_start(day))),
    }
