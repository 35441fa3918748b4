"""Forms of market running: planning a sweep, recording and editing a visit."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.customers.validators import is_mobile, normalise_mobile
from webapp.field.models import AREA_LABELS, OUTCOME_LABELS, PositionStatus
from webapp.inputs import DateField, FloatField, IdField
from webapp.sync.protocol import device_id, parse_client_time
from webapp.timeutil import now_naive


class SweepForm(FlaskForm):
    """Plan a sweep: the area, the day, and the target stops."""

    area = StringField(
        _l("Area"),
        validators=[
            DataRequired(_l("Name the street, market, park or community.")),
            Length(max=120),
        ],
    )
    area_kind = SelectField(
        _l("Kind of area"), choices=[SelectChoice(k.value, v) for k, v in AREA_LABELS.items()]
    )
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    customers = SelectMultipleField(_l("Customers to visit"), coerce=int, validate_choice=True)
    new_targets = TextAreaField(
        _l("New businesses or households"),
        validators=[Length(max=4000)],
        description=_l("One per line: name, then a comma and the address."),
    )

    def validate_new_targets(self, field):
        if not (field.data or "").strip() and not self.customers.data:
            raise ValidationError(_l("Add at least one stop: a customer or a new name."))


MAX_ACCURACY_M = 100_000  # a fix worse than 100 km says nothing about where the visit was


def _position(low: float, high: float, message) -> FloatField:
    """A hidden coordinate from the phone: empty, or finite and within [low, high]."""
    return FloatField(
        validators=[Optional(), NumberRange(min=low, max=high, message=message)],
        widget=HiddenField.widget,
        not_finite=message,
    )


class VisitForm(FlaskForm):
    """One visit at a stop; made on the phone, possibly offline."""

    client_id = HiddenField(validators=[device_id])
    sweep_id = HiddenField()
    stop_id = HiddenField()
    business_name = StringField(
        _l("Business or household"),
        validators=[
            DataRequired(_l("Enter the name of the business or household.")),
            Length(max=120),
        ],
    )
    place = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=60)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_mobile = StringField(
        _l("Contact mobile"),
        validators=[Optional()],
        filters=[lambda v: normalise_mobile(v) if v else v],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    shown = TextAreaField(
        _l("Shown from the sales kit"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"data-kit-shown": ""},
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(k.value, v) for k, v in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose how the visit ended."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    latitude = _position(-90, 90, _l("The phone's latitude must be between -90 and 90."))
    longitude = _position(-180, 180, _l("The phone's longitude must be between -180 and 180."))
    accuracy_m = _position(
        0, MAX_ACCURACY_M, _l("The phone's position accuracy must be between 0 and 100 km.")
    )
    position_status = HiddenField(default=PositionStatus.UNAVAILABLE.value)
    checked_in_at = HiddenField()

    def validate_contact_mobile(self, field):
        if field.data and not is_mobile(field.data):
            raise ValidationError(_l("Enter an 11-digit mainland mobile number."))

    def validate_checked_in_at(self, field):
        moment = parse_client_time(field.data)
        if field.data and moment is None:
            raise ValidationError(_l("The check-in time from the phone is not readable."))
        if moment and moment > now_naive() + timedelta(hours=1):
            raise ValidationError(
                _l("The check-in time is in the future: check the phone's clock.")
            )

    def validate_position_status(self, field):
        if field.data not in {s.value for s in PositionStatus}:
            field.data = PositionStatus.UNAVAILABLE.value


class VisitEditForm(FlaskForm):
    """Change a visit's outcome and notes; carries the version it started from."""

    client_id = HiddenField(validators=[device_id])
    version = IdField(validators=[InputRequired()], widget=HiddenField.widget)
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(k.value, v) for k, v in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose how the visit ended."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    shown = TextAreaField(
        _l("Shown from the sales kit"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One page a line."),
    )


class ContactForm(FlaskForm):
    """The contact met at a stop made a customer in one tap (offline-capable)."""

    client_id = HiddenField(validators=[device_id])
    stop_id = HiddenField()
    name = StringField(
        _l("Contact person"),
        validators=[DataRequired(_l("Enter the contact's name.")), Length(max=60)],
    )
    mobile = StringField(
        _l("Contact mobile"),
        validators=[Optional()],
        filters=[lambda v: normalise_mobile(v) if v else v],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )

    def validate_mobile(self, field):
        if field.data and not is_mobile(field.data):
            raise ValidationError(_l("Enter an 11-digit mainland mobile number."))
