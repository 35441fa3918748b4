"""Sign-in, sign-out and language views."""

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import bp, services
from webapp.auth.access import public, signed_in
from webapp.auth.forms import LanguageForm, LoginForm
from webapp.extensions import limiter
from webapp.extensions import remote_address as _remote


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _failure_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]


def _failed(response) -> bool:
    return g.get("login_failed", False)


# Only failures count: per username and address, and (looser) per address, since a whole
# branch signs in from behind one address.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_failure_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_address_limit, key_func=_remote, methods=["POST"], deduct_when=_failed)
@public
def login():
    """Show the sign-in form and sign the member of staff in."""
    if current_user.is_authenticated:
        return redirect(url_for(services.home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            g.login_failed = True
            form.password.errors.append(_("Wrong username or password."))
        else:
            services.sign_in(user, remember=form.remember.data)
            return redirect(_safe_next(form.next.data) or url_for(services.home_endpoint(user)))
    return render_template("auth/login.html", form=form, language_form=LanguageForm())


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out on this device."""
    services.sign_out()
    flash(_("You have signed out."), "info")
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
