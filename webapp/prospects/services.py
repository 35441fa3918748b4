"""Every state change of the prospect list; each stage move is written to the history."""

from datetime import date

from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.prospects.models import Prospect, Stage, StageChange
from webapp.sales.models import SaleSource
from webapp.sales.services import record_sale
from webapp.schedule.models import EntryKind
from webapp.schedule.services import complete_source_entry, sync_source_entry
from webapp.sync.protocol import create_once
from webapp.timeutil import now_naive

SOURCE = "prospect"


class StageError(Exception):
    """The move is not allowed (closed prospect, lost without a reason)."""


def sync_follow_up(prospect: Prospect) -> None:
    """Keep the follow-up date in the owner's schedule (removed once the prospect closes)."""
    if not prospect.stage.is_open:
        complete_source_entry(SOURCE, prospect.id)
        return
    sync_source_entry(
        source_type=SOURCE,
        source_id=prospect.id,
        on=prospect.next_follow_up,
        staff_id=prospect.owner_id,
        branch_id=prospect.branch_id,
        kind=EntryKind.FOLLOW_UP,
        title=" · ".join(filter(None, (prospect.customer.name, prospect.product_name))),
        customer_id=prospect.customer_id,
    )


def create_prospect_once(
    *, customer, owner: Staff, data: dict, client_id: str | None, payload
) -> Prospect:
    """create_prospect, made once per client id when the form carries one (saved offline): a
    replay gets the first prospect; ClientIdReused for the same id with other contents."""
    if not client_id:
        return create_prospect(customer=customer, owner=owner, data=data)
    return create_once(
        Prospect,
        client_id,
        payload,
        lambda: create_prospect(customer=customer, owner=owner, data=data),
    )[0]


def create_prospect(*, customer, owner: Staff, data: dict, changed_at=None) -> Prospect:
    """Put a customer on the owner's prospect list at stage "new", with its follow-up in the schedule."""
    prospect = Prospect(
        branch_id=customer.branch_id,
        customer=customer,
        owner_id=owner.id,
        category=data["category"],
        product_name=data.get("product_name") or "",
        expected_amount_fen=data.get("expected_amount_fen") or 0,
        next_follow_up=data.get("next_follow_up"),
        potential=data.get("potential") or "",
        stage=Stage.NEW,
    )
    if changed_at is not None:
        prospect.created_at = changed_at
    db.session.add(prospect)
    prospect.history.append(
        StageChange(
            staff_id=owner.id,
            from_stage=None,
            to_stage=Stage.NEW,
            changed_at=changed_at or now_naive(),
        )
    )
    db.session.flush()
    sync_follow_up(prospect)
    db.session.flush()
    return prospect


def move_stage(
    prospect: Prospect,
    to: Stage,
    by: Staff,
    *,
    reason: str = "",
    amount_fen=None,
    product_name: str = "",
    at=None,
) -> Prospect:
    """Move a prospect to a stage (one tap); won records the sale credited to the owner.

    Won sells the expected amount and product unless amount_fen / product_name say otherwise.
    Lost needs a reason. A closed prospect does not move again.
    """
    if not prospect.stage.is_open:
        raise StageError("closed")
    if to == prospect.stage:
        return prospect
    if to == Stage.LOST and not reason.strip():
        raise StageError("reason")
    at = at or now_naive()
    prospect.history.append(
        StageChange(
            staff_id=by.id,
            from_stage=prospect.stage,
            to_stage=to,
            note=reason.strip()[:200],
            changed_at=at,
        )
    )
    prospect.stage = to
    if to == Stage.LOST:
        prospect.lost_reason = reason.strip()[:200]
    if to == Stage.WON:
        if product_name:
            prospect.product_name = product_name.strip()[:120]
        amount = prospect.expected_amount_fen if amount_fen is None else amount_fen
        sale = record_sale(
            branch_id=prospect.branch_id,
            customer_id=prospect.customer_id,
            seller_id=prospect.owner_id,
            category=prospect.category,
            product_name=prospect.product_name or prospect.category.value,
            amount_fen=amount,
            source=SaleSource.PROSPECT,
            source_id=prospect.id,
            sold_at=at,
        )
        db.session.flush()
        prospect.sale_id = sale.id
        prospect.expected_amount_fen = amount
    sync_follow_up(prospect)
    db.session.flush()
    return prospect


def set_follow_up(prospect: Prospect, on: date | None) -> Prospect:
    """Set the next follow-up date; the schedule entry moves with it."""
    prospect.next_follow_up = on
    sync_follow_up(prospect)
    db.session.flush()
    return prospect
