"""Branches, staff and their roles: the ground floor every other domain stands on."""

import enum
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.names import sort_key
from webapp.timeutil import now_naive


class Role(enum.StrEnum):
    """The roles of the branch and the region staff; the value is stored, the label is shown."""

    BRANCH_MANAGER = "branch_manager"
    WEALTH_MANAGER = "wealth_manager"
    RETAIL_AM = "retail_am"
    CREDIT_AM = "credit_am"
    CORPORATE_AM = "corporate_am"
    LOBBY_MANAGER = "lobby_manager"
    TELLER = "teller"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in the user's language (the bank's own term in Chinese)."""
        return ROLE_LABELS.text(self)


ROLE_LABELS = Labels(
    {
        Role.BRANCH_MANAGER: _l("Branch manager"),
        Role.WEALTH_MANAGER: _l("Wealth manager"),
        Role.RETAIL_AM: _l("Retail account manager"),
        Role.CREDIT_AM: _l("Credit account manager"),
        Role.CORPORATE_AM: _l("Corporate account manager"),
        Role.LOBBY_MANAGER: _l("Lobby manager"),
        Role.TELLER: _l("Teller"),
        Role.ADMIN: _l("Administrator"),
    }
)

HEAD_OFFICE_ADMIN = _l("Head-office administrator")
ACCOUNT_MANAGERS = frozenset({Role.RETAIL_AM, Role.CREDIT_AM, Role.CORPORATE_AM})
SALES_ROLES = ACCOUNT_MANAGERS | {Role.WEALTH_MANAGER}
ALL_ROLES = frozenset(Role)


class UnitKind(enum.StrEnum):
    """Where a unit stands in the bank: the head office over regions (管辖行) over branches.
    An administrator's scope is their unit and everything below it (access.visible_branch_ids):
    one at the head office manages the whole bank, one at a region their region."""

    HEAD_OFFICE = "head_office"
    REGION = "region"
    BRANCH = "branch"

    @property
    def label(self) -> str:
        """The kind's name in the user's language."""
        return UNIT_KIND_LABELS.text(self)


UNIT_KIND_LABELS = Labels(
    {
        UnitKind.HEAD_OFFICE: _l("Head office"),
        UnitKind.REGION: _l("Region"),
        UnitKind.BRANCH: _l("Branch"),
    }
)


class Branch(db.Model):
    """A branch (网点); a branch with children is a region the administrator oversees."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    # Set by the administrator on a region: its managers and administrators need a second factor.
    require_second_factor: Mapped[bool] = mapped_column(default=False, server_default="0")
    kind: Mapped[UnitKind] = mapped_column(
        enum_column(UnitKind), default=UnitKind.BRANCH, server_default=UnitKind.BRANCH.value
    )
    # A closed unit keeps its rows and history; nobody is placed in it any more.
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    parent: Mapped["Branch | None"] = relationship(remote_side=[id])

    @property
    def is_open(self) -> bool:
        """Whether the unit is still in use (not closed)."""
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"


class Staff(UserMixin, db.Model):
    """A member of staff who signs in; belongs to exactly one branch."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    # The name's pinyin (webapp.names.sort_key): every list of people sorts by it.
    name_key: Mapped[str] = mapped_column(String(255), default="", server_default="")
    title: Mapped[str] = mapped_column(String(60), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(default=True)
    # The session generation: changing it signs the person out everywhere (it is part of the
    # session id, webapp/auth/sessions.py).
    session_token: Mapped[str] = mapped_column(String(32), default="")
    # Sessions signed out one device at a time ("sid:expiry" words), until they would expire.
    revoked_sessions: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A one-time password issued by a manager or administrator: change it before anything else.
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The second factor (TOTP, RFC 6238): the shared secret and the last time step accepted.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    branch: Mapped[Branch] = relationship()

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = sort_key(name)
        return name

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password, never the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session id: this session's when signed in, else a new one (sessions.py)."""
        from webapp.auth.sessions import session_id

        return session_id(self)

    @property
    def has_second_factor(self) -> bool:
        """Whether the person signs in with a code from an authenticator app as well."""
        return bool(self.totp_secret)

    @property
    def role_label(self) -> str:
        """The role's name in the user's language (an administrator at the head office is the
        head office's, not a region's)."""
        if self.role == Role.ADMIN and self.branch and self.branch.kind == UnitKind.HEAD_OFFICE:
            return str(HEAD_OFFICE_ADMIN)
        return self.role.label

    def __repr__(self) -> str:
        return f"<Staff {self.username}>"


class RecoveryCode(db.Model):
    """A single-use code that stands in for the second factor (a lost phone); stored hashed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]


class SignInFailure(db.Model):
    """A failed sign-in (wrong password or wrong second-factor code): throttles and is shown to
    the administrator."""

    __table_args__ = (
        Index("ix_sign_in_failure_username_at", "username", "at"),
        Index("ix_sign_in_failure_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))  # as typed, lower case
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(45))
    second_factor: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=now_naive)


class HandOver(db.Model):
    """What one person's book gave one colleague when the person left or moved: counts per kind,
    who did it and when. One row per receiver; the rows moved keep their own history."""

    __table_args__ = (Index("ix_hand_over_to_at", "to_staff_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    from_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    to_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(20))  # "deactivated" or "moved"
    customers: Mapped[int] = mapped_column(default=0)
    prospects: Mapped[int] = mapped_column(default=0)
    referrals: Mapped[int] = mapped_column(default=0)
    schedule_entries: Mapped[int] = mapped_column(default=0)
    appointments: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=now_naive)

    from_staff: Mapped[Staff] = relationship(foreign_keys=[from_staff_id])
    to_staff: Mapped[Staff] = relationship(foreign_keys=[to_staff_id])
    by: Mapped[Staff | None] = relationship(foreign_keys=[by_id])

    @property
    def total(self) -> int:
        """How many records changed hands in this row."""
        return (
            self.customers
            + self.prospects
            + self.referrals
            + self.schedule_entries
            + self.appointments
        )

    @property
    def counts_text(self) -> str:
        """How much changed hands, in the user's language (the hand-over row and the audit)."""
        return gettext(
            "%(customers)d customers, %(prospects)d prospects, %(referrals)d referrals,"
            " %(entries)d schedule entries, %(appointments)d appointments",
            customers=self.customers,
            prospects=self.prospects,
            referrals=self.referrals,
            entries=self.schedule_entries,
            appointments=self.appointments,
        )
