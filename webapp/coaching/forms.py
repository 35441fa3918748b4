"""Forms of the rhythm; the target grid is parsed by parse_target_grid (one field per cell)."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.coaching.models import COMMITMENT_LABELS, COUNT_METRICS, TARGET_METRICS, PlanStatus
from webapp.inputs import DateField, IdField


class CsrfForm(FlaskForm):
    """A form carrying only the CSRF token (for grids parsed by hand)."""


def parse_target_grid(form, keys: list[int | None]):
    """Read the target grid's fields `t-<staff id or branch>-<metric>`.

    Money is typed in yuan (up to two decimals) and stored in fen; counts are whole numbers.
    Returns (cells, errors, typed): cells {(staff_id, metric): value or None}, errors
    {field name: message}, typed {field name: text as typed} to re-show on error.
    """
    cells, errors, typed = {}, {}, {}
    for key in keys:
        for metric in TARGET_METRICS:
            name = f"t-{'branch' if key is None else key}-{metric}"
            text = (form.get(name) or "").strip().replace(",", "")
            typed[name] = text
            if not text:
                cells[(key, metric)] = None
                continue
            try:
                number = Decimal(text)
            except InvalidOperation:
                errors[name] = str(_l("Enter a number."))
                continue
            if not number.is_finite() or number < 0:
                errors[name] = str(_l("Enter zero or more."))
                continue
            if number > Decimal("1e12"):  # before any arithmetic: 1e999999999 overflows it
                errors[name] = str(_l("This number is too large."))
                continue
            if metric in COUNT_METRICS:
                if number != number.to_integral_value():
                    errors[name] = str(_l("Enter a whole number."))
                    continue
                cells[(key, metric)] = int(number)
            else:
                if number * 100 != (number * 100).to_integral_value():
                    errors[name] = str(_l("At most two decimals."))
                    continue
                cells[(key, metric)] = int(number * 100)
    return cells, errors, typed


def _count(label):
    return IntegerField(
        label,
        default=0,
        validators=[InputRequired(_l("Enter a number.")), NumberRange(0, 999, _l("0 to 999."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": 999},
    )


class CommitmentForm(FlaskForm):
    """Today's commitment in numbers (获得承诺)."""

    calls = _count(COMMITMENT_LABELS["calls"])
    appointments = _count(COMMITMENT_LABELS["appointments"])
    referrals = _count(COMMITMENT_LABELS["referrals"])
    visits = _count(COMMITMENT_LABELS["visits"])
    sales = _count(COMMITMENT_LABELS["sales"])


class OneOnOneForm(FlaskForm):
    """The notes of a one-on-one; the career notes are private to the two and the admin."""

    manager_notes = TextAreaField(_l("Coaching notes"), validators=[Length(max=4000)])
    own_notes = TextAreaField(_l("Their own notes"), validators=[Length(max=4000)])
    career_notes = TextAreaField(_l("Career development (private)"), validators=[Length(max=4000)])
    folder_checked = BooleanField(_l("Salesperson folder checked and complete"))


class OwnNotesForm(FlaskForm):
    """What the salesperson writes on their own one-on-one."""

    own_notes = TextAreaField(_l("My notes"), validators=[Length(max=4000)])
    career_notes = TextAreaField(_l("Career development (private)"), validators=[Length(max=4000)])


class PlanItemForm(FlaskForm):
    """A follow-up item for next week: customer, action, date."""

    # Picked by search among the person's own customers (customers.picker with the owner).
    customer_id = IdField(_l("Customer"), validators=[Optional()])
    action = StringField(
        _l("Action"), validators=[DataRequired(_l("Say what will be done.")), Length(max=200)]
    )
    due_on = DateField(_l("Date"), validators=[InputRequired(_l("Pick a date."))])


class ActionPlanForm(FlaskForm):
    """A branch action plan: who, when, what, expected effect."""

    owner_id = SelectField(_l("Who"), coerce=int)
    due_on = DateField(_l("By when"), validators=[InputRequired(_l("Pick a date."))])
    what = StringField(
        _l("Does what"), validators=[DataRequired(_l("Say what will be done.")), Length(max=300)]
    )
    expected_effect = StringField(
        _l("Expected effect"),
        validators=[DataRequired(_l("Say what effect is expected.")), Length(max=300)],
    )


class ActionPlanUpdateForm(FlaskForm):
    """Move a plan on and record its result."""

    status = SelectField(_l("Status"), validators=[DataRequired()])
    result = TextAreaField(_l("Result against the expected effect"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.label) for s in PlanStatus]
