"""The demo data set: a region with two branches, their staff and weeks of history.

Each domain adds its own module here with a `load(ctx: DemoContext)` function and one line
in STEPS; steps run in order inside one transaction.
"""

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from webapp.auth.models import Branch, Staff
from webapp.extensions import db
from webapp.timeutil import now_naive

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo sign-in, created only by demo-data

# One line per domain, in dependency order.
STEPS = (
    "org",
    "customers",
    "coaching",
    "referrals",
    "push",
    "field",
    "appointments",
    "sheets",
    "kits",
    "prospects",
    "schedule",
    "audit",
    "staff_changes",
)


@dataclass
class DemoContext:
    """What the steps share: the random source, the clock and what earlier steps made."""

    rng: random.Random
    now: datetime  # naive UTC, as stored
    branches: dict[str, Branch] = field(default_factory=dict)  # "region", "home", "second"
    staff: dict[str, Staff] = field(default_factory=dict)  # by username
    made: dict[str, int] = field(default_factory=dict)  # counts for the command's output

    def staff_of(self, branch_key: str, *roles) -> list[Staff]:
        """The staff of one demo branch, optionally only those with the given roles."""
        branch_id = self.branches[branch_key].id
        return [
            s
            for s in self.staff.values()
            if s.branch_id == branch_id and (not roles or s.role in roles)
        ]


def database_is_empty() -> bool:
    """Whether no branch exists yet (demo-data --if-empty loads only then)."""
    return db.session.scalar(select(func.count(Branch.id))) == 0


def load_demo(seed: int = 20261123) -> dict[str, int]:
    """Run every step and commit; return the counts of what was made."""
    ctx = DemoContext(rng=random.Random(seed), now=now_naive())
    for step in STEPS:
        importlib.import_module(f"webapp.demo.{step}").load(ctx)
        db.session.flush()
    db.session.commit()
    return ctx.made
