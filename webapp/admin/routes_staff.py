"""Staff accounts for managers and administrators: taking people on, their role, unit and
leaving (with the hand-over of their book), one-time passwords, the second-factor requirement
and the sign-in failures."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from webapp.admin import bp, handover, organisation
from webapp.auth import services, throttle
from webapp.auth.access import get_or_404, roles, scoped, visible_branch_ids
from webapp.auth.forms import (
    DeactivateForm,
    MoveForm,
    RequirementForm,
    RoleForm,
    StaffForm,
)
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
    scope = visible_branch_ids(me)
    people = db.session.execute(
        scoped(Staff, me)
        .add_columns(Branch.name)
        .join(Branch, Branch.id == Staff.branch_id)
        .order_by(Branch.name, Staff.active.desc(), Staff.name_key, Staff.id)
    ).all()
    return render_template(
        "admin/staff.html",
        people=[
            (
                person,
                branch,
                services.may_reset(me, person),
                organisation.may_manage_staff(me, person, scope),
            )
            for person, branch in people
        ],
        form=CsrfForm(),
        hand_overs=handover.recent_in(scope, limit=10),
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
    return render_template("admin/one_time_password.html", person=person, password=password)


@bp.route("/staff/second-factor", methods=["POST"])
@roles(Role.ADMIN)
def require_second_factor():
    """Switch the second factor requirement for the region's managers and administrators."""
    me, form = _me(), RequirementForm()
    if not form.validate_on_submit():
        abort(400)
    if form.required.data and not me.has_second_factor:
        flash(_("Set up your own second factor first (Me → Second factor)."), "error")
        return redirect(url_for("admin.staff"))
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
    return redirect(url_for("admin.staff"))


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
        "admin/sign_in_failures.html",
        rows=rows,
        days=FAILURE_DAYS,
        addresses=sorted(by_address.items(), key=lambda item: -item[1]),
    )


# --- taking people on, changing their role or unit, and their leaving -----------------------


def _staff_form(me) -> StaffForm:
    """The new-person form with the roles and units this actor may give."""
    form = StaffForm()
    form.role.choices = [(r.value, r.label) for r in organisation.assignable_roles(me)]
    form.branch_id.choices = [(u.id, u.name) for u in organisation.placeable_units(me)]
    return form


def _receiver_choices(person: Staff) -> list[tuple[int, str]]:
    """The colleagues who can take over the person's book: active, same branch."""
    people = db.session.scalars(
        select(Staff)
        .where(Staff.branch_id == person.branch_id, Staff.active.is_(True), Staff.id != person.id)
        .order_by(Staff.name)
    ).all()
    return [(p.id, f"{p.name} · {p.role_label}") for p in people]


def _receivers(form) -> list[Staff]:
    """The chosen receivers, loaded through the scope."""
    return [get_or_404(Staff, ident) for ident in form.receiver_ids.data or []]


@bp.route("/staff/new", methods=["GET", "POST"])
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def new_staff():
    """Take someone on: username, name, role and unit; they get a one-time password."""
    me = _me()
    form = _staff_form(me)
    if form.validate_on_submit():
        unit = _unit_or_404(form.branch_id.data)
        try:
            person, password = organisation.create_staff(
                me,
                form.username.data,
                form.name.data,
                Role(form.role.data),
                unit,
                title=form.title.data or "",
                mobile=form.mobile.data or "",
            )
        except organisation.OrganisationError as error:
            getattr(form, error.field or "username").errors.append(error.message)
        else:
            return render_template("admin/one_time_password.html", person=person, password=password)
    return render_template("admin/staff_new.html", form=form), 200 if not form.errors else 422


