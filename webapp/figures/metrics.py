"""The figures the rhythm reads from other domains, one documented function per figure.

Each function takes the people (staff_ids) or a branch, and a half-open period
[start, end) of dates, and answers with ONE aggregate query: a dict staff_id -> value
(people missing from the dict have 0).

Sales credit (绩效分润): a person's achievement in a yuan category is the sum of their credit
lines, so a referred sale counts for the referrer and the seller by their shares; in a counted
category (accounts, cards) it is the number opened by the person who sold them (an account is
not split; the referrer's part of it is in their credit). A branch's achievement is the sum of
its sales in each category's unit (each sale once). Figures in different units never add.
"""

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache, wraps

from flask_babel import lazy_gettext as _l
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
from webapp.sales.models import (
    COUNTED_CATEGORIES,
    CreditLine,
    ProductCategory,
    Sale,
    measure_column,
)
from webapp.sales.queries import credit_of
from webapp.timeutil import local_today

# How each figure is counted, in words (the fragment "how is this counted" beside every figure,
# templates/figures/_how_counted.html): one sentence per figure, held here beside its code.
HOW_COUNTED: dict[str, object] = {}


def defined(key: str, words) -> Callable:
    """Register a figure's one-sentence definition (a lazy translation) under `key`; used as a
    decorator on the function that computes it, or called alone for a figure of a table."""
    HOW_COUNTED[key] = words

    def keep(function):
        return function

    return keep


def how_counted(key: str) -> str:
    """A figure's definition in the user's language."""
    return str(HOW_COUNTED[key])


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


defined(
    "referral_credit",
    _l(
        "Referral credit (转介分润) is the part of a person's credit earned on referred sales, whatever their part in the sale: the referrer's and the seller's shares both count."
    ),
)
defined(
    "branch_sales",
    _l("Sales counts the branch's sales recorded in the period, each sale once, by its day."),
)
defined(
    "referrals_accepted",
    _l("Accepted counts the referrals of the period the receiver accepted, whatever came of them."),
)
defined(
    "referral_value",
    _l(
        "Value is the amount in yuan of the referrals won in the period; a card or an account won carries no amount and is not added."
    ),
)
defined(
    "target",
    _l(
        "The target is the one the branch manager set for the month on the targets page, in the category's unit."
    ),
)
defined(
    "percent", _l("Progress is what was achieved as a percentage of the target, in the same unit.")
)
defined(
    "pace",
    _l(
        "Needed per day is what is still missing to the target divided by the days left in the month, today included."
    ),
)
defined(
    "sales_in_yuan",
    _l(
        "Sales in yuan adds the sales of the yuan categories only (deposits, wealth management, insurance, funds, loans, other); accounts and cards are counted apart and never added."
    ),
)


# ---- sales and credit -----------------------------------------------------------------------


@defined(
    "credit",
    _l(
        "Credit (分润业绩) is the sum of a person's credit lines of the sales made in the period, whatever their part (seller, referrer or a share the manager allocated): a sale in yuan at its amount, an account or a card at its fixed value, split by the phase's shares."
    ),
)
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


@defined(
    "units",
    _l(
        "Accounts and cards are counted, never added to yuan: each sale counts the accounts or cards it opened, for the person who opened them."
    ),
)
def units_by_category(staff_ids: Iterable[int], start: date, end: date) -> dict[int, dict]:
    """Accounts and cards each person opened as the seller, per counted category
    ({staff_id: {category: n}}): a person's achievement in a counted category."""
    rows = db.session.execute(_units(), _period(staff_ids, start, end)).all()
    result: dict[int, dict] = {}
    for staff_id, category, n in rows:
        result.setdefault(staff_id, {})[ProductCategory(category).value] = int(n or 0)
    return result


@cache
def _units():
    return (
        select(Sale.seller_id, Sale.category, func.sum(Sale.quantity))
        .where(
            Sale.seller_id.in_(STAFF_IDS),
            Sale.sold_at >= LO,
            Sale.sold_at < HI,
            Sale.category.in_(COUNTED_CATEGORIES),
        )
        .group_by(Sale.seller_id, Sale.category)
    )


