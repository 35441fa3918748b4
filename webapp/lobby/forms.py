"""The short check-in form (a few taps on the lobby tablet, the same at the counter)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.customers.forms import CustomerPickMixin
from webapp.lobby.models import Need


def need_choices():
    """The need chips in the user's language."""
    return [(n.value, n.label) for n in Need]


class ChipChoices(SelectMultipleField):
    """Several chips may be on: rendered as checkboxes styled as chips."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CheckInForm(CustomerPickMixin, FlaskForm):
    """First need, amount band, other needs, the customer: what the lobby manager taps."""

    first_need = RadioField(
        _l("First need"), validators=[DataRequired(_l("Tap the customer's first need."))]
    )
    amount_band = RadioField(_l("Amount"), validators=[Optional()], validate_choice=True)
    amount_yuan = IntegerField(
        _l("Exact amount (yuan)"),
        validators=[Optional(), NumberRange(min=1, max=10**10, message=_l("Enter an amount above zero."))],
        render_kw={"inputmode": "numeric"},
    )  # fmt: skip
    flow_yuan = IntegerField(
        _l("Six-month account flow (yuan)"),
        validators=[Optional(), NumberRange(min=0, max=10**11, message=_l("Enter zero or more."))],
        render_kw={"inputmode": "numeric"},
    )  # fmt: skip
    other_needs = ChipChoices(_l("Other needs discovered"), validators=[Optional()])
    clear_intent = BooleanField(_l("Said yes to a one-line pitch"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    desk = HiddenField(default="lobby")
    # Set by the second submit button beside the "already checked in today" warning.
    repeat_ok = BooleanField(_l("Check in again anyway"))

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.first_need.choices = need_choices()
        self.other_needs.choices = need_choices()
        self.amount_band.choices = [(b.value, b.label) for b in bands]
