"""Referral forms: refer, external referral, outcomes, manager's allocation, criteria, phases."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.customers.forms import CustomerPickMixin
from webapp.inputs import DateField, DateTimeLocalField, DecimalField
from webapp.lobby.forms import need_choices
from webapp.sales.models import ProductCategory
from webapp.sync.protocol import device_id


class ReferForm(CustomerPickMixin, FlaskForm):
    """Refer a customer to a colleague (from the lobby board, the counter or anywhere)."""

    # Offline-capable: the page makes the id on sending (an older page sent none, and still may).
    client_id = HiddenField(validators=[Optional(), device_id])
    # Where a new customer was met: market running (a field visit's link), else the lobby.
    via = HiddenField()
    need = SelectField(_l("Need"), validators=[DataRequired()])
    receiver_id = RadioField(
        _l("Refer to"), coerce=int, validators=[InputRequired(_l("Choose who receives the referral."))]
    )  # fmt: skip
    hot = BooleanField(_l("The customer already said yes: refer at once (hot)"))
    allow_busy = BooleanField(_l("Refer anyway: they take the customer next"))
    callback_contact = StringField(
        _l("Contact for the callback"), validators=[Optional(), Length(max=60)]
    )
    callback_at = DateTimeLocalField(
        _l("Preferred time"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    check_in_id = HiddenField()

    def __init__(self, *args, receivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.need.choices = need_choices()
        self.receiver_id.choices = [(s.id, s.name) for s, _ in receivers]


class ExternalReferralForm(FlaskForm):
    """A customer or centre of influence (圈内中心人物) introduces a new prospect."""

    introducer = StringField(
        _l("Introduced by"),
        validators=[DataRequired(_l("Enter who introduced the prospect.")), Length(max=120)],
    )
    name = StringField(
        _l("Prospect's name"), validators=[DataRequired(_l("Enter the name.")), Length(max=120)]
    )
    mobile = StringField(_l("Mobile"), render_kw={"inputmode": "tel"})
    need = SelectField(_l("Need"), validators=[DataRequired()])
    receiver_id = RadioField(
        _l("Refer to"), coerce=int, validators=[InputRequired(_l("Choose who receives the referral."))]
    )  # fmt: skip
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, receivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.need.choices = need_choices()
        self.receiver_id.choices = [(s.id, s.name) for s, _ in receivers]


class WinForm(FlaskForm):
    """What was sold: category, product, amount in yuan."""

    category = SelectField(_l("Product category"), validators=[DataRequired()])
    product = StringField(
        _l("Product"), validators=[DataRequired(_l("Enter the product sold.")), Length(max=120)]
    )
    amount = DecimalField(
        _l("Amount (yuan)"),
        places=2,
        validators=[
            InputRequired(_l("Enter the amount.")),
            NumberRange(min=0.01, max=10**10, message=_l("Enter an amount above zero.")),
        ],
        render_kw={"inputmode": "decimal"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(c.value, c.label) for c in ProductCategory]


class ReasonForm(FlaskForm):
    """A reason: declining, losing, disputing."""

    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=200)]
    )


class ReassignForm(FlaskForm):
    """The branch manager picks another receiver."""

    receiver_id = SelectField(_l("New receiver"), coerce=int, validators=[DataRequired()])


class CriteriaForm(FlaskForm):
    """The branch's referral criteria (转介标准), set by the branch manager."""

    large_transaction_on = BooleanField(_l("Single deposit, withdrawal, transfer or remittance"))
    large_transaction_yuan = IntegerField(
        _l("at or above (yuan)"),
        validators=[InputRequired(_l("Enter the amount.")), NumberRange(min=1, max=10**10, message=_l("Enter an amount above zero."))],
    )  # fmt: skip
    featured_interest_on = BooleanField(_l("Interest in a featured product"))
    account_flow_on = BooleanField(_l("Six-month account flow"))
    account_flow_yuan = IntegerField(
        _l("at or above (yuan)"),
        validators=[InputRequired(_l("Enter the amount.")), NumberRange(min=1, max=10**11, message=_l("Enter an amount above zero."))],
    )  # fmt: skip
    simple_products = StringField(
        _l("Simple products: not grounds for a referral"), validators=[Length(max=200)]
    )
    accept_minutes = IntegerField(
        _l("Minutes to accept before it is overdue"),
        validators=[InputRequired(_l("Enter the minutes.")), NumberRange(min=1, max=240, message=_l("Enter between 1 and 240 minutes."))],
    )  # fmt: skip
    wait_minutes = IntegerField(
        _l("Minutes a walk-in may wait before the lobby manager is told"),
        validators=[InputRequired(_l("Enter the minutes.")), NumberRange(min=1, max=240, message=_l("Enter between 1 and 240 minutes."))],
    )  # fmt: skip


class PhaseForm(FlaskForm):
    """A new phase of the split policy."""

    name = StringField(
        _l("Phase name"), validators=[DataRequired(_l("Enter a name.")), Length(max=60)]
    )
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Ends on (empty: open-ended)"), validators=[Optional()])
    referrer_share = DecimalField(
        _l("Referrer's share (%)"),
        places=2,
        validators=[
            InputRequired(_l("Enter the share.")),
            NumberRange(min=0, max=100, message=_l("Enter a share from 0 to 100.")),
        ],
    )  # fmt: skip


def attach_error(form, exc) -> None:
    """Put a refused change's message beside its field (or at the top of the form)."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, str(exc.message)]
    else:
        flash(str(exc.message), "error")
