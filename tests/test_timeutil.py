"""Branch-local days: a Shanghai day starts at 16:00 UTC the day before."""

from datetime import UTC, date, datetime

from webapp.timeutil import day_bounds_utc, local_today, week_start


def test_local_day_and_week_in_shanghai(app):
    """Late evening UTC is already tomorrow in Shanghai; bounds come back as naive UTC."""
    with app.app_context():
        assert local_today(datetime(2026, 11, 23, 17, 0, tzinfo=UTC)) == date(2026, 11, 24)
        assert local_today(datetime(2026, 11, 23, 15, 59)) == date(2026, 11, 23)
        start, end = day_bounds_utc(date(2026, 11, 24))
        assert start == datetime(2026, 11, 23, 16, 0) and end == datetime(2026, 11, 24, 16, 0)
        assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
