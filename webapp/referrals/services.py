"""Every state change of a referral: create, accept, move on, win with its credit, allocate."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp import signals, timeutil
from webapp.auth.models import Staff
from webapp.customers import services as customer_services
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.customers.services import create_customer
from webapp.extensions import db
from webapp.lobby import services as lobby_services
from webapp.lobby.models import CheckIn, Need
from webapp.referrals import criteria as policy
from webapp.referrals.models import (
    RECEIVER_ROLES,
    CreditState,
    Kind,
    Presence,
    Referral,
    ReferralEvent,
    Rule,
    State,
)
from webapp.referrals.queries import receiver_statuses
from webapp.sales.models import CreditRole, ProductCategory, SaleSource
from webapp.sales.services import record_sale

# Which states each state may move on to (won and lost also straight from accepted).
NEXT_STATES = {
    State.REFERRED: {State.ACCEPTED, State.DECLINED},
    State.ACCEPTED: {State.CONTACTED, State.MET, State.WON, State.LOST, State.DECLINED},
    State.CONTACTED: {State.MET, State.WON, State.LOST},
    State.MET: {State.WON, State.LOST},
}


class ReferralError(Exception):
    """A referral change the rules refuse; `field` says which form field the message sits by."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field = field


class ReceiverBusy(ReferralError):
    """The chosen receiver is serving a customer or out; `free` lists colleagues who are free."""

    def __init__(self, receiver: Staff, status: str, free: list[Staff]):
        if status == "out":
            message = _l("%(name)s is out in the field.", name=receiver.name)
        else:
            message = _l("%(name)s is serving a customer.", name=receiver.name)
        super().__init__(message, "receiver_id")
        self.free = free


def _log(referral: Referral, staff: Staff | None, action: str, before: str = "", note: str = ""):
    referral.events.append(
        ReferralEvent(
            at=timeutil.now_naive(),
            by_id=staff.id if staff else None,
            action=action,
            from_state=before,
            to_state=referral.state.value,
            note=note[:200],
        )
    )


def check_receiver(referrer: Staff, receiver: Staff | None) -> Staff:
    """Refuse a receiver from another branch, the referrer themself, or a non-seller."""
    if receiver is None or not receiver.active:
        raise ReferralError(_l("Choose who receives the referral."), "receiver_id")
    if receiver.branch_id != referrer.branch_id:
        raise ReferralError(_l("The receiver works in another branch."), "receiver_id")
    if receiver.id == referrer.id:
        raise ReferralError(
            _l("Refer the customer to a colleague, not to yourself."), "receiver_id"
        )
    if receiver.role not in RECEIVER_ROLES:
        raise ReferralError(
            _l("%(name)s does not take referrals.", name=receiver.name), "receiver_id"
        )
    return receiver


def create_referral(
    *,
    referrer: Staff,
    receiver: Staff | None,
    customer: Customer,
    need: Need,
    rule: Rule | None = None,
    hot: bool = False,
    note: str = "",
    check_in: CheckIn | None = None,
    callback_contact: str = "",
    callback_at: datetime | None = None,
    allow_busy: bool = False,
    kind: Kind = Kind.INTERNAL,
    introducer: str = "",
    second_referrer: Staff | None = None,
) -> Referral:
    """Refer a customer to a colleague; a busy receiver needs a callback time or allow_busy.

    The receiver is told through the `referral_sent` signal before the commit.
    """
    check_receiver(referrer, receiver)
    if customer.branch_id != referrer.branch_id:
        raise ReferralError(_l("The customer belongs to another branch."), "customer_id")
    if second_referrer is not None and (
        second_referrer.branch_id != referrer.branch_id or second_referrer.id == referrer.id
    ):
        raise ReferralError(_l("The second referrer must be another colleague of this branch."))
    callback = bool(callback_at or callback_contact.strip())
    if callback and callback_at is None:
        raise ReferralError(_l("Enter the preferred time for the callback."), "callback_at")
    if callback and not callback_contact.strip():
        raise ReferralError(_l("Enter how to reach the customer."), "callback_contact")
    if not callback and not allow_busy:
        statuses = receiver_statuses(referrer.branch_id)
        status = next((s for staff, s in statuses if staff.id == receiver.id), "free")
        if status != "free":
            free = [s for s, st in statuses if st == "free" and s.id != referrer.id]
            free.sort(
                key=lambda s: s.role is not receiver.role
            )  # a colleague in the same role first
            raise ReceiverBusy(receiver, status, free)
    now = timeutil.now_naive()
    referral = Referral(
        branch_id=referrer.branch_id,
        kind=kind,
        referrer_id=referrer.id,
        second_referrer_id=second_referrer.id if second_referrer else None,
        receiver_id=receiver.id,
        customer_id=customer.id,
        check_in_id=check_in.id if check_in else None,
        need=need,
        rule=Rule.CLEAR_INTENT if hot and rule is None else rule,
        hot=hot,
        note=note.strip()[:200],
        introducer=introducer.strip()[:120],
        callback_requested=callback,
        callback_contact=callback_contact.strip()[:60],
        callback_at=callback_at,
        state=State.REFERRED,
        referred_on=timeutil.local_date(now),
        created_at=now,
    )
    referral.referrer, referral.receiver, referral.customer = referrer, receiver, customer
    _log(referral, referrer, "referred", note=note)
    if check_in is not None:
        if check_in.customer_id is None:
            check_in.customer_id = customer.id
        lobby_services.mark_referred(check_in)
    db.session.add(referral)
    db.session.flush()
    signals.referral_sent.send(referral)
    db.session.flush()
    return referral


