"""The referrals domain's answers to the signals of the domains below it: the lobby asks whether a
walk-in meets the criteria and which check-ins have a referral; the push worker's pass asks for
the overdue referrals to be flagged; the lobby asks for its settings. Lobby and push so name no part of referrals."""

from sqlalchemy import func, select

from webapp import signals
from webapp.extensions import db
from webapp.referrals import criteria
from webapp.referrals.models import Referral
from webapp.referrals.queries import overdue, overdue_before
from webapp.referrals.tasks import notify_overdue


@signals.check_in_recorded.connect
def proposal(visit, clear_intent: bool = False, **_) -> dict:
    """The criteria the walk-in meets, or the simple products named when they meet none."""
    branch_criteria = criteria.criteria_for(visit.branch_id)
    facts = criteria.Facts(
        needs=tuple(visit.needs),
        amount_fen=visit.deciding_amount_fen,
        flow_fen=visit.flow_fen,
        clear_intent=clear_intent,
    )
    rules = criteria.matching_rules(branch_criteria, facts)
    simple = [] if rules else criteria.simple_products(branch_criteria)
    return {"rules": rules, "simple_products": simple}


@signals.lobby_board_shown.connect
def board_referrals(branch_id: int, check_in_ids=(), **_) -> dict[int, tuple[int, bool]]:
    """The latest referral of each check-in on the board, and whether it is overdue: one
    statement for the whole board."""
    if not check_in_ids:
        return {}
    latest = (
        select(func.max(Referral.id))
        .where(Referral.check_in_id.in_(check_in_ids))
        .group_by(Referral.check_in_id)
    )
    rows = db.session.execute(
        select(
            Referral.check_in_id, Referral.id, overdue(overdue_before(branch_id)).label("late")
        ).where(Referral.id.in_(latest), Referral.branch_id == branch_id)
    )
    return {row.check_in_id: (row.id, bool(row.late)) for row in rows}


@signals.lobby_settings.connect
def lobby_settings(branch_id: int, **_) -> dict:
    """The branch's wait limit and amount bands, kept with its referral criteria."""
    branch_criteria = criteria.criteria_for(branch_id)
    return {
        "wait_minutes": branch_criteria.wait_minutes,
        "bands": criteria.bands_for(branch_criteria),
    }


@signals.worker_pass.connect
def overdue_referrals(now, **_) -> int:
    """Flag the referrals left unaccepted too long; the signal it sends notifies the managers."""
    return notify_overdue(now)
