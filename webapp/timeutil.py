"""The branch's clock: times are stored as naive UTC; days and weeks are the branch's own
(BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by default). Every domain reads them from here.

A range of days passed between functions is half-open, [start, end): a week is (Monday, the
next Monday), a month (its first day, the next month's first day). Only what people type and
read names a last day (a split phase's "ends on", a product's "valid to", "1 - 7 Nov" on a
page); the code turns it into the day after at that edge."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def branch_zone() -> ZoneInfo:
    """The branches' time zone (the one Babel formats dates in)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def now_naive() -> datetime:
    """Now, as the naive UTC the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(moment: datetime | None = None) -> date:
    """The branch's calendar day of a moment (stored naive UTC, or aware), default now."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(branch_zone()).date()


def local_today() -> date:
    """Today's date where the branch is."""
    return local_date()


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of a branch-local day, as naive UTC (to compare with stored times)."""
    return datetime.combine(day, time.min, branch_zone()).astimezone(UTC).replace(tzinfo=None)


def day_bounds(start: date, end: date | None = None) -> tuple[datetime, datetime]:
    """Naive-UTC [from, to) covering the branch-local days [start, end) (the one day `start`
    by default)."""
    return day_start_utc(start), day_start_utc(end or start + timedelta(days=1))


def local_to_utc(moment: datetime) -> datetime:
    """A naive branch-local time (typed in a form) as the naive UTC the database stores."""
    return moment.replace(tzinfo=branch_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    """A stored naive UTC time as a naive branch-local time (to show or to group by day)."""
    return value.replace(tzinfo=UTC).astimezone(branch_zone()).replace(tzinfo=None)


def week_start(day: date) -> date:
    """The Monday of the week containing the day."""
    return day - timedelta(days=day.weekday())
