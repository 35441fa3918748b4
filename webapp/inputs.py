"""Bad input stops at the edge: day, week and month parameters, dates and numbers in forms.

Python's dates end at 9999-12-31 and begin at 0001-01-01, so a page that shows the day after
(or converts the day to UTC) fails on either end; Decimal accepts "Infinity", "sNaN" and
"1e999999999". A page is asked only for days BranchKit can show (FIRST_DAY..LAST_DAY), and a
form takes only finite numbers of a sane size; anything else is a translated 400 for a
parameter and a message beside the field for a form.
"""

import math
from datetime import date, datetime
from decimal import Decimal

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms.validators import StopValidation

from webapp import timeutil

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
LARGEST = Decimal("1e15")  # above any amount in yuan or count a form takes


class BadInput(BadRequest):
    """A 400 whose description is a translated message for the person (errors.py shows it)."""

    def __init__(self, message):
        super().__init__(description=str(message))


def _out_of_range():
    return BadInput(
        _l(
            "Dates from %(first)s to %(last)s only.",
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    )


def parse_day(text: str | None) -> date:
    """A "YYYY-MM-DD" parameter as a date; today when absent or malformed; BadInput (400)
    when it is a real date outside FIRST_DAY..LAST_DAY."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return timeutil.local_today()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _out_of_range()
    return day


def parse_month(text: str | None) -> date:
    """A "YYYY-MM" parameter as the month's first day; this month when absent or malformed;
    BadInput (400) when the month is outside FIRST_DAY..LAST_DAY."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        return timeutil.local_today().replace(day=1)
    if not FIRST_DAY <= first <= LAST_DAY:
        raise _out_of_range()
    return first


def day_arg(name: str) -> date:
    """The query parameter `name` as a day (see parse_day)."""
    return parse_day(request.args.get(name))


def in_date_range(form, field) -> None:
    """WTForms validator for a date or date-time field: only days BranchKit can store and show."""
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise StopValidation(str(_out_of_range().description))


def finite_number(form, field) -> None:
    """WTForms validator, first in the list of a decimal or float field: no infinity, no NaN,
    nothing beyond LARGEST (the following NumberRange cannot compare a signalling NaN)."""
    value = field.data
    if value is None:
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite or abs(Decimal(value)) > LARGEST:
        raise StopValidation(str(_l("Enter a number.")))
