"""The four-step appointment form and the state change form."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.appointments.models import (
    OUTCOME_LABELS,
    REASON_LABELS,
    STATE_LABELS,
    VIA_LABELS,
    Outcome,
    State,
    Via,
)
from webapp.customers.forms import CustomerPickMixin
from webapp.customers.queries import branch_customer
from webapp.inputs import DateTimeLocalField, IdField
from webapp.sync.protocol import device_id

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class AppointmentForm(CustomerPickMixin, FlaskForm):
    """The customer (chosen or new), greeting, value statement, urgency, two time options and
    the re-confirmation."""

    client_id = HiddenField(validators=[device_id])
    reason = RadioField(
        _l("Reason"),
        choices=[SelectChoice(k.value, v) for k, v in REASON_LABELS.items()],
        validators=[InputRequired(_l("Choose why the appointment is made."))],
    )
    # A form queued offline by a page without this field carries none: a call, the default.
    via = RadioField(
        _l("Fixed"),
        choices=[SelectChoice(k.value, v) for k, v in VIA_LABELS.items()],
        default=Via.CALL.value,
    )
    greeting = TextAreaField(
        _l("1. Greeting and introduction"), validators=[DataRequired(), Length(max=1000)]
    )
    statement_id = SelectField(_l("Statement for"), coerce=int, validate_choice=False)
    value_statement = TextAreaField(
        _l("2. Value statement"),
        validators=[
            DataRequired(_l("Say what the meeting does for the customer.")),
            Length(max=2000),
        ],
    )
    urgency = TextAreaField(_l("3. Why now"), validators=[Optional(), Length(max=1000)])
    option_1 = DateTimeLocalField(
        _l("4. First time offered"),
        format=TIME_FORMATS,
        validators=[InputRequired(_l("Offer two concrete times."))],
    )
    option_2 = DateTimeLocalField(
        _l("Second time offered"),
        format=TIME_FORMATS,
        validators=[InputRequired(_l("Offer two concrete times."))],
    )
    chosen_option = RadioField(
        _l("The customer chose"),
        choices=[SelectChoice("1", _l("First time")), SelectChoice("2", _l("Second time"))],
        validators=[InputRequired(_l("Record the time the customer chose."))],
    )
    reconfirmed = BooleanField(
        _l("Time and place confirmed again with the customer before ending the call")
    )
    place = StringField(
        _l("Place"), validators=[DataRequired(_l("Where will you meet?")), Length(max=200)]
    )
    staff_id = SelectField(_l("Who will meet"), coerce=int, validate_choice=True)

    def validate_option_2(self, field):
        if self.option_1.data and field.data and field.data == self.option_1.data:
            raise ValidationError(_l("Offer two different times."))

    def validate_reconfirmed(self, field):
        if not field.data:
            raise ValidationError(_l("Confirm the time again with the customer before saving."))

    def validate(self, extra_validators=None) -> bool:
        """An appointment is with someone: a customer chosen or a new one's name."""
        valid = super().validate(extra_validators)
        if not self.customer_id.data and not (self.new_name.data or "").strip():
            self.new_name.errors = [
                *self.new_name.errors,
                _l("Choose a customer or enter a new one's name."),
            ]
            valid = False
        return valid


class CallForm(FlaskForm):
    """Log a call that fixed no appointment: who was called and what it came to."""

    client_id = HiddenField(validators=[device_id])
    # Chosen with the one picker (templates/customers/_picker.html), among one's own customers.
    customer_id = IdField(
        _l("Customer called"), validators=[DataRequired(_l("Choose the customer you called."))]
    )
    outcome = RadioField(
        _l("What it came to"),
        choices=[
            SelectChoice(k.value, v) for k, v in OUTCOME_LABELS.items() if k != Outcome.APPOINTMENT
        ],
        validators=[InputRequired(_l("Choose what the call came to."))],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def validate_customer_id(self, field):
        """One of the caller's own customers (an id from a form is scoped like a URL's)."""
        self.customer = branch_customer(field.data, current_user)
        if self.customer is None or self.customer.owner_id != current_user.id:
            self.customer = None
            raise ValidationError(_l("Choose one of your own customers."))


class StateForm(FlaskForm):
    """Move an appointment to held, no-show, rescheduled or cancelled."""

    state = RadioField(
        _l("What happened"),
        choices=[SelectChoice(s.value, STATE_LABELS[s]) for s in State if s != State.CONFIRMED],
        validators=[InputRequired(_l("Choose what happened."))],
    )
    new_time = DateTimeLocalField(_l("New time"), format=TIME_FORMATS, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:
        """A reschedule needs its new time (the field is optional otherwise)."""
        valid = super().validate(extra_validators)
        if self.state.data == State.RESCHEDULED.value and not self.new_time.data:
            self.new_time.errors = [*self.new_time.errors, _l("Enter the new time.")]
            valid = False
        return valid
