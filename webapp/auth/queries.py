"""Who works in a branch: the team lists every domain reads."""

from functools import cache

from sqlalchemy import bindparam, select

from webapp.auth.models import Role, Staff
from webapp.extensions import db

HUDDLE_ROLES = frozenset(Role) - {Role.BRANCH_MANAGER, Role.ADMIN}


def team(branch_id: int, roles=HUDDLE_ROLES) -> list[Staff]:
    """The active staff of a branch holding one of the roles, by role then name."""
    return list(db.session.scalars(_team(frozenset(roles)), {"branch_id": branch_id}))


@cache
def _team(roles: frozenset):
    # Statements here are built once per process (bound parameters): building one costs more
    # than running it on a branch.
    return (
        select(Staff)
        .where(
            Staff.branch_id == bindparam("branch_id"),
            Staff.active.is_(True),
            Staff.role.in_(sorted(roles)),
        )
        .order_by(Staff.role, Staff.name_key, Staff.id)
    )
