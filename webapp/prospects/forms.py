"""Adding a prospect, setting its follow-up, closing it as won or lost."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webapp.inputs import DateField, DecimalField
from webapp.sales.models import CATEGORY_LABELS
from webapp.sync.protocol import device_id


def yuan_to_fen(value: Decimal | None) -> int:
    """Yuan typed by the user as whole fen."""
    return int((value or Decimal(0)) * 100)


class ProspectForm(FlaskForm):
    """A customer, a product interest, why they are worth following, and when to follow up."""

    # Offline-capable: the page makes the id (an older page sent none, and still may).
    client_id = HiddenField(validators=[Optional(), device_id])
    customer_id = SelectField(_l("Customer"), coerce=int, validate_choice=True)
    category = SelectField(
        _l("Product interest"),
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()],
    )
    product_name = StringField(_l("Product"), validators=[Length(max=120)])
    expected_amount = DecimalField(
        _l("Expected amount (yuan)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=10**11, message=_l("Enter an amount of 0 or more.")),
        ],
        render_kw={"inputmode": "decimal"},
    )
    next_follow_up = DateField(_l("Next follow-up"), validators=[Optional()])
    potential = StringField(
        _l("Why this prospect is worth following"),
        validators=[DataRequired(_l("Say why this customer is on the list.")), Length(max=200)],
    )


class FollowUpForm(FlaskForm):
    """The next follow-up date."""

    next_follow_up = DateField(_l("Next follow-up"), validators=[Optional()])


class LostForm(FlaskForm):
    """Why the sale was lost."""

    reason = StringField(
        _l("Why was it lost?"),
        validators=[
            DataRequired(_l("Give the reason: it teaches the next sale.")),
            Length(max=200),
        ],
    )


class WonForm(FlaskForm):
    """The product and amount actually sold (defaults: the prospect's)."""

    product_name = StringField(_l("Product"), validators=[Length(max=120)])
    amount = DecimalField(
        _l("Amount sold (yuan)"),
        places=2,
        validators=[
            DataRequired(_l("Enter the amount sold.")),
            NumberRange(min=0.01, max=10**11, message=_l("Enter an amount above 0.")),
        ],
        render_kw={"inputmode": "decimal"},
    )
