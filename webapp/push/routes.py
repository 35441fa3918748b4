"""Notification settings (devices, kinds, quiet hours, history) and the manager's broadcast."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.auth.access import roles, signed_in
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.push import bp, keys, queries, services
from webapp.push.forms import CHOOSABLE, BroadcastForm, PreferencesForm
from webapp.push.models import Kind, PushSubscription


def _visible_kinds() -> list[Kind]:
    """The kinds this person may choose (overdue referrals concern managers only, long waits
    the lobby managers)."""
    return [k for k in CHOOSABLE if ONLY_FOR.get(k, current_user.role) == current_user.role]


ONLY_FOR = {Kind.REFERRAL_OVERDUE: Role.BRANCH_MANAGER, Kind.LOBBY_LONG_WAIT: Role.LOBBY_MANAGER}


def _settings_page(form: PreferencesForm):
    return render_template(
        "push/settings.html",
        form=form,
        kinds=_visible_kinds(),
        devices=queries.my_devices(current_user),
        history=queries.my_history(current_user),
        public_key=keys.public_key(),
    )


@bp.route("/")
@signed_in
def settings():
    """Notifications for this person: this device, devices, kinds, quiet hours, history."""
    preference = services.preferences_for([current_user.id])[current_user.id]
    return _settings_page(PreferencesForm(obj=preference))


@bp.route("/preferences", methods=["POST"])
@signed_in
def save_preferences():
    """Save the kinds, lead time and quiet hours; errors are shown beside the fields."""
    form = PreferencesForm()
    if not form.validate():
        return _settings_page(form)
    values = form.values()
    for kind, role in ONLY_FOR.items():
        if current_user.role != role:
            values.pop(kind.value)
    services.save_preferences(current_user, values)
    flash(_("Notification settings saved."), "ok")
    return redirect(url_for("push.settings"))


@bp.route("/subscriptions", methods=["POST"])
@signed_in
def subscribe():
    """Store this browser's push subscription (JSON from pushManager.subscribe)."""
    try:
        services.subscribe(
            current_user, request.get_json(silent=True) or {}, request.headers.get("User-Agent", "")
        )
    except services.BadSubscription as error:
        return jsonify(error=str(error)), 400
    return render_template("push/_devices.html", devices=queries.my_devices(current_user)), 201


@bp.route("/subscriptions/<int:subscription_id>/delete", methods=["POST"])
@signed_in
def unsubscribe(subscription_id: int):
    """Remove one of the person's own devices (another person's is a 404)."""
    sub = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.staff_id == current_user.id
        )
    )
    if sub is None:
        abort(404)
    services.unsubscribe(sub)
    if is_fragment():
        return render_template("push/_devices.html", devices=queries.my_devices(current_user))
    flash(_("Device removed: it gets no more notifications."), "ok")
    return redirect(url_for("push.settings"))


@bp.route("/test", methods=["POST"])
@signed_in
def send_test():
    """Queue a test notification to all of the person's devices."""
    if not queries.my_devices(current_user):
        flash(_("Turn on notifications on a device first."), "error")
    else:
        services.send_test(current_user, "BranchKit", _("Notifications work on this device."))
        flash(_("A test notification is on its way."), "ok")
    return redirect(url_for("push.settings"))


@bp.route("/broadcast", methods=["GET", "POST"])
@roles(Role.BRANCH_MANAGER)
def broadcast():
    """The manager sends a short message to the whole branch ("huddle in 5 minutes")."""
    form = BroadcastForm()
    if form.validate_on_submit():
        made = services.broadcast(current_user, form.message.data)
        flash(_("Sent to %(count)d colleagues.", count=made), "ok")
        return redirect(url_for("push.broadcast"))
    return render_template(
        "push/broadcast.html",
        form=form,
        suggestions=[
            _("Morning huddle in 5 minutes."),
            _("Evening huddle in 5 minutes."),
            _("Busy lobby: please come to the floor."),
        ],
        sent=queries.recent_broadcasts(current_user),
    )
