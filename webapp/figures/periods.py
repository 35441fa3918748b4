"""Months as the branch lives them (its days and weeks are webapp/timeutil.py's), converted to
naive UTC to query the records."""

from datetime import date, datetime, timedelta

from webapp import inputs, timeutil


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
    return timeutil.day_bounds(start, end)


def parse_month(text: str | None) -> date:
    """A "YYYY-MM" argument as the month's first day; this month when absent or malformed,
    a 400 when out of the range BranchKit shows (webapp/inputs.py)."""
    return inputs.parse_month(text)


def parse_day(text: str | None) -> date:
    """A "YYYY-MM-DD" argument as a date; today when absent or malformed, a 400 when out of
    range (webapp/inputs.py)."""
    return inputs.parse_day(text)
