"""The administrator's product and portfolio forms; images are checked for type and size."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from webapp.inputs import DateField
from webapp.kits.models import RISK_LABELS
from webapp.sales.models import CATEGORY_LABELS, ProductCategory

MAX_IMAGE_BYTES = 200 * 1024
# Magic numbers of the image types a phone shows everywhere (SVG is refused: it can carry script).
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def sniff_image(data: bytes) -> str | None:
    """The image type from the file's first bytes (PNG, JPEG or WebP), or None."""
    for signature, mime in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image(form, field) -> None:
    """At most 200 KB, and really a PNG, JPEG or WebP image."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        field.data = None
        return
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_l("The image is over 200 KB; make it smaller."))
    mime = sniff_image(data)
    if mime is None:
        raise ValidationError(_l("Use a PNG, JPEG or WebP image."))
    field.data = (data, mime)


class ProductForm(FlaskForm):
    """One product of the sales kit."""

    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()],
    )
    name = StringField(
        _l("Product name"),
        validators=[DataRequired(_l("Enter the product's name.")), Length(max=120)],
    )
    point_1 = StringField(
        _l("Selling point 1"),
        validators=[DataRequired(_l("Give at least one selling point.")), Length(max=120)],
    )
    point_2 = StringField(_l("Selling point 2"), validators=[Length(max=120)])
    point_3 = StringField(_l("Selling point 3"), validators=[Length(max=120)])
    suits = StringField(_l("Who it suits"), validators=[Length(max=200)])
    # Only investment products (wealth management, funds, insurance) carry an R1-R5 grade; the
    # form shows one select for every kind (no script), the check below ties it to the kind.
    risk_level = SelectField(
        _l("Risk level (wealth management, funds and insurance only)"),
        choices=[SelectChoice("", _l("None: not an investment product"))]
        + [SelectChoice(r.value, label) for r, label in RISK_LABELS.items()],
    )
    key_terms = TextAreaField(_l("Key terms"), validators=[Length(max=4000)])
    image = FileField(_l("Image (PNG, JPEG or WebP, at most 200 KB)"), validators=[check_image])
    featured = BooleanField(_l("Featured"))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])

    def validate_risk_level(self, field) -> None:
        """An investment product has a risk level; a deposit, loan, card or account has none."""
        try:
            rated = ProductCategory(self.category.data).risk_rated
        except ValueError:
            return  # the category's own check reports it
        if rated and not field.data:
            raise ValidationError(_l("Choose the product's risk level."))
        if not rated and field.data:
            raise ValidationError(
                _l("Deposits, loans, cards and accounts carry no risk level: choose None.")
            )

    def validate_valid_to(self, field) -> None:
        """The end is not before the start."""
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class PortfolioForm(FlaskForm):
    """A named combination of products for a segment, with its pitch."""

    name = StringField(
        _l("Portfolio name"),
        validators=[DataRequired(_l("Enter the portfolio's name.")), Length(max=120)],
    )
    segment = StringField(
        _l("Customer segment"),
        validators=[DataRequired(_l("Say which customers it is for.")), Length(max=120)],
    )
    pitch = TextAreaField(_l("One-screen pitch"), validators=[Length(max=1000)])
    products = SelectMultipleField(
        _l("Products"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one product."))],
    )
