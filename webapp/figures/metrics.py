"""The figures the rhythm reads from other domains, one documented function per figure.

Each function takes the people (staff_ids) or a branch, and a half-open period
[start, end) of dates, and answers with ONE aggregate query: a dict staff_id -> value
(people missing from the dict have 0).

Sales credit (绩效分润): a person's achievement is the sum of their credit lines, so a
referred sale counts for the referrer and the seller by their shares; a branch's
achievement is the sum of its sales (each sale once).
"""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache, wraps

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from webapp.customers.models import Acquisition, Customer
from webapp.extensions import db
from webapp.figures.periods import bounds
from webapp.sales.models import CreditLine, ProductCategory, Sale
from webapp.sales.queries import credit_of
from webapp.timeutil import local_today

# Figures counted per person are statements with bound parameters (the people, the period's
# UTC bounds and the day it is read as of), built once per process: building SQLAlchemy
# statements costs more than running them on a small branch.
STAFF_IDS = bindparam("staff_ids", expanding=True)
LO, HI, AS_OF = bindparam("lo"), bindparam("hi"), bindparam("as_of")
OFFSET_MINUTES = bindparam("offset_minutes")  # the branch's UTC offset, for local days


def _period(staff_ids: Iterable[int], start: date, end: date) -> dict:
    lo, hi = bounds(start, end)
    offset = (datetime.combine(start, time()) - lo) // timedelta(minutes=1)
    return {
        "staff_ids": list(staff_ids),
        "lo": lo,
        "hi": hi,
        # A state (overdue or not) as it stood when the period ended: at `end` 00:00, or today
        # while the period runs, as the prospect list shows it.
        "as_of": min(end, local_today()),
        "offset_minutes": offset,
    }


