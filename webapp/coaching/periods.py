"""Days, weeks and months as the rhythm uses them (naive UTC, as the records are stored)."""

from datetime import date, datetime, time, timedelta

from webapp.auth.models import utcnow


def today() -> date:
    """Today's date."""
    return utcnow().date()


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
    """Half-open datetime bounds [start 00:00, end 00:00) for date columns stored as datetimes."""
    return datetime.combine(start, time()), datetime.combine(end, time())


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
