"""Customers and the audit log of who opened a customer's full record."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.auth.models import Branch, Staff
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.names import initials, sort_key
from webapp.sync.protocol import OfflineRecordMixin
from webapp.timeutil import now_naive


class CustomerKind(enum.StrEnum):
    """Individual (个人) or small and medium enterprise (中小企业)."""

    INDIVIDUAL = "individual"
    SME = "sme"

    @property
    def label(self) -> str:
        return KIND_LABELS.text(self)


KIND_LABELS = Labels({CustomerKind.INDIVIDUAL: _l("Individual"), CustomerKind.SME: _l("SME")})


class Acquisition(enum.StrEnum):
    """How the branch won the customer: one of the four sales behaviours, or already ours."""

    LOBBY = "lobby"
    REFERRAL = "referral"
    APPOINTMENT = "appointment"
    MARKET_RUNNING = "market_running"
    EXISTING = "existing"

    @property
    def label(self) -> str:
        return ACQUISITION_LABELS.text(self)


ACQUISITION_LABELS = Labels(
    {
        Acquisition.LOBBY: _l("Lobby greeting"),
        Acquisition.REFERRAL: _l("Referral"),
        Acquisition.APPOINTMENT: _l("Appointment"),
        Acquisition.MARKET_RUNNING: _l("Market running"),
        Acquisition.EXISTING: _l("Existing customer"),
    }
)


class Customer(OfflineRecordMixin, db.Model):
    """A customer of one branch, optionally owned by one member of staff."""

    __table_args__ = (
        # A mobile or credit code appears once per branch: duplicates are refused, not merged.
        UniqueConstraint("branch_id", "mobile", name="uq_customer_branch_mobile"),
        UniqueConstraint("branch_id", "credit_code", name="uq_customer_branch_credit_code"),
        # Lists page in pinyin order (name_key, id); search by initials reads the second.
        Index("ix_customer_branch_name_key", "branch_id", "name_key", "id"),
        Index("ix_customer_branch_initials", "branch_id", "name_initials"),
        # New customers in a period, per person and per branch (reports, one-on-ones); the
        # first also serves every lookup of a person's customers.
        Index("ix_customer_owner_created", "owner_id", "created_at"),
        Index("ix_customer_branch_created", "branch_id", "created_at"),
        # A person's most recently updated customers in their branch (Today): the first five
        # read from the index instead of sorting all of them.
        Index("ix_customer_owner_branch_updated", "owner_id", "branch_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    kind: Mapped[CustomerKind] = mapped_column(enum_column(CustomerKind, 12))
    name: Mapped[str] = mapped_column(String(120))
    # Kept from the name (webapp.names): the pinyin every list sorts by, and the initials the
    # picker finds ("zs" for 张三).
    name_key: Mapped[str] = mapped_column(String(255), default="", server_default="")
    name_initials: Mapped[str] = mapped_column(String(120), default="", server_default="")
    mobile: Mapped[str | None] = mapped_column(String(11))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # External referrals (外部引见): the customer or centre of influence who introduced them.
    introduced_by: Mapped[str | None] = mapped_column(String(120))
    acquired_via: Mapped[Acquisition] = mapped_column(
        enum_column(Acquisition), default=Acquisition.EXISTING
    )
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)
    # Offline edits carry the version they started from; a stale one is a conflict.
    version: Mapped[int] = mapped_column(default=1)
    # The id of the last edit applied, so an edit replayed by the outbox is not a conflict.
    last_edit_id: Mapped[str | None] = mapped_column(String(36))
    # Percentage of the sheet's fields that matter which are filled (sheets.completeness).
    completeness: Mapped[int] = mapped_column(default=0)

    branch: Mapped[Branch] = relationship()
    owner: Mapped[Staff | None] = relationship()
    individual_sheet: Mapped["IndividualSheet | None"] = relationship(
        back_populates="customer", uselist=False, cascade="all, delete-orphan"
    )
    sme_sheet: Mapped["SmeSheet | None"] = relationship(
        back_populates="customer", uselist=False, cascade="all, delete-orphan"
    )

    @validates("name")
    def _keep_name_keys(self, _key: str, name: str) -> str:
        self.name_key = sort_key(name)
        self.name_initials = initials(name)
        return name

    @property
    def masked_mobile(self) -> str:
        """The mobile as lists show it: 138****1234."""
        return mask_mobile(self.mobile)


def mask_mobile(mobile: str | None) -> str:
    """Hide the middle four digits of a mainland mobile number."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


