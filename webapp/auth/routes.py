"""Sign-in (password, then the second factor), sign-out and language views."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from webapp import errors
from webapp.auth import bp, services, throttle
from webapp.auth.access import public, signed_in
from webapp.auth.forms import CodeForm, LanguageForm, LoginForm
from webapp.extensions import remote_address as _remote


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _after_sign_in(user, next_url: str | None) -> str:
    """Where a person goes once signed in: a one-time password is changed first."""
    if user.password_must_change:
        return url_for("auth.change_password")
    return _safe_next(next_url) or url_for(services.home_endpoint(user))


def throttled_message(minutes: int) -> str:
    """What a throttled sign-in is told, beside the field."""
    return ngettext(
        "Too many failed sign-ins for this username. Try again in %(num)d minute.",
        "Too many failed sign-ins for this username. Try again in %(num)d minutes.",
        minutes,
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form and sign the member of staff in (throttled per username)."""
    if current_user.is_authenticated:
        return redirect(url_for(services.home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        wait = throttle.retry_after(form.username.data, _remote())
        user = None if wait else services.authenticate(form.username.data, form.password.data)
        if wait:
            form.password.errors.append(throttled_message(wait))
            status = 429
        elif user is None:
            services.record_failure(form.username.data, _remote())
            form.password.errors.append(_("Wrong username or password."))
        elif user.has_second_factor:
            services.begin_second_factor(user, form.remember.data, _safe_next(form.next.data))
            return redirect(url_for("auth.second_factor"))
        else:
            services.sign_in(user, remember=form.remember.data)
            return redirect(_after_sign_in(user, form.next.data))
    page = render_template("auth/login.html", form=form, language_form=LanguageForm())
    return page, status


@bp.errorhandler(CSRFError)
def expired_form(error):
    """A sign-in page left open past its token's life (a shared tablet's, over lunch) comes back
    with the username kept and the password asked again beside it; other forms of this
    blueprint get the site's expired-form page."""
    if request.endpoint != "auth.login":
        return errors.csrf_error(error)
    form = LoginForm()
    form.password.errors = [
        _("The sign-in page was open too long and its form expired: enter your password again.")
    ]
    return render_template("auth/login.html", form=form, language_form=LanguageForm()), 400


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    pending = services.pending_second_factor()
    if pending is None:
        flash(_("Sign in again: the wait for the code ran out."), "info")
        return redirect(url_for("auth.login"))
    user, info = pending
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        wait = throttle.retry_after(user.username, _remote())
        if wait:
            form.code.errors.append(throttled_message(wait))
            status = 429
        elif services.confirm_second_factor_sign_in(user, form.code.data, info):
            return redirect(_after_sign_in(user, info.get("next")))
        else:
            services.record_failure(user.username, _remote(), second_factor=True)
            form.code.errors.append(_("This code is wrong or was used already."))
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out on this device: its session (and any copy of its cookie) ends for good."""
    services.sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@signed_in
def logout_everywhere():
    """Sign out on every device: every session of this person ends, this one too."""
    services.sign_out_everywhere(current_user._get_current_object())
    services.forget_session()
    flash(_("You have signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the interface language, for the signed-in user or this browser."""
    form = LanguageForm()
    if form.validate_on_submit():
        user = current_user if current_user.is_authenticated else None
        services.set_locale(user, form.locale.data)
    back = _safe_next(request.form.get("back")) or url_for("home.index")
    return redirect(back)


from webapp.auth import routes_account  # noqa: E402, F401