# The month around a period (a one-on-one's week shows its month's credit against target):
# bound to the month's UTC bounds and first day, given to together() as `month`.
MONTH_LO, MONTH_HI, MONTH = bindparam("month_lo"), bindparam("month_hi"), bindparam("month")


@defined(
    "month_sales_target",
    _l(
        "The sales target in yuan is the sum of the month's targets of the yuan categories (deposits, wealth management, insurance, funds, loans, other); accounts, cards and counts are left out."
    ),
)
@figure
def month_sales_target():
    """Each person's sales target in fen for the month given to together(): the yuan
    categories summed (accounts, cards and the counts left out). People without one are
    missing."""
    from webapp.figures.models import MONEY_METRICS, Target

    return (
        select(Target.staff_id.label("staff_id"), func.sum(Target.value).label("n"))
        .where(
            Target.staff_id.in_(STAFF_IDS),
            Target.month == MONTH,
            Target.metric.in_(MONEY_METRICS),
        )
        .group_by(Target.staff_id)
    )


@defined(
    "sales_count",
    _l(
        "Sales made counts the sales recorded with the person as the seller, by the day of the sale."
    ),
)
@figure
def sales_count():
    """Number of sales each person made as the seller."""
    return _count_by(Sale.seller_id, Sale.sold_at)


@defined(
    "new_customers",
    _l(
        "New customers counts the customers created in the period that the person owns; customers who were already the bank's are not counted."
    ),
)
@figure
def new_customers():
    """New customers each person owns, created in the period (existing ones not counted)."""
    return _count_by(
        Customer.owner_id, Customer.created_at,
        Customer.acquired_via != Acquisition.EXISTING,
    )  # fmt: skip


@defined(
    "credit_by_week",
    _l(
        "A week's credit is the credit (分润业绩) of the sales made from Monday to Sunday, branch time."
    ),
)
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


@defined(
    "branch_achieved",
    _l(
        "The branch's achievement is the sum of its sales in the period in each category's unit, each sale counted once; the branch total in yuan adds the yuan categories only."
    ),
)
def branch_totals(branch_id: int, start: date, end: date) -> tuple[dict[str, int], int]:
    """The branch's sales per product category in its unit (fen, or accounts or cards opened;
    each sale counted once), and its new customers created in the period (existing ones not
    counted): one statement."""
    lo, hi = bounds(start, end)
    params = {"branch_id": branch_id, "lo": lo, "hi": hi}
    by_key = {key: int(n or 0) for key, n in db.session.execute(_branch_totals(), params)}
    new = by_key.pop(_NEW_CUSTOMERS)
    return {ProductCategory(key).value: n for key, n in by_key.items()}, new