class ViewReason(enum.StrEnum):
    """Why a full record was served: opened, its edit form, a conflict page, or kept offline."""

    OPENED = "opened"
    EDIT_FORM = "edit_form"
    CONFLICT = "conflict"
    # Fetched by the service worker to keep on the phone (the X-Precache header), not by a person.
    PRECACHE = "precache"


class CustomerView(db.Model):
    """Audit: one row each time a customer's full record (the sheet with the whole mobile) was
    served to a member of staff, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(default=now_naive)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    reason: Mapped[ViewReason] = mapped_column(
        enum_column(ViewReason, 12), default=ViewReason.OPENED, server_default="opened"
    )

    staff: Mapped[Staff] = relationship()


class CustomerSourceChange(db.Model):
    """Audit: the owner or the manager corrected how the branch won a customer (its source)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    from_source: Mapped[Acquisition] = mapped_column(enum_column(Acquisition))
    to_source: Mapped[Acquisition] = mapped_column(enum_column(Acquisition))
    changed_at: Mapped[datetime] = mapped_column(default=now_naive)


class ChangeKind(enum.StrEnum):
    """What a CustomerChange changed."""

    SHEET = "sheet"
    OWNER = "owner"


class CustomerChange(db.Model):
    """Audit: who changed a customer's sheet (which fields, never the values) or owner, and
    when; the customer's story and the audit viewer read it."""

    __table_args__ = (Index("ix_customer_change_customer_at", "customer_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, 10))
    fields: Mapped[str] = mapped_column(String(400), default="")  # comma-separated names
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[datetime] = mapped_column(default=now_naive)


class CustomerSearch(db.Model):
    """Audit: a search by mobile that narrows one number (more digits than the last four).

    Also the throttle's count: rows of one person in the last window (services.search_allowed).
    """

    __table_args__ = (Index("ix_customer_search_staff_at", "staff_id", "searched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    term: Mapped[str] = mapped_column(String(60))
    matched: Mapped[int] = mapped_column(default=0)
    refused: Mapped[bool] = mapped_column(default=False)
    searched_at: Mapped[datetime] = mapped_column(default=now_naive)
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    staff: Mapped[Staff] = relationship()


class IndividualSheet(db.Model):
    """The individual customer information sheet (个人客户信息表), one per customer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), unique=True)
    occupation: Mapped[str] = mapped_column(String(60), default="")
    employer: Mapped[str] = mapped_column(String(120), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="")
    family: Mapped[str] = mapped_column(String(200), default="")
    assets_here: Mapped[str] = mapped_column(String(10), default="")
    assets_elsewhere: Mapped[str] = mapped_column(String(10), default="")
    products_held: Mapped[str] = mapped_column(String(300), default="")
    needs: Mapped[str] = mapped_column(String(200), default="")  # comma-separated NEEDS keys
    risk_appetite: Mapped[str] = mapped_column(String(10), default="")
    contact_time: Mapped[str] = mapped_column(String(60), default="")
    # Kept only when captured; never shown in full (mask_resident_id).
    resident_id: Mapped[str | None] = mapped_column(String(18))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    customer: Mapped[Customer] = relationship(back_populates="individual_sheet")

    @property
    def need_list(self) -> list[str]:
        """The needs as a list of keys."""
        return [n for n in self.needs.split(",") if n]


class SmeSheet(db.Model):
    """The SME customer information sheet (中小企业客户信息表); the mobile is the contact's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), unique=True)
    industry: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    employees: Mapped[int | None] = mapped_column()
    turnover_band: Mapped[str] = mapped_column(String(10), default="")
    main_banks: Mapped[str] = mapped_column(String(120), default="")
    settlement: Mapped[str] = mapped_column(String(200), default="")
    payroll: Mapped[str] = mapped_column(String(200), default="")
    credit_needs: Mapped[str] = mapped_column(String(200), default="")
    cash_management: Mapped[str] = mapped_column(String(200), default="")
    decision_maker: Mapped[str] = mapped_column(String(60), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    visit_history: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)

    customer: Mapped[Customer] = relationship(back_populates="sme_sheet")