def _person_page(person: Staff, status: int = 200, **forms):
    """A person's page: role, unit and leaving, each with its own form."""
    me = _me()
    role_form = forms.get("role_form") or RoleForm(role=person.role.value)
    role_form.role.choices = [(r.value, r.label) for r in organisation.assignable_roles(me)]
    move_form = forms.get("move_form") or MoveForm(prefix=MoveForm.PREFIX)
    move_form.branch_id.choices = [
        (u.id, u.name)
        for u in organisation.placeable_units(me, person.role)
        if u.id != person.branch_id
    ]
    deactivate_form = forms.get("deactivate_form") or DeactivateForm()
    for form in (move_form, deactivate_form):
        form.receiver_ids.choices = _receiver_choices(person)
    book = handover.book_of(person)
    page = render_template(
        "admin/person.html",
        person=person,
        book=book,
        role_form=role_form,
        move_form=move_form if me.role == Role.ADMIN else None,
        deactivate_form=deactivate_form,
        history=handover.given_by(person),
    )
    return page, status


def _managed_or_404(staff_id: int) -> Staff:
    """A person the signed-in manager or administrator may manage (404 / 403 otherwise)."""
    person = get_or_404(Staff, staff_id)
    if not organisation.may_manage_staff(_me(), person):
        abort(403)
    return person


@bp.route("/staff/<int:staff_id>")
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def person(staff_id: int):
    """One person: change their role, move them (administrators), or deactivate them."""
    return _person_page(_managed_or_404(staff_id))


@bp.route("/staff/<int:staff_id>/role", methods=["POST"])
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def change_role(staff_id: int):
    """Give the person another role (they sign in again)."""
    person = _managed_or_404(staff_id)
    form = RoleForm()
    form.role.choices = [(r.value, r.label) for r in organisation.assignable_roles(_me())]
    if form.validate_on_submit():
        try:
            organisation.change_role(_me(), person, Role(form.role.data))
        except organisation.OrganisationError as error:
            form.role.errors.append(error.message)
        else:
            flash(_("%(name)s is now %(role)s.", name=person.name, role=person.role_label), "info")
            return redirect(url_for("admin.person", staff_id=person.id))
    return _person_page(person, 422, role_form=form)


@bp.route("/staff/<int:staff_id>/move", methods=["POST"])
@roles(Role.ADMIN)
def move(staff_id: int):
    """Move the person to another unit; their book stays with the chosen colleagues."""
    person = _managed_or_404(staff_id)
    form = MoveForm(prefix=MoveForm.PREFIX)
    form.branch_id.choices = [
        (u.id, u.name) for u in organisation.placeable_units(_me(), person.role)
    ]
    form.receiver_ids.choices = _receiver_choices(person)
    if form.validate_on_submit():
        try:
            organisation.move_staff(
                _me(), person, _unit_or_404(form.branch_id.data), _receivers(form)
            )
        except (organisation.OrganisationError, handover.HandOverError) as error:
            field = getattr(error, "field", None) or "receiver_ids"
            getattr(form, field).errors.append(getattr(error, "message", None) or error.args[0])
        else:
            flash(_("%(name)s now works at %(unit)s.", name=person.name, unit=person.branch.name))
            return redirect(url_for("admin.staff"))
    return _person_page(person, 422, move_form=form)


@bp.route("/staff/<int:staff_id>/deactivate", methods=["POST"])
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def deactivate(staff_id: int):
    """The person leaves: their book goes to the chosen colleagues, their sessions end."""
    person = _managed_or_404(staff_id)
    form = DeactivateForm()
    form.receiver_ids.choices = _receiver_choices(person)
    if form.validate_on_submit():
        try:
            rows = organisation.deactivate_staff(_me(), person, _receivers(form))
        except (organisation.OrganisationError, handover.HandOverError) as error:
            form.receiver_ids.errors.append(getattr(error, "message", None) or error.args[0])
        else:
            flash(
                ngettext(
                    "%(name)s is deactivated; the book went to %(num)d colleague.",
                    "%(name)s is deactivated; the book went to %(num)d colleagues.",
                    len(rows),
                    name=person.name,
                ),
                "info",
            )
            return redirect(url_for("admin.staff"))
    return _person_page(person, 422, deactivate_form=form)


def _unit_or_404(unit_id) -> Branch:
    """A unit in the signed-in person's scope, by id (404 otherwise)."""
    if unit_id not in visible_branch_ids(_me()):
        abort(404)
    return db.session.get(Branch, unit_id)
