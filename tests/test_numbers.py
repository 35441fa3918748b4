"""Money, counts and dates written by webapp.numbers read exactly as Babel would write them."""

import pytest
from babel.numbers import format_currency, format_decimal
from flask_babel import force_locale

from webapp import numbers

AMOUNTS_FEN = [0, 1, 99, 100, 12_345, 6_000_000, 123_456_789_01, -250, 5_000_000_000_00]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_money_and_counts_match_babel(app, locale):
    """¥ amounts with two decimals, whole yuan and counts, in both interface languages."""
    with app.test_request_context(), force_locale(locale):
        for fen in AMOUNTS_FEN:
            assert numbers.fen_as_yuan(fen) == format_currency(fen / 100, "CNY", locale=locale)
            assert numbers.whole_yuan(fen) == format_decimal(round(fen / 100), locale=locale)
            assert numbers.count(fen) == format_decimal(fen, locale=locale)
        assert numbers.count(2.5) == format_decimal(2.5, locale=locale)


def test_unknown_values_show_a_dash(app):
    """An unknown value (None) is "—", never a fake 0."""
    with app.test_request_context():
        assert numbers.fen_as_yuan(None) == numbers.whole_yuan(None) == numbers.count(None) == "—"
        assert numbers.count(0) == "0"
        assert numbers.fen_as_yuan(60_000_00) == "¥60,000.00"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_dates_match_flask_babel(app, locale):
    """The date filter writes what Flask-Babel writes, in both languages and every format."""
    from datetime import date, datetime

    from flask_babel import format_date

    with app.test_request_context(), force_locale(locale):
        for value in (date(2026, 11, 3), date(2027, 1, 31), datetime(2026, 11, 3, 20, 30)):
            for fmt in ("short", "medium", "long", "yyyy-MM", "M/d"):
                assert numbers.day(value, fmt) == format_date(value, fmt)


def test_formats_follow_a_forced_locale_inside_a_request(app):
    """A push message forced into another language mid-request gets that language's words,
    numbers and dates, and the request's own language comes back after."""
    from datetime import date

    with app.test_request_context():
        render = app.jinja_env.from_string(
            "{{ _('Overdue') }} {{ 1234567|figure }} {{ d|date('long') }}"
        )
        with force_locale("zh_CN"):
            chinese = render.render(d=date(2026, 11, 3))
        with force_locale("en"):
            english = render.render(d=date(2026, 11, 3))
        with force_locale("zh_CN"):
            assert render.render(d=date(2026, 11, 3)) == chinese
    assert chinese == "已逾期 1,234,567 2026年11月3日"
    assert english == "Overdue 1,234,567 November 3, 2026"