@cache
def _branch_totals():
    branch = bindparam("branch_id")
    sales = (
        select(cast(Sale.category, String).label("key"), func.sum(measure_column()).label("n"))
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


@defined(
    "behaviours",
    _l(
        "For each of the four sales behaviours: the customers won through it in the month, how many of them bought, what they bought in yuan and the average days from first contact to first sale."
    ),
)
def behaviours(branch_id: int, start: date, end: date) -> list[dict]:
    """The four sales behaviours compared: customers won through each in the period, how many
    bought, the value they bought in yuan categories (fen, until the period's end; accounts
    and cards carry no amount) and the average days from first
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


@defined(
    "calls_made",
    _l(
        "Calls counts every appointment call the person logged in the period, whether or not it fixed a meeting."
    ),
)
@figure
def calls_made():
    """Appointment calls made per person (the call log: those that fixed a meeting and those
    that did not), by when they were made."""
    from webapp.appointments.models import Call

    return _count_by(Call.staff_id, Call.called_at)


@defined(
    "visits_made",
    _l("Visits counts the market-running visits the person checked in to in the period."),
)
@figure
def visits_made():
    """Market-running visits per person, by check-in time."""
    from webapp.field.models import Visit

    return _count_by(Visit.staff_id, Visit.checked_in_at)


@defined(
    "visit_outcomes",
    _l(
        "Visits with an outcome counts the visits that got somewhere: any outcome but not interested."
    ),
)
@figure
def visit_outcomes():
    """Visits that got somewhere (anything but "not interested") per person."""
    from webapp.field.models import Outcome, Visit

    return _count_by(
        Visit.staff_id, Visit.checked_in_at,
        Visit.outcome != Outcome.NOT_INTERESTED,
    )  # fmt: skip


@defined(
    "appointments_set",
    _l(
        "Appointments set counts the appointments the person captured in the period, by when they were made."
    ),
)
@figure
def appointments_set():
    """Appointments captured per person (who made the call), by when they were made."""
    from webapp.appointments.models import Appointment

    return _count_by(Appointment.created_by_id, Appointment.created_at)


@defined(
    "appointments_held",
    _l(
        "Appointments held counts the appointments the person held with the customer, by their start time."
    ),
)
@figure
def appointments_held():
    """Appointments held per person who met the customer, by their start time."""
    from webapp.appointments.models import Appointment, State

    return _count_by(
        Appointment.staff_id, Appointment.starts_at,
        Appointment.state == State.HELD,
    )  # fmt: skip


@defined(
    "referrals_given",
    _l(
        "Referrals given counts the referrals the person made in the period, by when they were made."
    ),
)
@figure
def referrals_given():
    """Referrals made per referrer, by when they were made."""
    from webapp.referrals.models import Referral

    return _count_by(Referral.referrer_id, Referral.created_at)


@defined(
    "referrals_received",
    _l(
        "Referrals received counts the referrals made to the person in the period, by when they were made."
    ),
)
@figure
def referrals_received():
    """Referrals received per receiver, by when they were made."""
    from webapp.referrals.models import Referral

    return _count_by(Referral.receiver_id, Referral.created_at)


@defined(
    "referrals",
    _l(
        "Referrals (转介) counts referrals won in the period, each once, by the day it was closed: the branch row is every referral won, a person's row those they gave."
    ),
)
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


@defined(
    "referrals_received_won",
    _l(
        "Referrals received and won counts the referrals made to the person that were won, by the day they were closed."
    ),
)
@figure
def referrals_received_won():
    """Referrals received that were won, per receiver, by when they were closed."""
    from webapp.referrals.models import Referral, State

    return _count_by(
        Referral.receiver_id, Referral.closed_at,
        Referral.state == State.WON,
    )  # fmt: skip


@defined(
    "referrals_won",
    _l(
        "Referrals given and won counts the referrals the person gave that were won, by the day they were closed."
    ),
)
@figure
def referrals_won():
    """Referrals given that were won, per referrer, by when they were closed."""
    from webapp.referrals.models import Referral, State

    return _count_by(
        Referral.referrer_id, Referral.closed_at,
        Referral.state == State.WON,
    )  # fmt: skip


@defined(
    "prospects_moved_forward",
    _l(
        "Prospects moved forward counts every stage change the person made on the prospect list in the period."
    ),
)
@figure
def prospects_moved_forward():
    """Stage changes made per person in the period (prospects moved along the list)."""
    from webapp.prospects.models import StageChange

    return _count_by(
        StageChange.staff_id, StageChange.changed_at,
        StageChange.from_stage.is_not(None),
    )  # fmt: skip


@defined(
    "stale_follow_ups",
    _l(
        "Stale follow-ups counts the person's open prospects whose follow-up date is before the end of the period."
    ),
)
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


@defined(
    "schedule_days_planned",
    _l(
        "Days with a planned schedule counts the days of the period with at least one entry in the person's schedule."
    ),
)
@figure
def schedule_days_planned():
    """Local days in the period with at least one schedule entry, per person."""
    from webapp.schedule.models import ScheduleEntry

    day = LocalDay(ScheduleEntry.starts_at, OFFSET_MINUTES)
    return _count_by(ScheduleEntry.staff_id, ScheduleEntry.starts_at).with_only_columns(
        ScheduleEntry.staff_id.label("staff_id"), func.count(distinct(day)).label("n")
    )


@defined(
    "sheet_completeness",
    _l(
        "Customer sheet completeness is the average, now, of how complete the customer information sheets the person owns are (0 to 100)."
    ),
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


# The lobby as a service station (webapp/figures/lobby.py computes the figure sets).
defined(
    "waiting_time",
    _l(
        "Waiting time runs from a walk-in's check-in until someone starts serving them, shown as the mean and the 90th percentile (nine in ten waited this long or less)."
    ),
)
defined(
    "visit_time",
    _l(
        "Visit time runs from a walk-in's check-in until the visit is done (办结), shown as the mean and the 90th percentile, by the day and hour of the check-in."
    ),
)
defined(
    "satisfaction",
    _l(
        "Satisfaction is the visits rated Satisfied divided by the visits rated when done (visits not rated are left out), for the person who served and for the branch."
    ),
)
defined(
    "referral_rate",
    _l(
        "Referral rate is the walk-ins referred divided by the walk-ins that met one of the branch's referral criteria as they stood at check-in, for the person who served them (or who checked them in when nobody served them)."
    ),
)


@dataclass
class Rate:
    """Part of a whole: satisfied of rated, referred of those that met a criterion."""

    part: int = 0
    whole: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None


@dataclass(frozen=True)
class Someone:
    """A person in a figures table: the name shown, and the id that keeps namesakes apart
    (equal by name and id; a namesake in the same table is shown with their username)."""

    name: str
    id: int
    username: str = field(default="", compare=False)
    namesake: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.name} · {self.username}" if self.namesake else self.name


def in_pinyin_order(by_person: dict) -> list:
    """[(Someone, value)] from {Someone: value}, in pinyin order of the names (then by id),
    each name that two people share in it marked as a namesake's."""
    from webapp.names import by_name

    shared = Counter(someone.name for someone in by_person)
    return sorted(
        ((replace(p, namesake=shared[p.name] > 1), value) for p, value in by_person.items()),
        key=lambda item: (*by_name(item[0].name), item[0].id),
    )


def satisfaction(branch_id: int, start: date, end: date) -> dict:
    """Satisfaction (HOW_COUNTED["satisfaction"]): the visits checked in during [start,
    end) rated 满意 of those rated, for the branch and per person who served (pinyin order),
    with the count of each rating. One statement, grouped in SQL."""
    from webapp.auth.models import Staff
    from webapp.lobby.models import CheckIn, Rating

    lo, hi = bounds(start, end)
    rows = db.session.execute(
        select(
            CheckIn.served_by_id,
            Staff.name,
            Staff.username,
            CheckIn.rating,
            CheckIn.rating_reason,
            func.count(CheckIn.id),
        )
        .outerjoin(Staff, Staff.id == CheckIn.served_by_id)
        .where(
            CheckIn.branch_id == branch_id,
            CheckIn.rating.is_not(None),
            CheckIn.created_at >= lo,
            CheckIn.created_at < hi,
        )
        .group_by(
            CheckIn.served_by_id, Staff.name, Staff.username, CheckIn.rating, CheckIn.rating_reason
        )
    ).all()
    branch, counts, reasons, people = Rate(), {r: 0 for r in Rating}, {}, {}
    for staff_id, name, username, rating, reason, n in rows:
        satisfied = n if rating is Rating.SATISFIED else 0
        branch.part, branch.whole = branch.part + satisfied, branch.whole + n
        counts[rating] += n
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + n
        if staff_id is not None:
            rate = people.setdefault(Someone(name, staff_id, username), Rate())
            rate.part, rate.whole = rate.part + satisfied, rate.whole + n
    by_person = in_pinyin_order(people)
    return {
        "branch": branch,
        "counts": counts,
        "reasons": sorted(reasons.items(), key=lambda item: -item[1]),
        "by_person": by_person,
    }
