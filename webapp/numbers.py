"""Money, counts and dates as text in the user's language, fast enough for tables of hundreds of
cells.

Babel's format_currency/format_decimal cost tens of microseconds a call, which a progress table
or a ledger pays hundreds of times per page. Here Babel formats one sample per locale, the
result gives the currency's prefix/suffix and the group and decimal symbols, and each value is
then written with integer arithmetic (exact: amounts are stored in fen, never floats). Locales
whose grouping is not by threes (none of BranchKit's two) fall back to Babel itself.
"""

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_date
from babel.numbers import format_currency as babel_currency
from babel.numbers import format_decimal as babel_decimal
from flask_babel import format_date, ngettext

from webapp.i18n import current_locale, locale_key

UNKNOWN = "—"


@lru_cache(maxsize=16)
def _shape(locale: str) -> tuple[str, str, str, str] | None:
    """(prefix, suffix, group symbol, decimal symbol) of CNY amounts in a locale, or None."""
    sample = babel_currency(1234567.89, "CNY", locale=locale)
    plain = babel_decimal(1234567.89, locale=locale)
    if len(plain) != len("1,234,567.89") or plain[1] != plain[5]:
        return None  # not grouped by threes: leave it to Babel
    group, decimal = plain[1], plain[9]
    prefix, found, suffix = sample.partition(plain)
    return (prefix, suffix, group, decimal) if found else None


def _current() -> tuple[str, tuple | None]:
    """(locale, its shape) for the current locale (force_locale included), without formatting
    the locale's name on every cell: a table formats hundreds of them."""
    locale = current_locale()
    key = locale_key(locale)
    found = _by_locale.get(key)
    if found is None:
        found = _by_locale[key] = (str(locale), _shape(str(locale)))
    return found


_by_locale: dict[tuple, tuple[str, tuple | None]] = {}


def _grouped(n: int, group: str) -> str:
    text = f"{n:,}"
    return text if group == "," else text.replace(",", group)


def fen_as_yuan(value: int | None) -> str:
    """An amount in fen as yuan in the user's locale (¥60,000.00); "—" when unknown."""
    if value is None:
        return UNKNOWN
    locale, shape = _current()
    if shape is None or value < 0:
        return babel_currency(value / 100, "CNY", locale=locale)
    prefix, suffix, group, decimal = shape
    yuan, fen = divmod(int(value), 100)
    return f"{prefix}{_grouped(yuan, group)}{decimal}{fen:02d}{suffix}"


def whole_yuan(value: int | None) -> str:
    """An amount in fen as whole yuan, grouped (60,000), for dense tables; "—" when unknown."""
    if value is None:
        return UNKNOWN
    return count(round(value / 100))


def count(value) -> str:
    """A count grouped in the user's locale (1,234); "—" for an unknown value (None)."""
    if value is None:
        return UNKNOWN
    locale, shape = _current()
    if shape is None or not isinstance(value, int):
        return babel_decimal(value, locale=locale)
    return _grouped(value, shape[2])


def in_unit(value: int | None, unit: str) -> str:
    """A number of accounts or cards with its unit in the user's language (3 accounts, 3 户);
    a yuan value in fen as whole yuan; "—" when unknown."""
    if value is None:
        return UNKNOWN
    if unit == "accounts":
        return ngettext("%(n)s account", "%(n)s accounts", value, n=count(value))
    if unit == "cards":
        return ngettext("%(n)s card", "%(n)s cards", value, n=count(value))
    return whole_yuan(value)


def day(value, fmt: str = "medium") -> str:
    """A date in the user's locale. A list shows the same few dates on many rows and Babel takes
    some microseconds a date: each (date, format, locale) is formatted once per process.
    Datetimes go to Flask-Babel, which first moves them to the user's time zone."""
    if isinstance(value, datetime) or not isinstance(value, date):
        return format_date(value, fmt)
    return _day(value, fmt, _current()[0])


@lru_cache(maxsize=4096)
def _day(value: date, fmt: str, locale: str) -> str:
    return babel_date(value, fmt, locale=locale)
