"""Referral criteria, split policy phases, referrals and their history."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from webapp.auth.models import SALES_ROLES, Role, Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.lobby.models import Need
from webapp.sync.protocol import OfflineRecordMixin
from webapp.timeutil import now_naive

DEFAULT_SIMPLE_PRODUCTS = "网上银行、手机银行、短信通知"
DEFAULT_ACCEPT_MINUTES = 10  # a referral not accepted within this is overdue (seed 004)
DEFAULT_WAIT_MINUTES = 15  # a walk-in waiting longer is marked and the lobby manager told
# Who may receive a referral: the salespeople and the branch manager.
RECEIVER_ROLES = SALES_ROLES | {Role.BRANCH_MANAGER}


class ReferralCriteria(db.Model):
    """A branch's referral criteria (转介标准); one row per branch, defaults from seed 004."""

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), unique=True)
    large_transaction_on: Mapped[bool] = mapped_column(default=True)
    large_transaction_fen: Mapped[int] = mapped_column(BigInteger, default=50_000_00)
    featured_interest_on: Mapped[bool] = mapped_column(default=True)
    account_flow_on: Mapped[bool] = mapped_column(default=True)
    account_flow_fen: Mapped[int] = mapped_column(BigInteger, default=100_000_00)
    simple_products: Mapped[str] = mapped_column(String(200), default=DEFAULT_SIMPLE_PRODUCTS)
    accept_minutes: Mapped[int] = mapped_column(default=DEFAULT_ACCEPT_MINUTES)
    # The lobby's wait limit lives with the branch's other settings the manager edits here.
    wait_minutes: Mapped[int] = mapped_column(
        default=DEFAULT_WAIT_MINUTES, server_default=str(DEFAULT_WAIT_MINUTES)
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)


class Rule(enum.StrEnum):
    """The criterion a referral met; the screen names it when it proposes a referral."""

    LARGE_TRANSACTION = "large_transaction"
    FEATURED_INTEREST = "featured_interest"
    ACCOUNT_FLOW = "account_flow"
    CLEAR_INTENT = "clear_intent"

    @property
    def label(self) -> str:
        return RULE_LABELS.text(self)


RULE_LABELS = Labels(
    {
        Rule.LARGE_TRANSACTION: _l(
            "Single deposit, withdrawal, transfer or remittance at the threshold"
        ),
        Rule.FEATURED_INTEREST: _l("Interest in a featured product"),
        Rule.ACCOUNT_FLOW: _l("Six-month account flow at the threshold"),
        Rule.CLEAR_INTENT: _l("Clear intent after a one-line pitch"),
    }
)


