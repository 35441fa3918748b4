"""Walk-in check-ins on the lobby tablet (大堂揽客) and at the counter."""

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels, current_language
from webapp.numbers import fen_as_yuan, whole_yuan
from webapp.timeutil import now_naive


class Need(enum.StrEnum):
    """What a walk-in came for, or what the greeting discovered."""

    DEPOSIT = "deposit"  # deposit or withdrawal
    TRANSFER = "transfer"  # transfer or remittance
    ACCOUNT_OPENING = "account_opening"
    CARD = "card"
    E_BANKING = "e_banking"
    WEALTH = "wealth"
    LOAN = "loan"
    FEATURED = "featured"  # interest in a featured product of the sales kit
    ENQUIRY = "enquiry"
    OTHER = "other"

    @property
    def label(self) -> str:
        return NEED_LABELS.text(self)


NEED_LABELS = Labels(
    {
        Need.DEPOSIT: _l("Deposit / withdrawal"),
        Need.TRANSFER: _l("Transfer / remittance"),
        Need.ACCOUNT_OPENING: _l("Account opening"),
        Need.CARD: _l("Card"),
        Need.E_BANKING: _l("E-banking"),
        Need.WEALTH: _l("Wealth management"),
        Need.LOAN: _l("Loan"),
        Need.FEATURED: _l("Featured product"),
        Need.ENQUIRY: _l("Enquiry"),
        Need.OTHER: _l("Other"),
    }
)
# Needs where an amount means "a single transaction" for the referral criteria.
TRANSACTION_NEEDS = frozenset({Need.DEPOSIT, Need.TRANSFER})


@dataclass(frozen=True)
class Band:
    """An amount band the lobby manager taps, [floor, ceiling) in fen (no ceiling: open).

    The branch's bands are cut at its referral criteria thresholds (referrals.criteria.bands_for),
    and a band meets a threshold only when its whole range is at or above it: its floor is."""

    floor_fen: int
    ceiling_fen: int | None

    @property
    def value(self) -> str:
        """The band as a form value: "floor-ceiling" in fen."""
        return f"{self.floor_fen}-{'' if self.ceiling_fen is None else self.ceiling_fen}"

    @classmethod
    def parse(cls, value: str) -> "Band | None":
        """The band of a form value, or None when it is not one."""
        low, sep, high = (value or "").partition("-")
        if not sep or not low.isdigit() or (high and not high.isdigit()):
            return None
        return cls(int(low), int(high) if high else None)

    @property
    def label(self) -> str:
        """The band as people say it: 5万以下, 5万–10万, 50万以上."""
        return band_label(self.floor_fen, self.ceiling_fen)


def short_amount(fen: int) -> str:
    """A round amount as the lobby says it: 5万 in Chinese, 50,000 in English."""
    yuan = fen // 100
    if current_language() == "zh_CN" and yuan >= 10_000:
        return f"{yuan / 10_000:g}万"
    return whole_yuan(fen)


def band_label(floor_fen: int | None, ceiling_fen: int | None) -> str:
    """A band's label from its bounds ('' without a band)."""
    if floor_fen is None:
        return ""
    if not floor_fen and ceiling_fen is not None:
        return gettext("Under %(amount)s", amount=short_amount(ceiling_fen))
    if ceiling_fen is None:
        return gettext("%(amount)s or more", amount=short_amount(floor_fen))
    return f"{short_amount(floor_fen)}–{short_amount(ceiling_fen)}"


class VisitState(enum.StrEnum):
    """Where the walk-in is: waiting, being served, referred to a colleague, or done."""

    WAITING = "waiting"
    SERVING = "serving"
    REFERRED = "referred"
    DONE = "done"

    @property
    def label(self) -> str:
        return STATE_LABELS.text(self)


STATE_LABELS = Labels(
    {
        VisitState.WAITING: _l("Waiting"),
        VisitState.SERVING: _l("Being served"),
        VisitState.REFERRED: _l("Referred"),
        VisitState.DONE: _l("Done"),
    }
)


class Rating(enum.StrEnum):
    """The customer's one-tap rating of the visit at 办结 (服务质量与客户满意度)."""

    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    UNSATISFIED = "unsatisfied"

    @property
    def label(self) -> str:
        return RATING_LABELS.text(self)


RATING_LABELS = Labels(
    {
        Rating.SATISFIED: _l("Satisfied"),
        Rating.NEUTRAL: _l("So-so"),
        Rating.UNSATISFIED: _l("Unsatisfied"),
    }
)


class RatingReason(enum.StrEnum):
    """Why the customer was unsatisfied: one tap."""

    WAIT = "wait"
    ATTITUDE = "attitude"
    NOT_DONE = "not_done"
    UNCLEAR = "unclear"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS.text(self)


