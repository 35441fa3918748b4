"""Read models of the rhythm: huddle sheets, commitments, one-on-ones, action plans; figures come from webapp.figures."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.auth.models import SALES_ROLES, Staff
from webapp.auth.queries import team
from webapp.coaching.models import (
    COMMITMENT_FIELDS,
    ActionPlan,
    Commitment,
    HuddleKind,
    HuddleNote,
    OneOnOne,
    PlanItem,
    PlanStatus,
)
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.figures import metrics
from webapp.figures.models import NEW_CUSTOMERS, REFERRALS, Target
from webapp.figures.periods import bounds, next_month
from webapp.names import by_name
from webapp.sales.models import Sale
from webapp.timeutil import local_today, week_start


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
    """Referrals won on a day, counted as the one-on-one counts them (given and won: the
    referrer's; received and won: the receiver's), and appointments held (by who met), to
    celebrate beside the sales: {"given", "received", "appointments": [(name, n)]}, most first."""
    counted = metrics.together(
        [metrics.referrals_won, metrics.referrals_received_won, metrics.appointments_held],
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
        "given": ranked(counted[metrics.referrals_won]),
        "received": ranked(counted[metrics.referrals_received_won]),
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


def my_action_plans(staff: Staff) -> list[ActionPlan]:
    """The plans naming this person that are not closed, soonest due first (for Today)."""
    return list(
        db.session.scalars(
            select(ActionPlan)
            .where(ActionPlan.owner_id == staff.id, ActionPlan.status != PlanStatus.CLOSED)
            .order_by(ActionPlan.due_on, ActionPlan.id)
        )
    )


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
