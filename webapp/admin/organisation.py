"""The bank's structure and its people, as administrators and branch managers change them:
units (head office, regions, branches) created, renamed and closed; staff created, given a role,
moved and deactivated; the first start of an empty database (`flask setup`).

Who may do what: an administrator manages every unit below their own and every person in their
scope (a head-office administrator the whole bank, a region administrator their region); a branch
manager the staff of their branch below them, within the branch. Flushes only.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.admin import handover
from webapp.auth import services, sessions
from webapp.auth.access import visible_branch_ids
from webapp.auth.models import Branch, Role, Staff, UnitKind
from webapp.auth.passwords import one_time_password
from webapp.extensions import db
from webapp.referrals.criteria import create_criteria
from webapp.timeutil import local_today, now_naive

# Only an administrator places or changes these roles.
SENIOR_ROLES = frozenset({Role.BRANCH_MANAGER, Role.ADMIN})
CODE_PREFIX = {UnitKind.HEAD_OFFICE: "HQ", UnitKind.REGION: "R", UnitKind.BRANCH: "B"}


class OrganisationError(ValueError):
    """A change the rules refuse; the message (translated) says why, `field` where."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# --- who may do what ----------------------------------------------------------------------


def managed_units(actor: Staff) -> list[int]:
    """The units an administrator manages: every one below their own (none for others)."""
    if actor.role != Role.ADMIN:
        return []
    return [i for i in visible_branch_ids(actor) if i != actor.branch_id]


def may_manage_unit(actor: Staff, unit: Branch) -> bool:
    """Whether the actor may rename or close the unit."""
    return unit.id in managed_units(actor)


def parents_for_new(actor: Staff, kind: UnitKind) -> list[Branch]:
    """Where the actor may open a unit of this kind: a region under a head office in scope,
    a branch under an open region in scope."""
    if actor.role != Role.ADMIN:
        return []
    wanted = UnitKind.HEAD_OFFICE if kind == UnitKind.REGION else UnitKind.REGION
    return db.session.scalars(
        select(Branch)
        .where(
            Branch.id.in_(visible_branch_ids(actor)),
            Branch.kind == wanted,
            Branch.closed_at.is_(None),
        )
        .order_by(Branch.code)
    ).all()


def may_manage_staff(actor: Staff, person: Staff, scope: list[int] | None = None) -> bool:
    """An administrator anyone else in scope; a branch manager their branch's staff below them
    (`scope`: the actor's visible branches, when a list asks for many people)."""
    scope = visible_branch_ids(actor) if scope is None else scope
    if person.id == actor.id or person.branch_id not in scope:
        return False
    return actor.role == Role.ADMIN or (
        actor.role == Role.BRANCH_MANAGER and person.role not in SENIOR_ROLES
    )


def assignable_roles(actor: Staff) -> list[Role]:
    """The roles the actor may give: every role for an administrator, the branch's own staff
    roles for a branch manager."""
    if actor.role == Role.ADMIN:
        return list(Role)
    if actor.role == Role.BRANCH_MANAGER:
        return [r for r in Role if r not in SENIOR_ROLES]
    return []


def placeable_units(actor: Staff, role: Role | None = None) -> list[Branch]:
    """The open units the actor may place someone in (administrators at head office or regions,
    everyone else at branches); a branch manager only their own branch."""
    if actor.role == Role.BRANCH_MANAGER:
        return [actor.branch]
    if actor.role != Role.ADMIN:
        return []
    query = select(Branch).where(
        Branch.id.in_(visible_branch_ids(actor)), Branch.closed_at.is_(None)
    )
    if role is not None:
        admin_units = (UnitKind.HEAD_OFFICE, UnitKind.REGION)
        query = query.where(
            Branch.kind.in_(admin_units) if role == Role.ADMIN else Branch.kind == UnitKind.BRANCH
        )
    return db.session.scalars(query.order_by(Branch.code)).all()


def _check_placement(actor: Staff, role: Role, unit: Branch) -> None:
    """Refuse a role the actor may not give, or a unit the role does not belong in."""
    if role not in assignable_roles(actor):
        raise OrganisationError(_l("You cannot give this role."), "role")
    if unit.id not in {u.id for u in placeable_units(actor, role)}:
        if role == Role.ADMIN:
            message = _l("An administrator belongs to the head office or a region.")
        else:
            message = _l("Choose an open branch.")
        raise OrganisationError(message, "branch_id")


# --- units --------------------------------------------------------------------------------


def _next_code(kind: UnitKind) -> str:
    """A free code for a new unit when none is typed: HQ, R01, B001..."""
    prefix = CODE_PREFIX[kind]
    taken = set(db.session.scalars(select(Branch.code).where(Branch.code.like(f"{prefix}%"))))
    if kind == UnitKind.HEAD_OFFICE and prefix not in taken:
        return prefix
    width = 2 if kind == UnitKind.REGION else 3
    n = len(taken) + 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"


def _check_name_and_code(name: str, code: str, unit: Branch | None = None) -> None:
    """A unit needs a name, and a code no other unit has."""
    if not name.strip():
        raise OrganisationError(_l("Enter a name."), "name")
    if code and db.session.scalar(
        select(Branch.id).where(
            func.lower(Branch.code) == code.lower(), Branch.id != (unit.id if unit else -1)
        )
    ):
        raise OrganisationError(_l("Another unit already has this code."), "code")


