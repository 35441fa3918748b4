"""Notification preferences and the manager's branch broadcast."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from webapp.push.models import KIND_LABELS, Kind

LEAD_CHOICES = [
    SelectChoice(10, _l("10 minutes before")),
    SelectChoice(15, _l("15 minutes before")),
    SelectChoice(30, _l("30 minutes before")),
    SelectChoice(60, _l("1 hour before")),
    SelectChoice(120, _l("2 hours before")),
]

# The kinds a person can turn on and off, in the order the page lists them.
CHOOSABLE = (
    Kind.REFERRAL_RECEIVED,
    Kind.REFERRAL_OVERDUE,
    Kind.APPOINTMENT_REMINDER,
    Kind.APPOINTMENT_ARRIVED,
    Kind.FIELD_VISIT_MORNING,
    Kind.COMMITMENT_NUDGE,
    Kind.BRANCH_BROADCAST,
    Kind.LOBBY_LONG_WAIT,
)


class PreferencesForm(FlaskForm):
    """Which notifications, how long before an appointment, and quiet hours."""

    referral_received = BooleanField(KIND_LABELS[Kind.REFERRAL_RECEIVED])
    referral_overdue = BooleanField(KIND_LABELS[Kind.REFERRAL_OVERDUE])
    appointment_reminder = BooleanField(KIND_LABELS[Kind.APPOINTMENT_REMINDER])
    appointment_arrived = BooleanField(KIND_LABELS[Kind.APPOINTMENT_ARRIVED])
    field_visit_morning = BooleanField(KIND_LABELS[Kind.FIELD_VISIT_MORNING])
    commitment_nudge = BooleanField(KIND_LABELS[Kind.COMMITMENT_NUDGE])
    branch_broadcast = BooleanField(KIND_LABELS[Kind.BRANCH_BROADCAST])
    lobby_long_wait = BooleanField(KIND_LABELS[Kind.LOBBY_LONG_WAIT])
    lead_minutes = SelectField(
        _l("Appointment reminder"), choices=LEAD_CHOICES, coerce=int, validate_choice=True
    )
    quiet_start = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_end = TimeField(_l("Quiet until"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """Quiet hours need both ends, and two different times."""
        valid = super().validate(extra_validators)
        start, end = self.quiet_start.data, self.quiet_end.data
        if self.quiet_start.errors or self.quiet_end.errors:
            return False
        if (start is None) != (end is None):
            missing = self.quiet_start if start is None else self.quiet_end
            missing.errors = [*missing.errors, _l("Give both times, or neither.")]
            return False
        if start is not None and start == end:
            self.quiet_end.errors = [
                *self.quiet_end.errors,
                _l("The end must differ from the start."),
            ]
            return False
        return valid

    def values(self) -> dict:
        """The fields as Preference attributes."""
        return {
            name: getattr(self, name).data
            for name in (*(k.value for k in CHOOSABLE), "lead_minutes", "quiet_start", "quiet_end")
        }


class BroadcastForm(FlaskForm):
    """A short message from the manager to everyone in the branch."""

    message = StringField(
        _l("Message"),
        validators=[DataRequired(_l("Write the message.")), Length(max=80)],
        render_kw={"maxlength": 80, "autocomplete": "off"},
    )
