"""Days, weeks and months as the branch lives them: in the branch's time zone
(BABEL_DEFAULT_TIMEZONE, Asia/Shanghai), converted to naive UTC to query the records."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from webapp.auth.models import utcnow


def branch_zone() -> ZoneInfo:
    """The time zone the branch works in."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def today() -> date:
    """Today's date at the branch."""
    return utcnow().astimezone(branch_zone()).date()


def local_midnight_utc(day: date) -> datetime:
    """The branch's midnight starting `day`, as the naive UTC datetime the records store."""
    local = datetime.combine(day, time(), tzinfo=branch_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def monday(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    """The first day of the month holding `day`."""
    return day.replace(day=1)


def next_month(first: date) -> date:
    """The first day of the month after the one starting on `first`."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(first: date) -> date:
    """The first day of the month before the one starting on `first`."""
    return (first - timedelta(days=1)).replace(day=1)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Half-open bounds [start 00:00, end 00:00) at the branch, as naive UTC datetimes."""
    return local_midnight_utc(start), local_midnight_utc(end)


def parse_month(text: str | None) -> date:
    """A "YYYY-MM" argument as the month's first day; this month when absent or malformed."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return month_start(today())


def parse_day(text: str | None) -> date:
    """A "YYYY-MM-DD" argument as a date; today when absent or malformed."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return today()