class SplitPhase(db.Model):
    """One dated phase of a branch's credit split policy (绩效分润): the referrer's share."""

    __table_args__ = (UniqueConstraint("branch_id", "starts_on", name="uq_split_phase_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()  # None: open-ended, the current last phase
    referrer_bp: Mapped[int] = mapped_column()  # the referrer's share in basis points
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_naive)

    @property
    def seller_bp(self) -> int:
        """The seller's share: the rest of 100%."""
        return 10_000 - self.referrer_bp

    def covers(self, day: date) -> bool:
        """Whether the phase is in force on the given day (both ends included)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Kind(enum.StrEnum):
    """Internal (内部引见, staff to staff) or external (外部引见, a customer introduces a prospect)."""

    INTERNAL = "internal"
    EXTERNAL = "external"

    @property
    def label(self) -> str:
        return KIND_LABELS.text(self)


KIND_LABELS = Labels({Kind.INTERNAL: _l("Internal"), Kind.EXTERNAL: _l("External")})


class State(enum.StrEnum):
    """referred → accepted → contacted → met → won / lost, or declined."""

    REFERRED = "referred"
    ACCEPTED = "accepted"
    CONTACTED = "contacted"
    MET = "met"
    WON = "won"
    LOST = "lost"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return REFERRAL_STATE_LABELS.text(self)

    @property
    def is_open(self) -> bool:
        return self not in (State.WON, State.LOST, State.DECLINED)


REFERRAL_STATE_LABELS = Labels(
    {
        State.REFERRED: _l("Waiting to be accepted"),
        State.ACCEPTED: _l("Accepted"),
        State.CONTACTED: _l("Contacted"),
        State.MET: _l("Met"),
        State.WON: _l("Won"),
        State.LOST: _l("Lost"),
        State.DECLINED: _l("Declined"),
    }
)


class CreditState(enum.StrEnum):
    """Whether the credit of a won referral is settled or waits for the branch manager."""

    NONE = "none"
    SETTLED = "settled"
    PENDING = "pending"


class Referral(OfflineRecordMixin, db.Model):
    """One customer handed from a referrer to a receiver, with the rule it met."""

    __table_args__ = (
        Index("ix_referral_branch_created", "branch_id", "created_at"),
        Index("ix_referral_receiver_state", "receiver_id", "state"),
        # What a person received in a period (one-on-one).
        Index("ix_referral_receiver_created", "receiver_id", "created_at"),
        # A person's referrals given and won in a period (one-on-one, progress, huddles).
        Index("ix_referral_referrer_created", "referrer_id", "created_at"),
        Index("ix_referral_referrer_closed", "referrer_id", "closed_at"),
        # The ledger's accepted and won in a period, per branch: not the branch's whole history.
        Index("ix_referral_branch_accepted", "branch_id", "accepted_at"),
        Index("ix_referral_branch_closed", "branch_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    kind: Mapped[Kind] = mapped_column(enum_column(Kind), default=Kind.INTERNAL)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    second_referrer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    check_in_id: Mapped[int | None] = mapped_column(ForeignKey("check_in.id"), index=True)
    need: Mapped[Need] = mapped_column(enum_column(Need))
    rule: Mapped[Rule | None] = mapped_column(enum_column(Rule, 30))
    introducer: Mapped[str] = mapped_column(String(120), default="")  # external referrals
    hot: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    callback_requested: Mapped[bool] = mapped_column(default=False)
    callback_contact: Mapped[str] = mapped_column(String(60), default="")
    callback_at: Mapped[datetime | None] = mapped_column()
    state: Mapped[State] = mapped_column(enum_column(State), default=State.REFERRED)
    reason: Mapped[str] = mapped_column(String(200), default="")
    referred_on: Mapped[date] = mapped_column()  # the branch-local day: picks the split phase
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    accepted_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # When the worker told the managers it was overdue (webapp/referrals/tasks.py); whether it
    # is overdue is computed from created_at by the queries that list it (queries.overdue).
    overdue_flagged_at: Mapped[datetime | None] = mapped_column()
    # Set by the queries that list referrals (with_expression(Referral.overdue, ...)).
    overdue: Mapped[bool | None] = query_expression()
    disputed: Mapped[bool] = mapped_column(default=False)
    reassigned: Mapped[bool] = mapped_column(default=False)
    # When the manager last handed it to another receiver: created_at stays the referral's
    # own time (its ledger day); the new receiver's acceptance clock starts here.
    reassigned_at: Mapped[datetime | None] = mapped_column()
    credit_state: Mapped[CreditState] = mapped_column(
        enum_column(CreditState), default=CreditState.NONE
    )
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("split_phase.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sale.id"))
    # What was sold, kept while the credit waits for the manager (the sale is recorded then).
    won_category: Mapped[str] = mapped_column(String(30), default="")
    won_product: Mapped[str] = mapped_column(String(120), default="")
    won_amount_fen: Mapped[int | None] = mapped_column(BigInteger)

    referrer: Mapped[Staff] = relationship(foreign_keys=[referrer_id])
    second_referrer: Mapped[Staff | None] = relationship(foreign_keys=[second_referrer_id])
    receiver: Mapped[Staff] = relationship(foreign_keys=[receiver_id])
    customer: Mapped[Customer] = relationship()
    phase: Mapped[SplitPhase | None] = relationship()
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id"
    )

    @property
    def need_label(self) -> str:
        """The need in the user's language (signal listeners read it)."""
        return self.need.label

    @property
    def rule_label(self) -> str:
        return self.rule.label if self.rule else ""


class ReferralEvent(db.Model):
    """One change of a referral: when, by whom, from which state to which, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_naive)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(String(200), default="")

    referral: Mapped[Referral] = relationship(back_populates="events")
    by: Mapped[Staff | None] = relationship()


class Presence(db.Model):
    """A salesperson's own "out in the field" switch; serving is derived from the lobby."""

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    out: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)


EVENT_LABELS = {
    "referred": _l("Referred"),
    "accepted": _l("Accepted"),
    "contacted": _l("Contacted"),
    "met": _l("Met"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "declined": _l("Declined"),
    "credit_pending": _l("Credit waits for the branch manager"),
    "allocated": _l("Credit allocated"),
    "disputed": _l("Marked as disputed"),
    "reassigned": _l("Reassigned"),
    "overdue": _l("Overdue"),
}
