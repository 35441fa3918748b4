"""Every state change of the lobby: checking a walk-in in, serving, finishing."""

from sqlalchemy import func, select

from webapp import signals, timeutil
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.lobby.models import (
    Band,
    CheckIn,
    Desk,
    Need,
    Rating,
    RatingReason,
    Script,
    VisitState,
)


def next_ticket(branch_id: int) -> int:
    """The next running number of the branch's local day."""
    start, end = timeutil.day_bounds(timeutil.local_date())
    last = db.session.scalar(
        select(func.max(CheckIn.ticket)).where(
            CheckIn.branch_id == branch_id, CheckIn.created_at >= start, CheckIn.created_at < end
        )
    )
    return (last or 0) + 1


def check_in_visitor(
    *,
    staff: Staff,
    first_need: Need,
    other_needs: list[Need] | None = None,
    customer_id: int | None = None,
    band: Band | None = None,
    amount_fen: int | None = None,
    flow_fen: int | None = None,
    note: str = "",
    desk: Desk = Desk.LOBBY,
) -> CheckIn:
    """Record a walk-in (anonymous when no customer) in the member of staff's branch."""
    visit = CheckIn(
        branch_id=staff.branch_id,
        ticket=next_ticket(staff.branch_id),
        customer_id=customer_id,
        first_need=first_need,
        other_needs=",".join(n.value for n in (other_needs or []) if n != first_need),
        band_floor_fen=band.floor_fen if band else None,
        band_ceiling_fen=band.ceiling_fen if band else None,
        amount_fen=amount_fen,
        flow_fen=flow_fen,
        note=note.strip(),
        desk=desk,
        checked_in_by_id=staff.id,
        created_at=timeutil.now_naive(),
    )
    if desk is Desk.COUNTER:  # the teller who enters it is already serving the customer
        visit.state, visit.served_by_id, visit.served_at = (
            VisitState.SERVING,
            staff.id,
            visit.created_at,
        )
    db.session.add(visit)
    db.session.flush()
    return visit


def record_answers(visit: CheckIn, answers: list[dict]) -> tuple[list, list]:
    """Keep what the domains above answered about a new check-in (signals.check_in_recorded):
    whether it met a referral criterion as they stand now, and the customer's appointment
    today. Returns the criteria met and, when none, the simple products to name."""
    rules, simple, appointment = [], [], None
    for answer in answers:
        rules.extend(answer.get("rules", ()))
        simple.extend(answer.get("simple_products", ()))
        appointment = appointment or answer.get("appointment")
    visit.met_criterion = bool(rules)
    if appointment is not None:
        visit.appointment_id, visit.appointment_at, visit.appointment_staff_id = appointment
    db.session.flush()
    return rules, [] if rules else simple


def start_serving(visit: CheckIn, staff: Staff) -> CheckIn:
    """The member of staff takes the walk-in: being served, by them. When they are the one
    the customer's appointment is with, the appointment was held (signals.appointment_met)."""
    visit.state = VisitState.SERVING
    visit.served_by_id = staff.id
    visit.served_at = timeutil.now_naive()
    db.session.flush()
    if visit.appointment_id and staff.id == visit.appointment_staff_id:
        signals.appointment_met.send(visit)
    return visit


def meet(visit: CheckIn, staff: Staff) -> CheckIn:
    """The person the walk-in's appointment is with takes them from their phone: they start
    serving, and the appointment is held. Anyone else: NotYours."""
    if visit.appointment_staff_id != staff.id or visit.state is not VisitState.WAITING:
        raise NotYours
    return start_serving(visit, staff)


class NotRateable(ValueError):
    """A rating before 办结, or 不满意 without its reason."""


def rate(visit: CheckIn, rating: Rating, reason: RatingReason | None = None) -> CheckIn:
    """The customer's one tap at 办结; 不满意 needs its reason, the others take none."""
    if visit.state is not VisitState.DONE or (rating is Rating.UNSATISFIED and reason is None):
        raise NotRateable
    visit.rating = rating
    visit.rating_reason = reason if rating is Rating.UNSATISFIED else None
    visit.rated_at = timeutil.now_naive()
    db.session.flush()
    return visit


def save_scripts(branch_id: int, texts: dict[Need, tuple[str, str]], staff: Staff) -> None:
    """Keep the branch's greeting and referral scripts, one pair per need (blank: none)."""
    kept = {
        s.need: s for s in db.session.scalars(select(Script).where(Script.branch_id == branch_id))
    }
    for need, (greeting, referral) in texts.items():
        script = kept.get(need)
        if script is None:
            if not (greeting.strip() or referral.strip()):
                continue
            script = Script(branch_id=branch_id, need=need)
            db.session.add(script)
        script.greeting, script.referral = greeting.strip(), referral.strip()
        script.updated_by_id = staff.id
    db.session.flush()


def mark_referred(visit: CheckIn) -> None:
    """The walk-in was referred to a colleague (the referral service calls this)."""
    visit.state = VisitState.REFERRED


def finish(visit: CheckIn) -> CheckIn:
    """The walk-in leaves: done."""
    visit.state = VisitState.DONE
    visit.done_at = timeutil.now_naive()
    db.session.flush()
    return visit


class NotYours(Exception):
    """Only the person serving the walk-in (or the lobby) may end the serving."""


def end_serving(visit: CheckIn, staff: Staff, lobby: bool = False) -> CheckIn:
    """The person serving the walk-in ends it (办结), and is free for the next customer; the
    lobby's own staff (`lobby`) may end any visit of the branch."""
    if not lobby and visit.served_by_id != staff.id:
        raise NotYours
    if visit.state is not VisitState.DONE:
        finish(visit)
    return visit


def release(check_in_id: int | None, receiver_id: int) -> None:
    """A referral closed: the walk-in its receiver was serving is done, the receiver free."""
    visit = db.session.get(CheckIn, check_in_id) if check_in_id else None
    if (
        visit is not None
        and visit.state is VisitState.SERVING
        and visit.served_by_id == receiver_id
    ):
        finish(visit)
