"""Sign-in and preference forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.inputs import as_id


class LoginForm(FlaskForm):
    """Username and password, with "keep me signed in" for a personal phone."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), Length(max=60)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class LanguageForm(FlaskForm):
    """Choose the interface language."""

    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("zh_CN", "简体中文"), SelectChoice("en", "English")],
        validate_choice=True,
    )


class ChangePasswordForm(FlaskForm):
    """Change one's own password: the current one, then the new one twice."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("new", _l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "inputmode": "text"},
    )


class RequirementForm(FlaskForm):
    """The administrator's switch: managers and administrators need a second factor."""

    required = BooleanField(_l("Managers and administrators must use a second factor"))


def _id(value):
    """A choice's id as a scoped form sends it (None when it is not one)."""
    return value if isinstance(value, int) else as_id(value)


class UnitForm(FlaskForm):
    """An administrator opens a region or a branch: where, its name and (optionally) its code."""

    kind = SelectField(_l("Kind"), validate_choice=True)
    parent_id = SelectField(_l("Under"), coerce=_id, validate_choice=True)
    name = StringField(
        _l("Unit name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    code = StringField(
        _l("Code"),
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters, digits and hyphens only.")),
        ],
    )


class RenameForm(FlaskForm):
    """A unit's new name."""

    name = StringField(
        _l("New name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )


class StaffForm(FlaskForm):
    """A new member of staff: username, name, role and unit (title and mobile optional)."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=60),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, _ . - only.")),
        ],
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=60)])
    role = SelectField(_l("Role"), validate_choice=True)
    branch_id = SelectField(_l("Branch"), coerce=_id, validate_choice=True)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=60)])
    mobile = StringField(
        _l("Mobile"),
        validators=[
            Optional(),
            Regexp(r"^1\d{10}$", message=_l("A mobile number has 11 digits and starts with 1.")),
        ],
        render_kw={"inputmode": "tel"},
    )


class RoleForm(FlaskForm):
    """Another role for a person."""

    role = SelectField(_l("Role"), validate_choice=True)


class ReceiversField(SelectMultipleField):
    """Colleagues to take over a book, as tappable checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DeactivateForm(FlaskForm):
    """Who takes over the leaver's book: one colleague takes all, several share it."""

    receiver_ids = ReceiversField(_l("Hand the book over to"), coerce=_id, validate_choice=True)


class MoveForm(FlaskForm):
    """Move a person to another unit; their book stays in the branch with the receivers. Its
    fields are prefixed: the page also holds the leaving form's receivers."""

    PREFIX = "move"

    branch_id = SelectField(_l("Move to unit"), coerce=_id, validate_choice=True)
    receiver_ids = ReceiversField(_l("Hand the book over to"), coerce=_id, validate_choice=True)
