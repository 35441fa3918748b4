"""Every state change of the rhythm: targets, commitments, huddle notes, one-on-ones, plans."""

from datetime import date, timedelta

from sqlalchemy import select

from webapp.auth.models import Staff
from webapp.coaching.models import (
    COMMITMENT_FIELDS,
    ActionPlan,
    ActionPlanNote,
    Commitment,
    HuddleKind,
    HuddleNote,
    OneOnOne,
    PlanItem,
    PlanStatus,
)
from webapp.extensions import db
from webapp.schedule import services as schedule_services
from webapp.schedule.models import EntryKind
from webapp.timeutil import now_naive


def save_commitment(staff: Staff, day: date, values: dict[str, int], by: Staff) -> Commitment:
    """Record (or correct) a person's commitment for a day, in numbers."""
    commitment = db.session.scalar(
        select(Commitment).where(Commitment.staff_id == staff.id, Commitment.day == day)
    )
    if commitment is None:
        commitment = Commitment(branch_id=staff.branch_id, staff_id=staff.id, day=day)
        db.session.add(commitment)
    for name in COMMITMENT_FIELDS:
        setattr(commitment, name, int(values.get(name) or 0))
    commitment.entered_by_id = by.id
    return commitment


def save_huddle_notes(
    branch_id: int, day: date, kind: HuddleKind, notes: dict[int, str], by: Staff
) -> None:
    """Store the manager's coaching note per person for one huddle; empty notes are removed."""
    existing = {
        n.staff_id: n
        for n in db.session.scalars(
            select(HuddleNote).where(
                HuddleNote.branch_id == branch_id, HuddleNote.day == day, HuddleNote.kind == kind
            )
        )
    }
    for staff_id, text in notes.items():
        text = text.strip()
        note = existing.get(staff_id)
        if not text:
            if note is not None:
                db.session.delete(note)
            continue
        if note is None:
            note = HuddleNote(branch_id=branch_id, staff_id=staff_id, day=day, kind=kind)
            db.session.add(note)
        note.note = text
        note.author_id = by.id


def open_one_on_one(staff: Staff, week: date, manager: Staff | None) -> OneOnOne:
    """The one-on-one of a person for a week, created on first use (by either of the two)."""
    meeting = db.session.scalar(
        select(OneOnOne).where(OneOnOne.staff_id == staff.id, OneOnOne.week == week)
    )
    if meeting is None:
        meeting = OneOnOne(branch_id=staff.branch_id, staff_id=staff.id, week=week)
        db.session.add(meeting)
    if manager is not None:
        meeting.manager_id = manager.id
    db.session.flush()
    return meeting


def save_one_on_one(
    meeting: OneOnOne,
    *,
    by: Staff,
    manager_notes: str | None = None,
    own_notes: str | None = None,
    career_notes: str | None = None,
    folder_checked: bool | None = None,
    done_item_ids: set[int] | None = None,
    checked_item_ids: set[int] | None = None,
) -> None:
    """Save the meeting's notes and mark last week's plan items done or not.

    `checked_item_ids` are the items shown on the form; of those, `done_item_ids` are done.
    """
    for name, value in (
        ("manager_notes", manager_notes),
        ("own_notes", own_notes),
        ("career_notes", career_notes),
        ("folder_checked", folder_checked),
    ):
        if value is not None:
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if checked_item_ids:
        items = db.session.scalars(
            select(PlanItem).where(
                PlanItem.id.in_(checked_item_ids), PlanItem.staff_id == meeting.staff_id
            )
        )
        for item in items:
            item.done = item.id in (done_item_ids or set())
            if item.done:
                schedule_services.complete_source_entry("plan_item", item.id)


def add_plan_item(
    meeting: OneOnOne, *, action: str, due_on: date, customer_id: int | None = None
) -> PlanItem:
    """Add a follow-up item agreed in the meeting, planned for the following week."""
    item = PlanItem(
        branch_id=meeting.branch_id,
        staff_id=meeting.staff_id,
        one_on_one_id=meeting.id,
        week=meeting.week + timedelta(days=7),
        customer_id=customer_id,
        action=action.strip(),
        due_on=due_on,
    )
    db.session.add(item)
    db.session.flush()
    # The agreed item shows in the person's schedule on its day (the meeting's plan, 周计划).
    schedule_services.sync_source_entry(
        source_type="plan_item",
        source_id=item.id,
        on=due_on,
        staff_id=meeting.staff_id,
        branch_id=meeting.branch_id,
        kind=EntryKind.FOLLOW_UP,
        title=item.action,
        customer_id=customer_id,
    )
    return item


def create_action_plan(
    branch_id: int,
    *,
    owner_id: int,
    due_on: date,
    what: str,
    expected_effect: str,
    by: Staff,
    metric: str | None = None,
) -> ActionPlan:
    """Start a branch action plan: who, by when, does what, to achieve what effect, and the
    figure that shows the effect (optional)."""
    plan = ActionPlan(
        branch_id=branch_id,
        owner_id=owner_id,
        due_on=due_on,
        what=what.strip(),
        expected_effect=expected_effect.strip(),
        metric=metric or None,
        created_by_id=by.id,
    )
    db.session.add(plan)
    return plan


def add_plan_note(plan: ActionPlan, staff: Staff, note: str) -> ActionPlanNote:
    """Record progress on a plan; the first note sets an open plan in progress."""
    entry = ActionPlanNote(plan=plan, staff_id=staff.id, note=note.strip())
    db.session.add(entry)
    if plan.status == PlanStatus.OPEN:
        plan.status = PlanStatus.IN_PROGRESS
    db.session.flush()
    return entry


def update_action_plan(plan: ActionPlan, *, status: PlanStatus, result: str) -> None:
    """Move a plan on and record its result against the expected effect; closing stamps it."""
    plan.status = status
    plan.result = result.strip()
    plan.closed_at = now_naive() if status == PlanStatus.CLOSED else None
