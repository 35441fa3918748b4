"""The bank's structure for administrators: regions and branches opened, renamed and closed."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webapp.admin import bp, organisation
from webapp.auth.access import roles, visible_branch_ids
from webapp.auth.forms import RenameForm, UnitForm
from webapp.auth.models import Branch, Role, Staff, UnitKind
from webapp.extensions import db
from webapp.inputs import CsrfForm


def _me():
    return current_user._get_current_object()


def _unit_form(me) -> UnitForm:
    """The new-unit form with the kinds and places this administrator may open."""
    form = UnitForm()
    kinds = [k for k in (UnitKind.REGION, UnitKind.BRANCH) if organisation.parents_for_new(me, k)]
    form.kind.choices = [(k.value, k.label) for k in kinds]
    parents = {p.id: p for k in kinds for p in organisation.parents_for_new(me, k)}
    form.parent_id.choices = [(p.id, f"{p.kind.label} · {p.name}") for p in parents.values()]
    return form


def _tree(me) -> list[tuple[Branch, int, int]]:
    """The units in scope, each under its parent (depth), with its active staff count."""
    units = db.session.scalars(
        select(Branch).where(Branch.id.in_(visible_branch_ids(me))).order_by(Branch.code)
    ).all()
    staff = dict(
        db.session.execute(
            select(Staff.branch_id, func.count(Staff.id))
            .where(Staff.active.is_(True), Staff.branch_id.in_([u.id for u in units]))
            .group_by(Staff.branch_id)
        ).all()
    )
    children: dict[int | None, list[Branch]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[tuple[Branch, int, int]] = []

    def walk(unit: Branch, depth: int) -> None:
        """Add a unit, then the units below it."""
        rows.append((unit, depth, staff.get(unit.id, 0)))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    walk(me.branch, 0)
    return rows


def _page(form=None, rename=None, renaming: int | None = None, status: int = 200):
    """The organisation page, with a form's errors when one was refused (`renaming`: the unit
    whose rename was refused, its form open with the typed name)."""
    me = _me()
    page = render_template(
        "admin/organisation.html",
        tree=_tree(me),
        form=form or _unit_form(me),
        rename=rename or RenameForm(),
        confirm=CsrfForm(),
        managed=set(organisation.managed_units(me)),
        renaming=renaming,
    )
    return page, status


@bp.route("/organisation")
@roles(Role.ADMIN)
def organisation_page():
    """The head office, regions and branches in the administrator's scope."""
    return _page()


def _managed_unit_or_404(unit_id: int) -> Branch:
    """A unit the administrator manages (404 when outside their scope)."""
    if unit_id not in organisation.managed_units(_me()):
        abort(404)
    return db.session.get(Branch, unit_id)


@bp.route("/organisation/units", methods=["POST"])
@roles(Role.ADMIN)
def new_unit():
    """Open a region or a branch."""
    me = _me()
    form = _unit_form(me)
    if form.validate_on_submit():
        parent = db.session.get(Branch, form.parent_id.data)
        try:
            unit = organisation.create_unit(
                me, UnitKind(form.kind.data), form.name.data, parent, form.code.data or ""
            )
        except organisation.OrganisationError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(_("%(name)s is open.", name=unit.name), "info")
            return redirect(url_for("admin.organisation_page"))
    return _page(form=form, status=422)


@bp.route("/organisation/units/<int:unit_id>/rename", methods=["POST"])
@roles(Role.ADMIN)
def rename_unit(unit_id: int):
    """Give a unit a new name."""
    unit = _managed_unit_or_404(unit_id)
    form = RenameForm()
    if form.validate_on_submit():
        organisation.rename_unit(_me(), unit, form.name.data)
        flash(_("Renamed to %(name)s.", name=unit.name), "info")
        return redirect(url_for("admin.organisation_page"))
    return _page(rename=form, renaming=unit.id, status=422)


@bp.route("/organisation/units/<int:unit_id>/close", methods=["POST"])
@roles(Role.ADMIN)
def close_unit(unit_id: int):
    """Close a unit nobody works in any more."""
    unit = _managed_unit_or_404(unit_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        organisation.close_unit(_me(), unit)
    except organisation.OrganisationError as error:
        flash(str(error.message), "error")
    else:
        flash(_("%(name)s is closed.", name=unit.name), "info")
    return redirect(url_for("admin.organisation_page"))
