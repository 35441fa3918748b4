"""Staff accounts for managers and administrators: one-time passwords, the second-factor
requirement and the sign-in failures."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.auth import bp, services, throttle
from webapp.auth.access import get_or_404, roles, scoped, visible_branch_ids
from webapp.auth.forms import RequirementForm
from webapp.auth.models import Branch, Role, Staff
from webapp.extensions import db
from webapp.inputs import CsrfForm
from webapp.timeutil import now_naive

FAILURE_DAYS = 7


def _me():
    return current_user._get_current_object()


@bp.route("/staff")
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def staff():
    """The staff of one's branch (an administrator: region), with their sign-in state."""
    me = _me()
    people = db.session.execute(
        scoped(Staff, me)
        .add_columns(Branch.name)
        .join(Branch, Branch.id == Staff.branch_id)
        .order_by(Branch.name, Staff.active.desc(), Staff.name_key, Staff.id)
    ).all()
    return render_template(
        "auth/staff.html",
        people=[(person, branch, services.may_reset(me, person)) for person, branch in people],
        form=CsrfForm(),
        requirement=RequirementForm(required=me.branch.require_second_factor),
    )


@bp.route("/staff/<int:staff_id>/one-time-password", methods=["POST"])
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def one_time_password(staff_id: int):
    """Issue a one-time password (shown this once) that its holder changes at sign-in."""
    person = get_or_404(Staff, staff_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if not services.may_reset(_me(), person):
        abort(403)
    password = services.issue_one_time_password(_me(), person)
    return render_template("auth/one_time_password.html", person=person, password=password)


@bp.route("/staff/second-factor", methods=["POST"])
@roles(Role.ADMIN)
def require_second_factor():
    """Switch the second factor requirement for the region's managers and administrators."""
    me, form = _me(), RequirementForm()
    if not form.validate_on_submit():
        abort(400)
    if form.required.data and not me.has_second_factor:
        flash(_("Set up your own second factor first (Me → Second factor)."), "error")
        return redirect(url_for("auth.staff"))
    signed_out = services.require_second_factor(me, bool(form.required.data))
    if form.required.data:
        flash(
            ngettext(
                "A second factor is now required. %(num)d person without one was signed out.",
                "A second factor is now required. %(num)d people without one were signed out.",
                signed_out,
            ),
            "info",
        )
    else:
        flash(_("A second factor is no longer required."), "info")
    return redirect(url_for("auth.staff"))


@bp.route("/staff/sign-in-failures")
@roles(Role.ADMIN)
def sign_in_failures():
    """Failed sign-ins of the last days: the region's staff and usernames nobody has."""
    since = now_naive() - timedelta(days=FAILURE_DAYS)
    rows = throttle.recent_failures(visible_branch_ids(_me()), since)
    by_address: dict[str, int] = {}
    for failure, _person, _branch in rows:
        by_address[failure.address] = by_address.get(failure.address, 0) + 1
    return render_template(
        "auth/sign_in_failures.html",
        rows=rows,
        days=FAILURE_DAYS,
        addresses=sorted(by_address.items(), key=lambda item: -item[1]),
    )
