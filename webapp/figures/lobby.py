"""The lobby as a service station, defined once: waiting and service times (mean and 90th
percentile, by need, hour and person), the customers' satisfaction, the referral rate and the
missed-referral radar. Each figure set is one statement over the period's check-ins, whatever
the number of rows; the lobby board, the evening huddle, the weekly meeting and the monthly
report read them from here."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from webapp import timeutil
from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.figures.metrics import Rate, Someone, in_pinyin_order, satisfaction
from webapp.figures.periods import bounds
from webapp.lobby.models import CheckIn, Need
from webapp.referrals.models import Referral
from webapp.schedule.models import EntryKind, ScheduleEntry
from webapp.schedule.services import sync_source_entry

# The schedule entry a 明早回电 puts in the schedule of the person who served the walk-in.
CALL_BACK_SOURCE = "missed_referral"


@dataclass
class Spread:
    """Minutes of a set of visits: how many, the mean and the 90th percentile."""

    minutes: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.minutes)

    @property
    def mean(self) -> float | None:
        return sum(self.minutes) / len(self.minutes) if self.minutes else None

    @property
    def p90(self) -> float | None:
        """The nearest-rank 90th percentile: nine in ten waited this long or less."""
        if not self.minutes:
            return None
        ordered = sorted(self.minutes)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass
class Times:
    """Waiting (check-in to being served) and the whole visit (check-in to 办结)."""

    wait: Spread = field(default_factory=Spread)
    visit: Spread = field(default_factory=Spread)
    count: int = 0  # check-ins, served or not

    def add(self, created_at: datetime, served_at: datetime | None, done_at: datetime | None):
        """Count one check-in and its minutes."""
        self.count += 1
        if served_at is not None:
            self.wait.minutes.append(max(0.0, (served_at - created_at).total_seconds() / 60))
        if done_at is not None:
            self.visit.minutes.append(max(0.0, (done_at - created_at).total_seconds() / 60))


def service_times(branch_id: int, start: date, end: date) -> dict:
    """Waiting and visit times of the check-ins of [start, end): for the branch, by need, by
    local hour of check-in, by person who served, and by day. One statement."""
    low, high = bounds(start, end)
    rows = db.session.execute(
        select(
            CheckIn.first_need,
            CheckIn.served_by_id,
            Staff.name,
            Staff.username,
            CheckIn.created_at,
            CheckIn.served_at,
            CheckIn.done_at,
        )
        .outerjoin(Staff, Staff.id == CheckIn.served_by_id)
        .where(
            CheckIn.branch_id == branch_id,
            CheckIn.created_at >= low,
            CheckIn.created_at < high,
        )
    ).all()
    branch, by_need, by_hour, by_day = Times(), defaultdict(Times), defaultdict(Times), {}
    by_person: dict[Someone, Times] = defaultdict(Times)
    for row in rows:
        moments = (row.created_at, row.served_at, row.done_at)
        branch.add(*moments)
        by_need[row.first_need].add(*moments)
        by_hour[timeutil.utc_to_local(row.created_at).hour].add(*moments)
        by_day.setdefault(timeutil.local_date(row.created_at), Times()).add(*moments)
        if row.served_by_id is not None:
            by_person[Someone(row.name, row.served_by_id, row.username)].add(*moments)
    return {
        "branch": branch,
        "count": len(rows),
        "by_need": [(need, by_need[need]) for need in Need if need in by_need],
        "by_hour": sorted(by_hour.items()),
        "by_person": in_pinyin_order(by_person),
        "by_day": by_day,
    }


@dataclass(frozen=True)
class Missed:
    """A check-in that met a referral criterion and was not referred."""

    check_in_id: int
    created_at: datetime
    ticket: int
    need: Need
    customer_id: int | None
    customer_name: str | None
    person_id: int
    person_name: str
    called_back: bool  # a 明早回电 is already in the person's schedule


def radar(branch_id: int, start: date, end: date) -> dict:
    """The check-ins of [start, end) that met one of the branch's referral criteria (as they
    stood at check-in), whether each was referred, per person who served it (or checked it in
    when no one served): the referral rate by person, by day and for the branch, and the
    missed ones. One statement."""
    low, high = bounds(start, end)
    person = aliased(Staff)
    person_id = func.coalesce(CheckIn.served_by_id, CheckIn.checked_in_by_id)
    referred = exists().where(Referral.check_in_id == CheckIn.id)
    called_back = exists().where(
        and_(ScheduleEntry.source_type == CALL_BACK_SOURCE, ScheduleEntry.source_id == CheckIn.id)
    )
    rows = db.session.execute(
        select(
            CheckIn.id,
            CheckIn.created_at,
            CheckIn.ticket,
            CheckIn.first_need,
            CheckIn.customer_id,
            Customer.name.label("customer_name"),
            person_id.label("person_id"),
            person.name.label("person_name"),
            person.username.label("person_username"),
            case((referred, True), else_=False).label("referred"),
            case((called_back, True), else_=False).label("called_back"),
        )
        .outerjoin(Customer, Customer.id == CheckIn.customer_id)
        .join(person, person.id == person_id)
        .where(
            CheckIn.branch_id == branch_id,
            CheckIn.met_criterion.is_(True),
            CheckIn.created_at >= low,
            CheckIn.created_at < high,
        )
        .order_by(CheckIn.created_at, CheckIn.id)
    ).all()
    branch, by_day = Rate(), defaultdict(Rate)
    by_person: dict[Someone, Rate] = defaultdict(Rate)
    missed: dict[Someone, list[Missed]] = defaultdict(list)
    for row in rows:
        key = Someone(row.person_name, row.person_id, row.person_username)
        for rate in (branch, by_day[timeutil.local_date(row.created_at)], by_person[key]):
            rate.whole += 1
            rate.part += 1 if row.referred else 0
        if not row.referred:
            missed[key].append(
                Missed(
                    row.id, row.created_at, row.ticket, row.first_need, row.customer_id,
                    row.customer_name, row.person_id, row.person_name, bool(row.called_back),
                )
            )  # fmt: skip
    return {
        "branch": branch,
        "by_day": dict(sorted(by_day.items())),
        "by_person": in_pinyin_order(by_person),
        "missed": in_pinyin_order(missed),
        "missed_count": sum(len(v) for v in missed.values()),
    }


def station(branch_id: int, start: date, end: date) -> dict:
    """Every lobby figure of [start, end) with its trend by day (three statements)."""
    times = service_times(branch_id, start, end)
    happy = satisfaction(branch_id, start, end)
    referrals = radar(branch_id, start, end)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    rated, rates, waits = (dict(figures["by_person"]) for figures in (happy, referrals, times))
    people = in_pinyin_order(dict.fromkeys(set(rated) | set(rates) | set(waits)))
    return {
        "start": start,
        "end": end,
        # One row per person: (Someone, satisfaction, referral rate, times), None where none.
        "people": [(p, rated.get(p), rates.get(p), waits.get(p)) for p, _ in people],
        "times": times,
        "satisfaction": happy,
        "radar": referrals,
        "days": [
            (day, times["by_day"].get(day, Times()), referrals["by_day"].get(day, Rate()))
            for day in days
        ],
        "weeks": _by_week(days, times["by_day"], referrals["by_day"]),
    }


def _by_week(days: list[date], times: dict, rates: dict) -> list[tuple[date, Times, Rate]]:
    """The days' times and referral rates gathered by the week (Monday) they fall in."""
    weeks: dict[date, tuple[Times, Rate]] = {}
    for day in days:
        week_times, week_rate = weeks.setdefault(timeutil.week_start(day), (Times(), Rate()))
        if day in times:
            week_times.count += times[day].count
            week_times.wait.minutes.extend(times[day].wait.minutes)
            week_times.visit.minutes.extend(times[day].visit.minutes)
        if day in rates:
            week_rate.part += rates[day].part
            week_rate.whole += rates[day].whole
    return [(week, *figures) for week, figures in weeks.items()]


def call_back_tomorrow(visit: CheckIn) -> ScheduleEntry | None:
    """明早回电: a follow-up call tomorrow morning in the schedule of the person who served the
    missed walk-in, titled in their language (one entry per check-in; a second tap keeps it).
    None when the walk-in was not a missed referral or left no customer to call."""
    referred = db.session.scalar(select(exists().where(Referral.check_in_id == visit.id)))
    if visit.customer_id is None or not visit.met_criterion or referred:
        return None
    customer = db.session.get(Customer, visit.customer_id)
    person = db.session.get(Staff, visit.served_by_id or visit.checked_in_by_id)
    with force_locale(person.locale):
        title = gettext(
            "Call back %(name)s · %(need)s", name=customer.name, need=visit.first_need.label
        )
    return sync_source_entry(
        source_type=CALL_BACK_SOURCE,
        source_id=visit.id,
        on=timeutil.local_today() + timedelta(days=1),
        staff_id=person.id,
        branch_id=visit.branch_id,
        kind=EntryKind.FOLLOW_UP,
        title=title[:120],
        customer_id=visit.customer_id,
    )
