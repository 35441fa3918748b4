"""The branch's clock: a Shanghai day starts at 16:00 UTC the day before."""

from datetime import UTC, date, datetime

from webapp.timeutil import (
    day_bounds,
    local_date,
    local_to_utc,
    local_today,
    now_naive,
    utc_to_local,
    week_start,
)


def test_local_day_and_week_in_shanghai(app):
    """Late evening UTC is already tomorrow in Shanghai; bounds come back as naive UTC."""
    with app.app_context():
        assert local_date(datetime(2026, 11, 23, 17, 0, tzinfo=UTC)) == date(2026, 11, 24)
        assert local_date(datetime(2026, 11, 23, 15, 59)) == date(2026, 11, 23)
        start, end = day_bounds(date(2026, 11, 24))
        assert start == datetime(2026, 11, 23, 16, 0) and end == datetime(2026, 11, 24, 16, 0)
        start, end = day_bounds(date(2026, 11, 24), date(2026, 12, 1))  # [24 Nov, 1 Dec)
        assert start == datetime(2026, 11, 23, 16, 0) and end == datetime(2026, 11, 30, 16, 0)
        assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)


def test_wall_clock_times_go_both_ways(app):
    """A time typed at the branch is stored as naive UTC and shown again as typed."""
    with app.app_context():
        typed = datetime(2026, 12, 2, 9, 30)
        stored = local_to_utc(typed)
        assert stored == datetime(2026, 12, 2, 1, 30) and stored.tzinfo is None
        assert utc_to_local(stored) == typed
        now = now_naive()
        assert now.tzinfo is None and local_today() == local_date(now)