REASON_LABELS = Labels(
    {
        RatingReason.WAIT: _l("Waited too long"),
        RatingReason.ATTITUDE: _l("Service attitude"),
        RatingReason.NOT_DONE: _l("Business not done"),
        RatingReason.UNCLEAR: _l("Not explained clearly"),
        RatingReason.OTHER: _l("Other"),
    }
)


class Desk(enum.StrEnum):
    """Where the check-in was recorded."""

    LOBBY = "lobby"
    COUNTER = "counter"


class CheckIn(db.Model):
    """One walk-in customer's visit, from greeting to done; the customer may stay anonymous."""

    __table_args__ = (Index("ix_check_in_branch_created", "branch_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    ticket: Mapped[int] = mapped_column()  # the day's running number shown on the board
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    first_need: Mapped[Need] = mapped_column(enum_column(Need))
    other_needs: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Need values
    # The band tapped, kept as its bounds: the branch's bands move with its thresholds.
    band_floor_fen: Mapped[int | None] = mapped_column(BigInteger)
    band_ceiling_fen: Mapped[int | None] = mapped_column(BigInteger)  # None: open-ended
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)  # the exact amount, when told
    flow_fen: Mapped[int | None] = mapped_column(BigInteger)  # six-month account flow, when known
    note: Mapped[str] = mapped_column(String(200), default="")
    desk: Mapped[Desk] = mapped_column(enum_column(Desk), default=Desk.LOBBY)
    state: Mapped[VisitState] = mapped_column(enum_column(VisitState), default=VisitState.WAITING)
    checked_in_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    served_at: Mapped[datetime | None] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()
    # When the worker told the lobby managers the walk-in waited too long (lobby/tasks.py).
    long_wait_flagged_at: Mapped[datetime | None] = mapped_column()
    # Whether the walk-in met one of the branch's referral criteria, as they stood at check-in
    # (the criteria change later; the missed-referral radar judges by what was asked then).
    met_criterion: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The appointment of the customer today, found at check-in (the handshake on the board).
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    appointment_at: Mapped[datetime | None] = mapped_column()
    appointment_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The customer's one-tap rating at 办结, and the reason tapped with 不满意.
    rating: Mapped["Rating | None"] = mapped_column(enum_column(Rating))
    rating_reason: Mapped["RatingReason | None"] = mapped_column(enum_column(RatingReason))
    rated_at: Mapped[datetime | None] = mapped_column()

    customer: Mapped[Customer | None] = relationship()
    checked_in_by: Mapped[Staff] = relationship(foreign_keys=[checked_in_by_id])
    served_by: Mapped[Staff | None] = relationship(foreign_keys=[served_by_id])
    appointment_staff: Mapped[Staff | None] = relationship(foreign_keys=[appointment_staff_id])

    @property
    def needs(self) -> list[Need]:
        """The first need followed by the other needs discovered."""
        return needs_of(self.first_need, self.other_needs)

    @property
    def deciding_amount_fen(self) -> int | None:
        """The amount the criteria compare: the exact one when told, else the band's floor."""
        return deciding_amount_fen(self.amount_fen, self.band_floor_fen)

    @property
    def amount_text(self) -> str:
        """The amount as told: the exact amount, else the band's label ('' for neither)."""
        return amount_text(self.amount_fen, self.band_floor_fen, self.band_ceiling_fen)

    @property
    def visitor_label(self) -> str:
        """The customer's name, or "Walk-in" for an anonymous visitor."""
        return self.customer.name if self.customer else str(_l("Walk-in"))


# What CheckIn's properties work out, for the board, which reads plain columns (no objects).
def needs_of(first_need: Need, other_needs: str) -> list[Need]:
    """The first need followed by the other needs discovered (comma-separated values)."""
    others = [Need(v) for v in other_needs.split(",") if v]
    return [first_need, *[n for n in others if n != first_need]]


def deciding_amount_fen(amount_fen: int | None, band_floor_fen: int | None) -> int | None:
    """The exact amount when told, else the band's floor (a band meets a threshold only when
    its whole range is at or above it), else none."""
    return amount_fen if amount_fen is not None else band_floor_fen


def amount_text(amount_fen: int | None, floor_fen: int | None, ceiling_fen: int | None) -> str:
    """The exact amount in yuan when told, else the band's label, else ''."""
    if amount_fen is not None:
        return fen_as_yuan(amount_fen)
    return band_label(floor_fen, ceiling_fen)


class Script(db.Model):
    """The branch's short scripts (话术) for one need: how to greet, and how to introduce the
    professional (not the product) when referring."""

    __table_args__ = (UniqueConstraint("branch_id", "need", name="uq_lobby_script_need"),)
    __tablename__ = "lobby_script"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    need: Mapped[Need] = mapped_column(enum_column(Need))
    greeting: Mapped[str] = mapped_column(Text, default="")
    referral: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_naive, onupdate=now_naive)
