"""The person's own security: their password and their second factor (from 我的 Me)."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import bp, passwords, second_factor, services, throttle
from webapp.auth.access import signed_in
from webapp.auth.forms import ChangePasswordForm, CodeForm
from webapp.auth.routes import throttled_message
from webapp.extensions import remote_address as _remote

# The secret being set up, kept in the (signed) session until a code proves the app holds it.
PENDING_SETUP = "_totp_setup"


def _me():
    return current_user._get_current_object()


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change one's own password (a one-time password first of all); other devices sign out."""
    user = _me()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        wait = throttle.retry_after(user.username, _remote())
        if wait:
            form.current.errors.append(throttled_message(wait))
            status = 429
        elif not user.check_password(form.current.data):
            services.record_failure(user.username, _remote())
            form.current.errors.append(_("This is not your current password."))
        elif user.check_password(form.new.data):
            form.new.errors.append(_("Choose a password different from the current one."))
        elif problems := passwords.problems(form.new.data, user):
            form.new.errors.extend(problems)
        else:
            services.change_password(user, form.new.data)
            flash(_("Your password is changed. Your other devices are signed out."), "info")
            return redirect(url_for(services.home_endpoint(user)))
    return render_template("auth/change_password.html", form=form), status


@bp.route("/account/second-factor", methods=["GET", "POST"])
@signed_in
def second_factor_setup():
    """Set up the second factor: scan or type the key, then prove it with a code."""
    user = _me()
    if user.has_second_factor:
        return _second_factor_page(user)
    secret = session.get(PENDING_SETUP) or second_factor.new_secret()
    session[PENDING_SETUP] = secret
    form = CodeForm()
    if form.validate_on_submit():
        step = second_factor.code_step(secret, "".join(form.code.data.split()))
        if step is None:
            form.code.errors.append(_("This code is wrong. Check the key and the phone's clock."))
        else:
            session.pop(PENDING_SETUP, None)
            codes = services.enable_second_factor(user, secret, step)
            return render_template("auth/recovery_codes.html", codes=codes, new=True)
    return render_template(
        "auth/second_factor_setup.html",
        form=form,
        key=second_factor.grouped(secret),
        uri=second_factor.setup_uri(secret, user),
        required=second_factor.required_for(user),
    )


def _second_factor_page(user, form=None, status: int = 200):
    """The second factor's state, with new recovery codes and turning it off."""
    page = render_template(
        "auth/second_factor_state.html",
        form=form or CodeForm(),
        left=second_factor.unused_recovery_codes(user),
        required=second_factor.required_for(user),
    )
    return page, status


def _checked_code(user, form):
    """Whether the form carries a right code (a wrong one counts towards the throttle)."""
    if not form.validate_on_submit():
        return False
    wait = throttle.retry_after(user.username, _remote())
    if wait:
        form.code.errors.append(throttled_message(wait))
        return False
    if services.check_code(user, form.code.data):
        return True
    services.record_failure(user.username, _remote(), second_factor=True)
    form.code.errors.append(_("This code is wrong or was used already."))
    return False


@bp.route("/account/second-factor/recovery-codes", methods=["POST"])
@signed_in
def recovery_codes():
    """New recovery codes (the old ones stop working), given a code from the app."""
    user, form = _me(), CodeForm()
    if not user.has_second_factor:
        return redirect(url_for("auth.second_factor_setup"))
    if not _checked_code(user, form):
        return _second_factor_page(user, form)
    codes = services.new_recovery_codes(user)
    return render_template("auth/recovery_codes.html", codes=codes, new=False)


@bp.route("/account/second-factor/off", methods=["POST"])
@signed_in
def second_factor_off():
    """Turn the second factor off, given a code, unless the administrator requires it."""
    user, form = _me(), CodeForm()
    if not user.has_second_factor:
        return redirect(url_for("auth.second_factor_setup"))
    if second_factor.required_for(user):
        flash(_("Your administrator requires a second factor for your role."), "error")
        return redirect(url_for("auth.second_factor_setup"))
    if not _checked_code(user, form):
        return _second_factor_page(user, form)
    services.disable_second_factor(user)
    flash(_("The second factor is off."), "info")
    return redirect(url_for("home.me"))