def create_external_referral(
    *, referrer: Staff, receiver: Staff | None, introducer: str, name: str, mobile: str,
    need: Need, note: str = "",
) -> Referral:  # fmt: skip
    """A customer or centre of influence introduces a prospect: a new customer, then a referral.

    Raises DuplicateCustomer when the mobile is already the branch's.
    """
    if not introducer.strip():
        raise ReferralError(_l("Enter who introduced the prospect."), "introducer")
    check_receiver(referrer, receiver)
    customer = create_customer(
        branch_id=referrer.branch_id,
        kind=CustomerKind.INDIVIDUAL,
        name=name,
        mobile=mobile or None,
        acquired_via=Acquisition.REFERRAL,
    )
    customer.introduced_by = introducer.strip()[:120]
    db.session.flush()
    return create_referral(
        referrer=referrer, receiver=receiver, customer=customer, need=need, note=note,
        allow_busy=True, kind=Kind.EXTERNAL, introducer=introducer,
    )  # fmt: skip


def _move(referral: Referral, staff: Staff, to: State, note: str = "") -> None:
    if to not in NEXT_STATES.get(referral.state, set()):
        raise ReferralError(
            _l("A referral that is %(state)s cannot become %(to)s.", state=referral.state.label, to=to.label)
        )  # fmt: skip
    before = referral.state.value
    referral.state = to
    if not to.is_open:
        referral.closed_at = timeutil.now_naive()
        # The receiver is no longer serving the walk-in: free for the next referral.
        lobby_services.release(referral.check_in_id, referral.receiver_id)
    _log(referral, staff, to.value, before, note)


def _only_receiver(referral: Referral, staff: Staff) -> None:
    if staff.id != referral.receiver_id:
        raise ReferralError(_l("Only the receiver can do this."))


def accept(referral: Referral, staff: Staff) -> Referral:
    """The receiver takes the customer; a lobby walk-in becomes theirs to serve."""
    _only_receiver(referral, staff)
    _move(referral, staff, State.ACCEPTED)
    referral.accepted_at = timeutil.now_naive()
    customer = referral.customer
    if customer is not None and customer.owner_id is None:
        # A walk-in typed at the lobby belongs to nobody until a receiver takes them on.
        customer_services.assign_owner(customer, staff, by=staff)
    if referral.check_in_id:
        visit = db.session.get(CheckIn, referral.check_in_id)
        lobby_services.start_serving(visit, staff)
    signals.referral_accepted.send(referral)
    db.session.flush()
    return referral


def decline(referral: Referral, staff: Staff, reason: str) -> Referral:
    """The receiver declines, with a reason."""
    _only_receiver(referral, staff)
    if not reason.strip():
        raise ReferralError(_l("Give a reason."), "reason")
    _move(referral, staff, State.DECLINED, reason)
    referral.reason = reason.strip()[:200]
    db.session.flush()
    return referral


def advance(referral: Referral, staff: Staff, to: State) -> Referral:
    """The receiver records contact or the meeting."""
    _only_receiver(referral, staff)
    if to not in (State.CONTACTED, State.MET):
        raise ReferralError(_l("Use the won or lost form for the outcome."))
    _move(referral, staff, to)
    db.session.flush()
    return referral


def lose(referral: Referral, staff: Staff, reason: str) -> Referral:
    """The receiver closes the referral as lost, with a reason."""
    _only_receiver(referral, staff)
    if not reason.strip():
        raise ReferralError(_l("Give a reason."), "reason")
    _move(referral, staff, State.LOST, reason)
    referral.reason = reason.strip()[:200]
    db.session.flush()
    return referral


def open_case(referral: Referral) -> str:
    """Why the rule cannot settle the credit ('' when it can)."""
    if referral.disputed:
        return str(_l("The referral is disputed."))
    if referral.reassigned:
        return str(_l("The referral was reassigned."))
    if referral.second_referrer_id:
        return str(_l("Two colleagues referred the customer."))
    if policy.phase_on(referral.branch_id, referral.referred_on) is None:
        return str(_l("No split phase covers the day of the referral."))
    return ""


def fixed_and_open(referral: Referral) -> tuple[list[tuple[int, CreditRole, int]], int]:
    """The credit lines the rule fixes, and the share (bp) left for the manager to allocate."""
    phase = policy.phase_on(referral.branch_id, referral.referred_on)
    if phase is None or referral.disputed or referral.reassigned:
        return [], 10_000
    seller = (referral.receiver_id, CreditRole.SELLER, phase.seller_bp)
    if referral.second_referrer_id:
        return [seller], phase.referrer_bp
    return [(referral.referrer_id, CreditRole.REFERRER, phase.referrer_bp), seller], 0


