"""Sign-in and preference forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


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
