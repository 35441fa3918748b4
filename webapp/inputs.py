"""Bad input stops at the edge: day, week and month parameters, dates and numbers in forms.

Python's dates end at 9999-12-31 and begin at 0001-01-01, so a page that shows the day after
(or converts the day to UTC) fails on either end; Decimal accepts "Infinity", "sNaN" and
"1e999999999". A page is asked only for days BranchKit can show (FIRST_DAY..LAST_DAY), and a
form takes only finite numbers of a sane size; anything else is a translated 400 for a
parameter and a message beside the field for a form.
"""

from datetime import date, datetime
from decimal import Decimal

from flask import Request as FlaskRequest
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from wtforms import fields
from wtforms.validators import StopValidation

from webapp import timeutil

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
LARGEST = Decimal("1e15")  # above any amount in yuan or count a form takes
LARGEST_ID = 2**31 - 1  # an INTEGER column (ids, versions) holds no more on PostgreSQL


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


def as_id(value) -> int | None:
    """A record id from a query parameter or a raw form value: ASCII digits naming a row an
    INTEGER column can hold, else None (str.isdigit() also passes "²", which int() refuses,
    and 99999999999, which PostgreSQL refuses)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST_ID)):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def refuse_nul() -> None:
    """before_request: a NUL character in a form or query value is a 400 (PostgreSQL cannot
    store it, and nobody types one)."""
    for values in (request.args, request.form):
        if any("\x00" in value for _, value in values.items(multi=True)):
            raise BadInput(
                _l("The form holds a character that cannot be saved. Remove it and send again.")
            )


def body_limit(config_key: str):
    """Give a view its own request size limit (the config key holding it), instead of
    MAX_CONTENT_LENGTH: `@body_limit("KIT_MAX_CONTENT_LENGTH")` under the access rule."""

    def mark(view):
        view.body_limit = config_key
        return view

    return mark


class Request(FlaskRequest):
    """Flask's request, whose body limit follows the view's @body_limit when it has one. Set
    on the request, not in the view: the CSRF check reads the form before the view runs."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        key = getattr(view, "body_limit", None)
        return current_app.config[key] if key else super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app) -> None:
    """Register the checks every request passes, and the request with per-view limits."""
    app.request_class = Request
    app.before_request(refuse_nul)


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
    """The check a decimal or float field runs before its validators (pre_validate): no
    infinity, no NaN, nothing beyond LARGEST (NumberRange cannot compare a signalling NaN)."""
    value = field.data
    if value is None:
        return
    number = value if isinstance(value, Decimal) else Decimal(value)  # exact, even inf/nan
    # Comparisons only: abs() or arithmetic on 1e999999999 raises decimal.Overflow.
    if not number.is_finite() or not -LARGEST <= number <= LARGEST:
        raise StopValidation(str(getattr(field, "not_finite", None) or _l("Enter a number.")))


# Fields that refuse what would break a page before the form's own validators run: forms
# import these instead of WTForms' own (pre_validate runs first; StopValidation ends there).
class DateField(fields.DateField):
    """A date within FIRST_DAY..LAST_DAY."""

    def pre_validate(self, form):
        in_date_range(form, self)


class DateTimeLocalField(fields.DateTimeLocalField):
    """A date and time whose day is within FIRST_DAY..LAST_DAY."""

    def pre_validate(self, form):
        in_date_range(form, self)


class DecimalField(fields.DecimalField):
    """A finite decimal no larger than LARGEST (`not_finite`: the message otherwise)."""

    def __init__(self, *args, not_finite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_finite = not_finite

    def pre_validate(self, form):
        finite_number(form, self)


class IdField(fields.IntegerField):
    """A record's id or version typed or posted back: an INTEGER column's value, else none
    (the view may look the id up even when the form fails: it must not reach the database)."""

    def pre_validate(self, form):
        if self.data is not None and abs(self.data) > LARGEST_ID:
            self.data = None
            raise StopValidation(str(_l("This number is too large.")))


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL: a number beyond an INTEGER column is no record (404), not a
    database error (installed as the "int" converter before the blueprints)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class FloatField(fields.FloatField):
    """A finite float no larger than LARGEST (`not_finite`: the message otherwise)."""

    def __init__(self, *args, not_finite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_finite = not_finite

    def pre_validate(self, form):
        finite_number(form, self)


class CsrfForm(FlaskForm):
    """A form carrying only the CSRF token: a button that changes something, or a grid parsed
    by hand."""