def _record(referral: Referral, lines, reason: str = "") -> None:
    sale = record_sale(
        branch_id=referral.branch_id,
        customer_id=referral.customer_id,
        seller_id=referral.receiver_id,
        category=ProductCategory(referral.won_category),
        product_name=referral.won_product,
        amount_fen=referral.won_amount_fen,
        source=SaleSource.REFERRAL,
        source_id=referral.id,
        credit=lines,
        sold_at=referral.closed_at,
    )
    for line in sale.credit_lines:
        if line.role is CreditRole.MANUAL:
            line.reason = reason[:200]
    db.session.flush()
    referral.sale_id = sale.id
    referral.phase_id = (p := policy.phase_on(referral.branch_id, referral.referred_on)) and p.id
    referral.credit_state = CreditState.SETTLED


def win(
    referral: Referral, staff: Staff, *, category: ProductCategory, product: str, amount_fen: int
) -> Referral:
    """The receiver sold: the sale is recorded with the split in force on the referral's day.

    When the rule cannot settle the credit, the sale waits for the branch manager.
    """
    _only_receiver(referral, staff)
    if category.counted:
        amount_fen = 0  # one account or card opened: a count, credited by its value per unit
    elif amount_fen <= 0:
        raise ReferralError(_l("Enter an amount above zero."), "amount")
    if not product.strip():
        raise ReferralError(_l("Enter the product sold."), "product")
    _move(referral, staff, State.WON, product)
    referral.won_category = category.value
    referral.won_product = product.strip()[:120]
    referral.won_amount_fen = amount_fen
    lines, open_bp = fixed_and_open(referral)
    if open_bp:
        referral.credit_state = CreditState.PENDING
        _log(referral, staff, "credit_pending", note=open_case(referral))
    else:
        _record(referral, lines)
    db.session.flush()
    return referral


def allocate(referral: Referral, manager: Staff, shares: dict[int, int], reason: str) -> Referral:
    """The branch manager allocates the open share (bp per staff id) with a reason."""
    if referral.credit_state is not CreditState.PENDING:
        raise ReferralError(_l("This referral has no open share to allocate."))
    if not reason.strip():
        raise ReferralError(_l("Give a reason for the allocation."), "reason")
    lines, open_bp = fixed_and_open(referral)
    if any(not 0 <= bp <= 10_000 for bp in shares.values()):
        raise ReferralError(_l("Each share must be between 0 and 100%."), "shares")
    if sum(shares.values()) != open_bp:
        raise ReferralError(
            _l(
                "The shares must add up to the open %(share)s exactly.", share=f"{open_bp / 100:g}%"
            ),
            "shares",
        )
    staff = {s.id: s for s in db.session.scalars(select(Staff).where(Staff.id.in_(shares)))}
    if any(s.branch_id != referral.branch_id for s in staff.values()) or len(staff) != len(shares):
        raise ReferralError(_l("Credit can go only to staff of this branch."), "shares")
    manual = [(sid, CreditRole.MANUAL, bp) for sid, bp in shares.items() if bp]
    _record(referral, lines + manual, reason.strip())
    _log(referral, manager, "allocated", note=reason)
    db.session.flush()
    return referral


def dispute(referral: Referral, manager: Staff, note: str) -> Referral:
    """The branch manager marks a referral as disputed: its credit waits for allocation."""
    if referral.credit_state is CreditState.SETTLED:
        raise ReferralError(_l("The credit is already settled."))
    if not note.strip():
        raise ReferralError(_l("Give a reason."), "reason")
    referral.disputed = True
    _log(referral, manager, "disputed", referral.state.value, note)
    if referral.state is State.WON and referral.credit_state is CreditState.NONE:
        referral.credit_state = CreditState.PENDING
    db.session.flush()
    return referral


def reassign(referral: Referral, manager: Staff, receiver: Staff | None) -> Referral:
    """The branch manager hands an open referral to another receiver (credit then waits)."""
    if not referral.state.is_open:
        raise ReferralError(_l("Only an open referral can be reassigned."))
    check_receiver(referral.referrer, receiver)
    if receiver.id == referral.receiver_id:
        raise ReferralError(_l("Choose a different receiver."), "receiver_id")
    before = referral.state.value
    referral.receiver_id, referral.receiver = receiver.id, receiver
    referral.reassigned = True
    referral.state, referral.accepted_at, referral.overdue_flagged_at = State.REFERRED, None, None
    # The referral keeps its own time (its ledger day); the new receiver's clock starts here.
    referral.reassigned_at = timeutil.now_naive()
    _log(referral, manager, "reassigned", before, receiver.name)
    signals.referral_sent.send(referral)
    db.session.flush()
    return referral


def set_presence(staff: Staff, out: bool) -> Presence:
    """A salesperson says they are out in the field, or back."""
    presence = db.session.get(Presence, staff.id) or Presence(staff_id=staff.id)
    presence.out = out
    db.session.add(presence)
    db.session.flush()
    return presence
