"""Forms of the rhythm: commitments, one-on-ones, plan items and action plans."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.coaching.models import COMMITMENT_LABELS, PlanStatus
from webapp.figures.effect import TRACKABLE_LABELS
from webapp.inputs import DateField, IdField


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
    metric = SelectField(
        _l("Figure that shows the effect"),
        choices=[SelectChoice("", _l("None"))]
        + [SelectChoice(k, v) for k, v in TRACKABLE_LABELS.items()],
        validators=[Optional()],
    )


class PlanNoteForm(FlaskForm):
    """Progress on a plan, in a sentence or two."""

    note = TextAreaField(
        _l("Progress"), validators=[DataRequired(_l("Say what was done.")), Length(max=1000)]
    )


class ActionPlanUpdateForm(FlaskForm):
    """Move a plan on and record its result."""

    status = SelectField(_l("Status"), validators=[DataRequired()])
    result = TextAreaField(_l("Result against the expected effect"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.label) for s in PlanStatus]
