"""The upload form and the confirm/cancel/undo buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice
from wtforms.validators import ValidationError

from webapp.imports.columns import KIND_CHOICES

ACCEPTED = (".xlsx", ".csv", ".txt")


def check_file(form, field) -> None:
    """An .xlsx or CSV file that is not empty."""
    upload = field.data
    name = (getattr(upload, "filename", "") or "").lower()
    if not name.endswith(ACCEPTED):
        raise ValidationError(_l("Upload an .xlsx workbook or a CSV file."))


class UploadForm(FlaskForm):
    """Which kind of rows, the file, and whether existing customers may be updated."""

    kind = RadioField(
        _l("What the file holds"),
        choices=[SelectChoice(k, label) for k, label in KIND_CHOICES],
        default="individual",
    )
    file = FileField(
        _l("File (.xlsx, or CSV saved by Excel or WPS)"),
        validators=[FileRequired(_l("Choose a file.")), check_file],
    )
    update_existing = BooleanField(
        _l("Update customers the branch already has (you see every change before it is made)")
    )


class ActionForm(FlaskForm):
    """A button that changes an import (CSRF only)."""
