"""The branch's local day (Asia/Shanghai by default) against times stored as naive UTC."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from webapp.auth.models import utcnow


def zone() -> ZoneInfo:
    """The branches' time zone (BABEL_DEFAULT_TIMEZONE)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def now_naive() -> datetime:
    """Now in naive UTC, as stored."""
    return utcnow().replace(tzinfo=None)


def local_date(moment: datetime | None = None) -> date:
    """The branch-local calendar day of a stored (naive UTC) moment, default now."""
    moment = moment or now_naive()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone()).date()


def day_start_utc(day: date) -> datetime:
    """The naive-UTC moment the branch-local day begins."""
    return datetime.combine(day, time.min, zone()).astimezone(UTC).replace(tzinfo=None)


def day_bounds(start: date, end: date | None = None) -> tuple[datetime, datetime]:
    """Naive-UTC [from, to) covering the local days start..end (inclusive)."""
    return day_start_utc(start), day_start_utc((end or start) + timedelta(days=1))


def local_to_utc(moment: datetime) -> datetime:
    """A naive branch-local time (from a form) as naive UTC."""
    return moment.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
