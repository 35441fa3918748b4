"""Walk-in check-ins on the lobby tablet (大堂揽客) and at the counter."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.customers.models import Customer
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
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


class AmountBand(enum.StrEnum):
    """The amount band the lobby manager taps; the lower bound counts for the criteria."""

    UNDER_50K = "under_50k"
    FROM_50K = "50k_100k"
    FROM_100K = "100k_500k"
    FROM_500K = "500k_plus"

    @property
    def label(self) -> str:
        return BAND_LABELS.text(self)

    @property
    def floor_fen(self) -> int:
        """The band's lower bound in fen."""
        return BAND_FLOORS[self]


BAND_LABELS = Labels(
    {
        AmountBand.UNDER_50K: _l("Under 50,000"),
        AmountBand.FROM_50K: _l("50,000–100,000"),
        AmountBand.FROM_100K: _l("100,000–500,000"),
        AmountBand.FROM_500K: _l("500,000 or more"),
    }
)
BAND_FLOORS = {
    AmountBand.UNDER_50K: 0,
    AmountBand.FROM_50K: 50_000_00,
    AmountBand.FROM_100K: 100_000_00,
    AmountBand.FROM_500K: 500_000_00,
}


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
    amount_band: Mapped[AmountBand | None] = mapped_column(enum_column(AmountBand))
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

    customer: Mapped[Customer | None] = relationship()
    checked_in_by: Mapped[Staff] = relationship(foreign_keys=[checked_in_by_id])
    served_by: Mapped[Staff | None] = relationship(foreign_keys=[served_by_id])

    @property
    def needs(self) -> list[Need]:
        """The first need followed by the other needs discovered."""
        return needs_of(self.first_need, self.other_needs)

    @property
    def deciding_amount_fen(self) -> int | None:
        """The amount the criteria compare: the exact one when told, else the band's floor."""
        return deciding_amount_fen(self.amount_fen, self.amount_band)

    @property
    def visitor_label(self) -> str:
        """The customer's name, or "Walk-in" for an anonymous visitor."""
        return self.customer.name if self.customer else str(_l("Walk-in"))


# What CheckIn's properties work out, for the board, which reads plain columns (no objects).
def needs_of(first_need: Need, other_needs: str) -> list[Need]:
    """The first need followed by the other needs discovered (comma-separated values)."""
    others = [Need(v) for v in other_needs.split(",") if v]
    return [first_need, *[n for n in others if n != first_need]]


def deciding_amount_fen(amount_fen: int | None, band: AmountBand | None) -> int | None:
    """The exact amount when told, else the band's floor, else none."""
    if amount_fen is not None:
        return amount_fen
    return band.floor_fen if band else None