def add_unit(kind: UnitKind, name: str, parent: Branch | None, code: str = "") -> Branch:
    """A new unit with its referral criteria (a branch's split policy starts today)."""
    code = code.strip()
    _check_name_and_code(name, code)
    unit = Branch(
        kind=kind,
        name=name.strip(),
        code=code or _next_code(kind),
        parent_id=parent.id if parent else None,
    )
    db.session.add(unit)
    db.session.flush()
    create_criteria(unit.id, local_today() if kind == UnitKind.BRANCH else None)
    return unit


def create_unit(actor: Staff, kind: UnitKind, name: str, parent: Branch, code: str = "") -> Branch:
    """An administrator opens a region (under a head office) or a branch (under a region)."""
    if kind == UnitKind.HEAD_OFFICE or parent.id not in {
        p.id for p in parents_for_new(actor, kind)
    }:
        raise OrganisationError(_l("You cannot open a unit there."), "parent_id")
    return add_unit(kind, name, parent, code)


def rename_unit(actor: Staff, unit: Branch, name: str) -> Branch:
    """Give a unit a new name (its code and history stay)."""
    if not may_manage_unit(actor, unit):
        raise PermissionError(unit.id)
    _check_name_and_code(name, "", unit)
    unit.name = name.strip()
    db.session.flush()
    return unit


def close_unit(actor: Staff, unit: Branch) -> Branch:
    """Close a unit nobody works in any more (its staff moved or deactivated, the units below
    it closed); its rows stay for the history."""
    if not may_manage_unit(actor, unit):
        raise PermissionError(unit.id)
    if db.session.scalar(
        select(func.count(Staff.id)).where(Staff.branch_id == unit.id, Staff.active.is_(True))
    ):
        raise OrganisationError(_l("Move or deactivate its staff first."))
    if db.session.scalar(
        select(func.count(Branch.id)).where(Branch.parent_id == unit.id, Branch.closed_at.is_(None))
    ):
        raise OrganisationError(_l("Close the units below it first."))
    unit.closed_at = now_naive()
    db.session.flush()
    return unit


# --- staff --------------------------------------------------------------------------------


def username_taken(username: str) -> bool:
    """Whether someone (active or not) already signs in with this username."""
    return bool(
        db.session.scalar(
            select(Staff.id).where(func.lower(Staff.username) == username.strip().lower())
        )
    )


def add_staff(
    username: str, name: str, role: Role, unit: Branch, title: str = "", mobile: str = ""
) -> tuple[Staff, str]:
    """A new member of staff with a one-time password (returned once) to change at sign-in."""
    if username_taken(username):
        raise OrganisationError(_l("Someone already has this username."), "username")
    person = Staff(
        username=username.strip(),
        name=name.strip(),
        role=role,
        branch_id=unit.id,
        title=title.strip(),
        mobile=mobile.strip(),
        password_must_change=True,
    )
    password = one_time_password()
    person.set_password(password)
    sessions.new_generation(person)
    db.session.add(person)
    db.session.flush()
    return person, password


def create_staff(actor: Staff, username: str, name: str, role: Role, unit: Branch, **extra):
    """The actor takes on someone: placed by the rules, with a one-time password."""
    _check_placement(actor, role, unit)
    return add_staff(username, name, role, unit, **extra)


def change_role(actor: Staff, person: Staff, role: Role) -> Staff:
    """Give the person another role in the same unit; their sessions end (menus change)."""
    if not may_manage_staff(actor, person):
        raise PermissionError(person.id)
    _check_placement(actor, role, person.branch)
    person.role = role
    sessions.new_generation(person)
    db.session.flush()
    return person


def move_staff(actor: Staff, person: Staff, unit: Branch, receivers: list[Staff]) -> list:
    """An administrator moves the person to another unit; the book they held in the old branch
    goes to the receivers first (it belongs to the branch). Returns the hand-over rows."""
    if actor.role != Role.ADMIN or not may_manage_staff(actor, person):
        raise PermissionError(person.id)
    if unit.id == person.branch_id:
        raise OrganisationError(_l("Choose another unit."), "branch_id")
    _check_placement(actor, person.role, unit)
    rows = []
    if handover.book_of(person).total:
        rows = handover.hand_over(actor, person, receivers, handover.MOVED)
    person.branch_id = unit.id
    person.branch = unit
    sessions.new_generation(person)
    db.session.flush()
    return rows


def deactivate_staff(actor: Staff, person: Staff, receivers: list[Staff]) -> list:
    """The person leaves: their book goes to the receivers, every session of theirs ends and
    they can no longer sign in. Nothing is deleted. Returns the hand-over rows."""
    if not may_manage_staff(actor, person):
        raise PermissionError(person.id)
    if not person.active:
        raise OrganisationError(_l("This person is already deactivated."))
    rows = []
    if handover.book_of(person).total:
        rows = handover.hand_over(actor, person, receivers, handover.DEACTIVATED)
    services.deactivate(person)
    return rows


# --- first start --------------------------------------------------------------------------


def setup_bank(
    head_office: str,
    regions: dict[str, list[str]],
    admin_username: str,
    admin_name: str,
) -> tuple[Staff, str]:
    """Build an empty database's structure (head office, regions, their branches) and the first
    administrator at the head office; returns them and their one-time password."""
    if db.session.scalar(select(func.count(Branch.id))):
        raise OrganisationError(_l("The database already has data."))
    if not regions:
        raise OrganisationError(_l("Name at least one region."), "region")
    top = add_unit(UnitKind.HEAD_OFFICE, head_office, None)
    for region_name, branch_names in regions.items():
        region = add_unit(UnitKind.REGION, region_name, top)
        for branch_name in branch_names:
            add_unit(UnitKind.BRANCH, branch_name, region)
    return add_staff(admin_username, admin_name, Role.ADMIN, top)
