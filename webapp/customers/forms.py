"""Customer information sheet forms, with real checks of mobiles, credit codes and ID numbers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from webapp.customers import sheets
from webapp.customers.models import Acquisition
from webapp.customers.validators import (
    is_credit_code,
    is_mobile,
    is_resident_id,
    normalise_code,
    normalise_mobile,
)
from webapp.inputs import IdField


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _mobile(value):
    return normalise_mobile(value) if value else value


def _split(values):
    """Accept "saving,loan" as well as repeated values (the conflict page sends the former)."""
    return [part for value in values or [] for part in value.split(",") if part]


def _upper(value):
    return normalise_code(value) if isinstance(value, str) else value


def check_mobile(form, field) -> None:
    """A mainland mobile: 11 digits starting 13-19."""
    if field.data and not is_mobile(field.data):
        raise ValidationError(_l("Enter an 11-digit mainland mobile number, e.g. 13812345678."))


def check_credit_code(form, field) -> None:
    """A Unified Social Credit Code whose length, characters and check character are right."""
    if not field.data:
        return
    if len(field.data) != 18:
        raise ValidationError(_l("A Unified Social Credit Code has 18 characters."))
    if not is_credit_code(field.data):
        raise ValidationError(
            _l("This is not a valid Unified Social Credit Code: check each character.")
        )


def check_resident_id(form, field) -> None:
    """An 18-character resident ID number whose check character is right."""
    if field.data and not is_resident_id(field.data):
        raise ValidationError(_l("This is not a valid resident ID number."))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (thumb-friendly on a phone)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class IndividualSheetForm(FlaskForm):
    """The individual customer information sheet."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the customer's name.")), Length(max=120)],
        filters=[_strip],
    )
    mobile = StringField(
        _l("Mobile"),
        validators=[DataRequired(_l("Enter the mobile number.")), check_mobile],
        filters=[_mobile],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    occupation = StringField(_l("Occupation"), validators=[Length(max=60)], filters=[_strip])
    employer = StringField(_l("Employer"), validators=[Length(max=120)], filters=[_strip])
    age_band = SelectField(_l("Age"), choices=choices(sheets.AGE_BANDS), default="")
    family = StringField(_l("Family situation"), validators=[Length(max=200)], filters=[_strip])
    assets_here = SelectField(_l("Assets with us"), choices=choices(sheets.ASSET_BANDS), default="")
    assets_elsewhere = SelectField(
        _l("Assets elsewhere"), choices=choices(sheets.ASSET_BANDS), default=""
    )
    products_held = StringField(_l("Products held"), validators=[Length(max=300)], filters=[_strip])
    needs = MultiCheckboxField(_l("Needs"), choices=choices(sheets.NEEDS), filters=[_split])
    risk_appetite = SelectField(
        _l("Risk appetite"), choices=choices(sheets.RISK_LEVELS), default=""
    )
    contact_time = StringField(
        _l("Preferred contact time"), validators=[Length(max=60)], filters=[_strip]
    )
    resident_id = StringField(
        _l("Resident ID number (optional)"),
        validators=[Optional(), check_resident_id],
        filters=[_upper],
        render_kw={"autocomplete": "off"},
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], filters=[_strip])
    next_step = StringField(_l("Next step"), validators=[Length(max=200)], filters=[_strip])
    version = HiddenField()


class SmeSheetForm(FlaskForm):
    """The SME customer information sheet (offline-capable: client_id on create, version on edit)."""

    name = StringField(
        _l("Company name"),
        validators=[DataRequired(_l("Enter the company name.")), Length(max=120)],
        filters=[_strip],
    )
    credit_code = StringField(
        _l("Unified Social Credit Code"),
        validators=[check_credit_code],
        filters=[_upper],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 18},
    )
    industry = StringField(_l("Industry"), validators=[Length(max=60)], filters=[_strip])
    address = StringField(_l("Address"), validators=[Length(max=200)], filters=[_strip])
    employees = IntegerField(
        _l("Employees"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    turnover_band = SelectField(
        _l("Annual turnover"), choices=choices(sheets.TURNOVER_BANDS), default=""
    )
    main_banks = StringField(_l("Main banks"), validators=[Length(max=120)], filters=[_strip])
    settlement = StringField(_l("Settlement needs"), validators=[Length(max=200)], filters=[_strip])
    payroll = StringField(_l("Payroll"), validators=[Length(max=200)], filters=[_strip])
    credit_needs = StringField(_l("Credit needs"), validators=[Length(max=200)], filters=[_strip])
    cash_management = StringField(
        _l("Cash management needs"), validators=[Length(max=200)], filters=[_strip]
    )
    decision_maker = StringField(
        _l("Decision maker"), validators=[Length(max=60)], filters=[_strip]
    )
    contact_name = StringField(_l("Contact person"), validators=[Length(max=60)], filters=[_strip])
    mobile = StringField(
        _l("Contact's mobile"),
        validators=[check_mobile],
        filters=[_mobile],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    visit_history = TextAreaField(
        _l("Visit history"), validators=[Length(max=4000)], filters=[_strip]
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], filters=[_strip])
    next_step = StringField(_l("Next step"), validators=[Length(max=200)], filters=[_strip])
    client_id = HiddenField()
    version = HiddenField()


def source_choices(blank: bool) -> list[SelectChoice]:
    """How the branch won a customer (the four sales behaviours, or already ours); a blank
    first choice when nothing is preset."""
    pairs = [(a.value, a.label) for a in Acquisition]
    return choices(([("", _l("Choose…"))] if blank else []) + pairs)


def check_source_chosen(form, field) -> None:
    """A source must be chosen on the form. A sheet sent without the list at all (saved offline
    by an earlier version of the form) keeps the preset of where it was started."""
    if field.raw_data and field.data not in {a.value for a in Acquisition}:
        raise StopValidation(_l("Choose the customer's source."))


def _source_field():
    return SelectField(
        _l("Customer source"), choices=lambda: source_choices(True), validators=[check_source_chosen],
        validate_choice=False, default="",
    )  # fmt: skip


class NewIndividualForm(IndividualSheetForm):
    """The individual sheet as it creates a customer: with the customer's source."""

    acquired_via = _source_field()


class NewSmeForm(SmeSheetForm):
    """The SME sheet as it creates a customer: with the customer's source."""

    acquired_via = _source_field()


class SourceForm(FlaskForm):
    """The owner's or the manager's correction of a customer's source."""

    acquired_via = SelectField(
        _l("Customer source"), choices=lambda: source_choices(False),
        validators=[InputRequired(_l("Choose the customer's source.")), check_source_chosen],
        validate_choice=False,
    )  # fmt: skip


class CustomerPickMixin:
    """Pick an existing customer (templates/customers/_picker.html), type a new one (name +
    mobile), or name nobody; webapp/customers/choice.py turns the answer into a customer."""

    customer_id = IdField(_l("Customer"), validators=[Optional()])
    new_name = StringField(_l("New customer's name"), validators=[Optional(), Length(max=120)])
    new_mobile = StringField(
        _l("Mobile"), validators=[Optional()], render_kw={"inputmode": "tel", "autocomplete": "off"}
    )

    def validate_new_mobile(self, field):
        if field.data and not is_mobile(field.data):
            raise ValidationError(_l("Enter an 11-digit mainland mobile number."))
        field.data = normalise_mobile(field.data) if field.data else ""

    def validate_new_name(self, field):
        if self.new_mobile.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the new customer's name."))