def figure(build):
    """Make a figure from the function building its (staff_id, n) statement: calling the figure
    with (staff_ids, start, end) runs it ({staff_id: n}); together() runs several at once."""
    statement = cache(build)

    @wraps(build)
    def run(staff_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
        rows = db.session.execute(statement(), _period(staff_ids, start, end)).all()
        return {staff_id: int(n or 0) for staff_id, n in rows}

    run.statement = statement
    return run


@cache
def _union(figures: tuple) -> object:
    parts = []
    for fig in figures:
        sub = fig.statement().subquery()
        parts.append(select(literal(fig.__name__).label("figure"), sub.c.staff_id, sub.c.n))
    return union_all(*parts)


def together(
    figures, staff_ids: Iterable[int], start: date, end: date, month: date | None = None
) -> dict:
    """Run several figures as ONE statement (UNION ALL): {figure: {staff_id: n}}.

    A one-on-one shows a dozen figures: one round trip instead of a dozen. `month` (its first
    day) is the period of the month figures (month_sales_target) among them."""
    figures = tuple(figures)
    result: dict = {fig: {} for fig in figures}
    by_name = {fig.__name__: fig for fig in figures}
    params = _period(staff_ids, start, end)
    if month is not None:
        following = (month + timedelta(days=32)).replace(day=1)
        params["month_lo"], params["month_hi"] = bounds(month, following)
        params["month"] = month
    for name, staff_id, n in db.session.execute(_union(figures), params).all():
        result[by_name[name]][staff_id] = int(n or 0)
    return result


# ---- sales and credit -----------------------------------------------------------------------


def credit_by_category(
    staff_ids: Iterable[int], start: date, end: date
) -> tuple[dict[int, dict], dict[int, int]]:
    """Credit earned per person per product category in fen ({staff_id: {category: fen}}), and
    the part of it earned on referred sales, whatever the role ({staff_id: fen}): both from
    the one definition of credit (webapp/sales/queries.py)."""
    lo, hi = bounds(start, end)
    credit = credit_of(staff_ids, lo, hi)
    return (
        {staff_id: c.by_category for staff_id, c in credit.items()},
        {staff_id: c.referred for staff_id, c in credit.items()},
    )


# The month around a period (a one-on-one's week shows its month's credit against target):
# bound to the month's UTC bounds and first day, given to together() as `month`.
MONTH_LO, MONTH_HI, MONTH = bindparam("month_lo"), bindparam("month_hi"), bindparam("month")


@figure
def month_sales_target():
    """Each person's sales target in fen for the month given to together(): the product
    categories summed (the count targets left out). People without one are missing."""
    from webapp.figures.models import COUNT_METRICS, Target

    return (
        select(Target.staff_id.label("staff_id"), func.sum(Target.value).label("n"))
        .where(
            Target.staff_id.in_(STAFF_IDS),
            Target.month == MONTH,
            Target.metric.not_in(COUNT_METRICS),
        )
        .group_by(Target.staff_id)
    )


@figure
def sales_count():
    """Number of sales each person made as the seller."""
    return _count_by(Sale.seller_id, Sale.sold_at)


@figure
def new_customers():
    """New customers each person owns, created in the period (existing ones not counted)."""
    return _count_by(
        Customer.owner_id, Customer.created_at,
        Customer.acquired_via != Acquisition.EXISTING,
    )  # fmt: skip


def credit_by_week(staff_ids: Iterable[int], first_monday: date, weeks: int) -> dict[int, list]:
    """Credit earned per person per week for `weeks` weeks from `first_monday`, in fen."""
    edges = [bounds(first_monday + timedelta(weeks=i), first_monday)[0] for i in range(weeks + 1)]
    columns = [
        func.sum(
            case(
                (
                    and_(CreditLine.sold_at >= edges[i], CreditLine.sold_at < edges[i + 1]),
                    CreditLine.amount_fen,
                ),
                else_=0,
            )
        )
        for i in range(weeks)
    ]
    rows = db.session.execute(
        select(CreditLine.staff_id, *columns)
        .where(
            CreditLine.staff_id.in_(list(staff_ids)),
            CreditLine.sold_at >= edges[0],
            CreditLine.sold_at < edges[-1],
        )
        .group_by(CreditLine.staff_id)
    ).all()
    return {row[0]: [int(v or 0) for v in row[1:]] for row in rows}


@cache
def _own_sales_and_credit():
    # A person's credit lines and own sales in a period, row by row: both read through their
    # (staff, date) indexes, so only the person's rows of those weeks.
    staff_id = bindparam("staff_id")
    credit = select(
        literal("credit").label("kind"),
        CreditLine.sold_at.label("at"),
        CreditLine.amount_fen.label("value"),
    ).where(CreditLine.staff_id == staff_id, CreditLine.sold_at >= LO, CreditLine.sold_at < HI)
    sales = select(literal("sale"), Sale.sold_at, literal(1)).where(
        Sale.seller_id == staff_id, Sale.sold_at >= LO, Sale.sold_at < HI
    )
    return union_all(credit, sales)


def credit_and_sales_by_week(
    staff_id: int, first_monday: date, weeks: int
) -> tuple[list[int], list[int]]:
    """One person's credit (fen) and number of sales made, per week for `weeks` weeks from
    `first_monday`: one statement, bucketed here by the branch-local week edges."""
    edges = [bounds(first_monday + timedelta(weeks=i), first_monday)[0] for i in range(weeks + 1)]
    credit, sales = [0] * weeks, [0] * weeks
    rows = db.session.execute(
        _own_sales_and_credit(), {"staff_id": staff_id, "lo": edges[0], "hi": edges[-1]}
    )
    for kind, at, value in rows:
        week = bisect_right(edges, at) - 1
        if kind == "credit":
            credit[week] += int(value)
        else:
            sales[week] += 1
    return credit, sales


def branch_totals(branch_id: int, start: date, end: date) -> tuple[dict[str, int], int]:
    """The branch's sales per product category in fen (each sale counted once), and its new
    customers created in the period (existing ones not counted): one statement."""
    lo, hi = bounds(start, end)
    params = {"branch_id": branch_id, "lo": lo, "hi": hi}
    by_key = {key: int(n or 0) for key, n in db.session.execute(_branch_totals(), params)}
    new = by_key.pop(_NEW_CUSTOMERS)
    return {ProductCategory(key).value: n for key, n in by_key.items()}, new


@cache
def _branch_totals():
    branch = bindparam("branch_id")
    sales = (
        select(cast(Sale.category, String).label("key"), func.sum(Sale.amount_fen).label("n"))
        .where(Sale.branch_id == branch, Sale.sold_at >= LO, Sale.sold_at < HI)
        .group_by(Sale.category)
    )
    new_customers = select(literal(_NEW_CUSTOMERS), func.count(Customer.id)).where(
        Customer.branch_id == branch,
        Customer.created_at >= LO,
        Customer.created_at < HI,
        Customer.acquired_via != Acquisition.EXISTING,
    )
    return union_all(sales, new_customers)


_NEW_CUSTOMERS = "(new customers)"  # not a product category: the count's row in branch_totals


def behaviours(branch_id: int, start: date, end: date) -> list[dict]:
    """The four sales behaviours compared: customers won through each in the period, how many
    bought, the value they bought (fen, until the period's end) and the average days from first
    contact (the customer's creation) to the first sale."""
    lo, hi = bounds(start, end)
    statement = _behaviours(db.engine.dialect.name == "postgresql")
    rows = db.session.execute(statement, {"branch_id": branch_id, "lo": lo, "hi": hi}).all()
    found = {Acquisition(r[0]): r for r in rows}
    result = []
    for channel in (
        Acquisition.LOBBY,
        Acquisition.REFERRAL,
        Acquisition.APPOINTMENT,
        Acquisition.MARKET_RUNNING,
    ):
        _, won, bought, value, avg_days = found.get(channel, (channel, 0, 0, 0, None))
        result.append(
            {
                "channel": channel,
                "customers": won,
                "converted": bought,
                "value_fen": int(value),
                "days_to_win": None if avg_days is None else round(float(avg_days), 1),
            }
        )
    return result


@cache
def _behaviours(postgresql: bool):
    branch = bindparam("branch_id")
    first_sale = (
        select(
            Sale.customer_id,
            func.min(Sale.sold_at).label("first_at"),
            func.sum(Sale.amount_fen).label("value"),
        )
        # Customers created in the period bought nothing before it: the period's sales are
        # enough, and the branch's history is not read.
        .where(Sale.branch_id == branch, Sale.sold_at >= LO, Sale.sold_at < HI)
        .group_by(Sale.customer_id)
        .subquery()
    )
    if postgresql:
        days = func.extract("epoch", first_sale.c.first_at - Customer.created_at) / 86400.0
    else:
        days = func.julianday(first_sale.c.first_at) - func.julianday(Customer.created_at)
    return (
        select(
            Customer.acquired_via,
            func.count(Customer.id),
            func.count(first_sale.c.customer_id),
            func.coalesce(func.sum(first_sale.c.value), 0),
            func.avg(days),
        )
        .outerjoin(first_sale, first_sale.c.customer_id == Customer.id)
        .where(
            Customer.branch_id == branch,
            Customer.created_at >= LO,
            Customer.created_at < HI,
            Customer.acquired_via != Acquisition.EXISTING,
        )
        .group_by(Customer.acquired_via)
    )


# ---- figures from the other domains' records ------------------------------------------------
# Figures from the field, appointments, referrals and prospects domains. Imports are local:
# coaching reads the other domains' tables but they never import coaching.


def _count_by(person, moment, *conditions):
    """The statement counting (staff_id, n) rows whose `person` column is one of the people and
    whose `moment` (naive UTC) falls in the period (bound parameters, see figure())."""
    return (
        select(person.label("staff_id"), func.count().label("n"))
        .where(person.in_(STAFF_IDS), moment >= LO, moment < HI, *conditions)
        .group_by(person)
    )


@figure
def calls_made():
    """Appointment calls made per person (the call log: those that fixed a meeting and those
    that did not), by when they were made."""
    from webapp.appointments.models import Call

    return _count_by(Call.staff_id, Call.called_at)


@figure
def visits_made():
    """Market-running visits per person, by check-in time."""
    from webapp.field.models import Visit

    return _count_by(Visit.staff_id, Visit.checked_in_at)


@figure
def visit_outcomes():
    """Visits that got somewhere (anything but "not interested") per person."""
    from webapp.field.models import Outcome, Visit

    return _count_by(
        Visit.staff_id, Visit.checked_in_at,
        Visit.outcome != Outcome.NOT_INTERESTED,
    )  # fmt: skip


@figure
def appointments_set():
    """Appointments captured per person (who made the call), by when they were made."""
    from webapp.appointments.models import Appointment

    return _count_by(Appointment.created_by_id, Appointment.created_at)


@figure
def appointments_held():
    """Appointments held per person who met the customer, by their start time."""
    from webapp.appointments.models import Appointment, State

    return _count_by(
        Appointment.staff_id, Appointment.starts_at,
        Appointment.state == State.HELD,
    )  # fmt: skip


@figure
def referrals_given():
    """Referrals made per referrer, by when they were made."""
    from webapp.referrals.models import Referral

    return _count_by(Referral.referrer_id, Referral.created_at)


@figure
def referrals_received():
    """Referrals received per receiver, by when they were made."""
    from webapp.referrals.models import Referral

    return _count_by(Referral.receiver_id, Referral.created_at)


def branch_referrals_won(branch_id: int, start: date, end: date) -> int:
    """The branch's referrals won in the period, each counted once (by when it was closed):
    the branch row of referrals won, and the referral ledger's total."""
    from webapp.referrals.models import Referral, State

    lo, hi = bounds(start, end)
    return db.session.scalar(
        select(func.count(Referral.id)).where(
            Referral.branch_id == branch_id,
            Referral.state == State.WON,
            Referral.closed_at >= lo,
            Referral.closed_at < hi,
        )
    )


@figure
def referrals_received_won():
    """Referrals received that were won, per receiver, by when they were closed."""
    from webapp.referrals.models import Referral, State

    return _count_by(
        Referral.receiver_id, Referral.closed_at,
        Referral.state == State.WON,
    )  # fmt: skip


@figure
def referrals_won():
    """Referrals given that were won, per referrer, by when they were closed."""
    from webapp.referrals.models import Referral, State

    return _count_by(
        Referral.referrer_id, Referral.closed_at,
        Referral.state == State.WON,
    )  # fmt: skip


@figure
def prospects_moved_forward():
    """Stage changes made per person in the period (prospects moved along the list)."""
    from webapp.prospects.models import StageChange

    return _count_by(
        StageChange.staff_id, StageChange.changed_at,
        StageChange.from_stage.is_not(None),
    )  # fmt: skip


@figure
def stale_follow_ups():
    """Open prospects overdue, per owner, as the prospect list counts them (follow-up date
    before the day) on the period's end, or today while the period runs."""
    from webapp.prospects.models import Prospect, Stage

    return (
        select(Prospect.owner_id.label("staff_id"), func.count().label("n"))
        .where(
            Prospect.owner_id.in_(STAFF_IDS),
            Prospect.stage.not_in([Stage.WON, Stage.LOST]),
            Prospect.next_follow_up < AS_OF,
        )
        .group_by(Prospect.owner_id)
    )


class LocalDay(FunctionElement):
    """The local date of a naive-UTC column shifted by a bound number of minutes (the branch's
    UTC offset), in each database's own date arithmetic."""

    type = Date()
    inherit_cache = True
    name = "local_day"


@compiles(LocalDay, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({column} + make_interval(mins => CAST({minutes} AS INTEGER)) AS DATE)"


@compiles(LocalDay, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({column}, printf('%+d minutes', {minutes}))"


@figure
def schedule_days_planned():
    """Local days in the period with at least one schedule entry, per person."""
    from webapp.schedule.models import ScheduleEntry

    day = LocalDay(ScheduleEntry.starts_at, OFFSET_MINUTES)
    return _count_by(ScheduleEntry.staff_id, ScheduleEntry.starts_at).with_only_columns(
        ScheduleEntry.staff_id.label("staff_id"), func.count(distinct(day)).label("n")
    )


@figure
def sheet_completeness():
    """Average completeness (0-100) of the customer sheets each person owns, now."""
    return (
        select(
            Customer.owner_id.label("staff_id"),
            cast(func.round(func.avg(Customer.completeness)), Integer).label("n"),
        )
        .where(Customer.owner_id.in_(STAFF_IDS))
        .group_by(Customer.owner_id)
    )
