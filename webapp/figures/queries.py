"""The weekly meeting, the monthly report and the region roll-up, computed in SQL."""

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.auth.access import visible_branch_ids
from webapp.auth.models import SALES_ROLES, Branch, Role, Staff
from webapp.auth.queries import team
from webapp.extensions import db
from webapp.figures import metrics
from webapp.figures.models import MONEY_METRICS, Target
from webapp.figures.periods import bounds, next_month
from webapp.figures.progress import progress
from webapp.sales.models import COUNTED_CATEGORIES, Sale

WOBBLE_RATIO = 0.5  # below half of the person's usual week is a wobble worth a one-on-one


def branch_week(branch_id: int, week: date) -> dict:
    """The branch's sales for one week: how many, their value in fen (yuan categories only),
    the accounts and cards opened per counted category ({category: n}), and new customers."""
    lo, hi = bounds(week, week + timedelta(days=7))
    count = db.session.scalar(
        select(func.count(Sale.id)).where(
            Sale.branch_id == branch_id, Sale.sold_at >= lo, Sale.sold_at < hi
        )
    )
    by_category, new = metrics.branch_totals(branch_id, week, week + timedelta(days=7))
    return {
        "sales": count,
        "value_fen": sum(n for m, n in by_category.items() if m in MONEY_METRICS),
        "units": {c.value: by_category.get(c.value, 0) for c in COUNTED_CATEGORIES},
        "new_customers": new,
    }


def weekly(branch_id: int, week: date) -> dict:
    """The weekly meeting (周例会): the week against the last, top performers, and the people
    whose results wobble (this week's credit under half their average of the four before)."""
    people = team(branch_id, SALES_ROLES | {Role.LOBBY_MANAGER, Role.TELLER})
    ids = [p.id for p in people]
    weeks = metrics.credit_by_week(ids, week - timedelta(weeks=4), 5)
    rows = []
    for person in people:
        series = weeks.get(person.id, [0] * 5)
        usual = sum(series[:4]) / 4
        rows.append(
            {
                "person": person,
                "this_week": series[4],
                "last_week": series[3],
                "usual": usual,
                "wobbles": person.role in SALES_ROLES
                and usual > 0
                and series[4] < usual * WOBBLE_RATIO,
            }
        )
    top = sorted((r for r in rows if r["this_week"] > 0), key=lambda r: -r["this_week"])[:3]
    return {
        "this": branch_week(branch_id, week),
        "last": branch_week(branch_id, week - timedelta(days=7)),
        "top": top,
        "wobbling": [r for r in rows if r["wobbles"]],
        "rows": rows,
    }


def monthly(branch_id: int, month: date, on: date | None = None) -> dict:
    """The monthly operating report (经营月报): targets by category and person, the four
    behaviours compared, and referral credit by person. Its branch total and each person's
    sales target add the yuan categories only (accounts and cards are shown, never added);
    credit is money, a counted sale's by its value per unit."""
    end = next_month(month)
    table = progress(branch_id, month, on)
    people = [p for p, _ in table["people"]]
    grid = table["targets"]
    credit = {staff_id: sum(fen.values()) for staff_id, fen in table["credit_by_category"].items()}
    referral_credit = table["referral_credit"]
    money = MONEY_METRICS
    by_person = [
        {
            "person": p,
            "target_fen": sum(grid.get((p.id, m), 0) for m in money),
            "credit_fen": credit.get(p.id, 0),
            "referral_credit_fen": referral_credit.get(p.id, 0),
        }
        for p in people
    ]
    return {
        "progress": table,
        "by_person": by_person,
        "behaviours": metrics.behaviours(branch_id, month, end),
        "total_fen": sum(
            table_cell["achieved"] for m, table_cell in table["branch"].items() if m in money
        ),
        "target_fen": sum(grid.get((None, m), 0) for m in money),
    }


def region(user: Staff, month: date) -> list[dict]:
    """Each branch the administrator oversees: the month's sales in yuan (the yuan categories;
    accounts and cards carry no amount) against its branch targets in yuan."""
    end = next_month(month)
    lo, hi = bounds(month, end)
    ids = visible_branch_ids(user)
    sales = dict(
        db.session.execute(
            select(Sale.branch_id, func.sum(Sale.amount_fen))
            .where(Sale.branch_id.in_(ids), Sale.sold_at >= lo, Sale.sold_at < hi)
            .group_by(Sale.branch_id)
        ).all()
    )
    targets = dict(
        db.session.execute(
            select(Target.branch_id, func.sum(Target.value))
            .where(
                Target.branch_id.in_(ids),
                Target.staff_id.is_(None),
                Target.month == month,
                Target.metric.in_(MONEY_METRICS),
            )
            .group_by(Target.branch_id)
        ).all()
    )
    branches = db.session.scalars(
        select(Branch).where(Branch.id.in_(ids)).order_by(Branch.code)
    ).all()
    result = []
    for branch in branches:
        achieved, target = int(sales.get(branch.id) or 0), targets.get(branch.id)
        if not achieved and not target:
            continue
        result.append(
            {
                "branch": branch,
                "sales_fen": achieved,
                "target_fen": target,
                "percent": round(achieved * 100 / target) if target else None,
            }
        )
    return result
