"""Adding an activity to the schedule."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webapp.inputs import DateField
from webapp.schedule.models import KIND_LABELS, EntryKind


class EntryForm(FlaskForm):
    """One planned activity: kind, title, day, time and length."""

    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=EntryKind.FIELD_VISIT.value,
    )
    title = StringField(
        _l("What"), validators=[DataRequired(_l("Say what the activity is.")), Length(max=120)]
    )
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose the day."))])
    start = TimeField(_l("Time"), validators=[DataRequired(_l("Choose the time."))])
    minutes = IntegerField(
        _l("Length in minutes"),
        default=60,
        validators=[
            Optional(),
            NumberRange(min=5, max=600, message=_l("Between 5 and 600 minutes.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    customer_id = HiddenField()
