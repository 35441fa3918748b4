"""Branch-local days and weeks. Times are stored as naive UTC; days are the branch's days."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def branch_zone() -> ZoneInfo:
    """The branches' time zone (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by default)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    """Today's date where the branch is."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(branch_zone()).date()


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of a branch-local day, as naive UTC (for comparing with stored times)."""
    local = datetime.combine(day, time.min, tzinfo=branch_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a branch-local day as naive UTC."""
    return day_start_utc(day), day_start_utc(day + timedelta(days=1))


def week_start(day: date) -> date:
    """The Monday of the week containing the day."""
    return day - timedelta(days=day.weekday())
