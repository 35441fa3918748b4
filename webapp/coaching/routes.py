"""Targets, huddles with commitments, one-on-ones and branch action plans."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.auth.access import get_or_404, roles, signed_in
from webapp.auth.models import SALES_ROLES, Role, Staff
from webapp.auth.queries import team
from webapp.coaching import bp, queries, services
from webapp.coaching.forms import (
    ActionPlanForm,
    ActionPlanUpdateForm,
    CommitmentForm,
    OneOnOneForm,
    OwnNotesForm,
    PlanItemForm,
    PlanNoteForm,
)
from webapp.coaching.models import (
    COMMITMENT_FIELDS,
    COMMITMENT_LABELS,
    ActionPlan,
    HuddleKind,
    PlanStatus,
)
from webapp.coaching.plans import PLAN_TEMPLATES
from webapp.errors import Refused
from webapp.extensions import db
from webapp.figures import lobby as lobby_figures
from webapp.figures import person as person_figures
from webapp.figures.charts import line_chart
from webapp.figures.effect import TRACKABLE_LABELS, effect
from webapp.figures.periods import (
    next_month,
    parse_day,
    parse_month,
)
from webapp.htmx import is_fragment
from webapp.inputs import CsrfForm
from webapp.referrals import queries as referral_queries
from webapp.timeutil import local_today, utc_to_local, week_start

MANAGER = Role.BRANCH_MANAGER
COMMITTERS = frozenset(Role) - {Role.BRANCH_MANAGER, Role.ADMIN}


@bp.route("/commitment", methods=["GET", "POST"])
@roles(COMMITTERS)
def commitment():
    """A member of staff enters their own commitment for today from their phone."""
    day = local_today()
    mine = queries.commitments_for(current_user.branch_id, day).get(current_user.id)
    carried = queries.carry_over(current_user.branch_id, [current_user], day).get(current_user.id)
    form = CommitmentForm(obj=mine)
    if request.method == "GET" and mine is None and carried:
        for name, short in carried["short"].items():
            getattr(form, name).data = short
    if form.validate_on_submit():
        services.save_commitment(current_user, day, form.data, current_user)
        flash(_("Your commitment for today is saved."), "ok")
        return redirect(url_for("coaching.commitment"))
    check = None
    if mine is not None:
        check = queries.check_commitments([current_user], {current_user.id: mine}, day).get(
            current_user.id
        )
    return render_template(
        "coaching/commitment.html",
        form=form,
        day=day,
        mine=mine,
        carried=carried,
        check=check,
        labels=COMMITMENT_LABELS,
        fields=COMMITMENT_FIELDS,
    )


@bp.route("/huddles/<kind>", methods=["GET", "POST"])
@roles(MANAGER)
def huddle(kind: str):
    """The morning or evening huddle sheet, with a coaching note per person."""
    try:
        kind = HuddleKind(kind)
    except ValueError:
        abort(404)
    day = parse_day(request.values.get("day"))
    branch_id = current_user.branch_id
    people = team(branch_id)
    form = CsrfForm()
    if form.validate_on_submit():
        notes = {p.id: request.form.get(f"note-{p.id}", "")[:2000] for p in people}
        services.save_huddle_notes(branch_id, day, kind, notes, current_user)
        flash(_("Coaching notes saved."), "ok")
        return redirect(url_for("coaching.huddle", kind=kind.value, day=day.isoformat()))
    commitments = queries.commitments_for(branch_id, day)
    context = {
        "kind": kind,
        "day": day,
        "people": people,
        "form": form,
        "notes": queries.huddle_notes(branch_id, day, kind),
        "commitments": commitments,
        "labels": COMMITMENT_LABELS,
        "fields": COMMITMENT_FIELDS,
    }
    if kind == HuddleKind.MORNING:
        celebrated = day - timedelta(days=1)
        context["carried"] = queries.carry_over(branch_id, people, day)
    else:
        celebrated = day
        context["all_checks"] = queries.check_commitments(people, commitments, day)
        context["rows"], context["totals"] = referral_queries.ledger(
            branch_id, day, day + timedelta(days=1)
        )
        context["radar"] = lobby_figures.radar(branch_id, day, day + timedelta(days=1))
    context["successes"] = queries.successes(branch_id, celebrated)
    context["wins"] = queries.wins(people, celebrated)
    return render_template("coaching/huddle.html", **context)


@bp.route("/one-on-ones/")
@roles(MANAGER)
def one_on_ones():
    """The salespeople and when each last had a one-on-one; those due come first."""
    week = week_start(local_today())
    due = {staff.id for staff, _ in queries.due_one_on_ones(current_user.branch_id, week)}
    people = team(current_user.branch_id, SALES_ROLES)
    return render_template("coaching/one_on_ones.html", people=people, due=due, week=week)


def _may_open(person: Staff) -> bool:
    """The person themself, their branch manager, or the administrator over the branch."""
    if person.id == current_user.id:
        return True
    return current_user.role in (MANAGER, Role.ADMIN)


def _plan_customer(person: Staff, item_form: PlanItemForm):
    """The customer picked for a plan item when they are the person's own; else an error."""
    customer_id = item_form.customer_id.data if item_form.customer_id.raw_data else None
    if not customer_id:
        return None
    customer = queries.customer_of(person, customer_id)
    if customer is None:
        item_form.customer_id.errors = [_("Pick one of %(name)s's customers.", name=person.name)]
    return customer


@bp.route("/one-on-ones/<int:staff_id>", methods=["GET", "POST"])
@signed_in
def one_on_one(staff_id: int):
    """One screen per salesperson per week: plan items, figures, tool use, notes, next week."""
    person = get_or_404(Staff, staff_id)
    if not _may_open(person):
        abort(403)
    if person.role not in SALES_ROLES:
        abort(404)
    week = week_start(parse_day(request.values.get("week")))
    is_manager = current_user.role == MANAGER
    meeting, history = queries.one_on_ones_until(person.id, week)
    form = (OneOnOneForm if is_manager else OwnNotesForm)(obj=meeting)
    item_form = PlanItemForm(prefix="item")
    plan_customer = None
    last_items, next_items = queries.plan_items(person.id, week, week + timedelta(days=7))
    if request.method == "POST" and current_user.role != Role.ADMIN:
        action = request.form.get("do", "save")
        if action == "add-item" and is_manager:
            valid = item_form.validate_on_submit()
            plan_customer = _plan_customer(
                person, item_form
            )  # after validate(), which clears errors
            if valid and not item_form.customer_id.errors:
                meeting = services.open_one_on_one(person, week, current_user)
                services.add_plan_item(
                    meeting,
                    action=item_form.action.data,
                    due_on=item_form.due_on.data,
                    customer_id=plan_customer.id if plan_customer else None,
                )
                flash(_("Plan item added for next week."), "ok")
                # Back at next week's plan, where the new item shows, not at the top of the page.
                return redirect(
                    url_for(
                        "coaching.one_on_one", staff_id=person.id, week=week, _anchor="next-title"
                    )
                )
        elif action == "save" and form.validate_on_submit():
            meeting = meeting or services.open_one_on_one(
                person, week, person.branch and current_user
            )
            values = {k: v for k, v in form.data.items() if k != "csrf_token"}
            if is_manager:
                shown = {int(i) for i in request.form.getlist("shown_item") if i.isdigit()}
                done = {int(i) for i in request.form.getlist("done_item") if i.isdigit()}
                values.update(done_item_ids=done, checked_item_ids=shown)
            services.save_one_on_one(meeting, by=current_user, **values)
            flash(_("One-on-one saved."), "ok")
            return redirect(url_for("coaching.one_on_one", staff_id=person.id, week=week))
    trend = person_figures.trend(person, week)
    week_figures = person_figures.week_figures(person, week)
    return render_template(
        "coaching/one_on_one.html",
        person=person,
        week=week,
        meeting=meeting,
        form=form,
        item_form=item_form,
        plan_customer=plan_customer,
        is_manager=is_manager,
        last_items=last_items,
        next_items=next_items,
        history=history,
        trend=trend,
        trend_chart=line_chart(
            _("Credit per week, last eight weeks (yuan)"),
            [f"{t['week']:%m/%d}" for t in trend],
            [t["credit_fen"] / 100 for t in trend],
        ),
        delta7=timedelta(days=7),
        **week_figures,
    )


@bp.route("/action-plans/", methods=["GET", "POST"])
@roles(MANAGER)
def action_plans():
    """The branch action plans (网点行动计划): open ones first, and a form for a new one,
    optionally started from one of the seed's templates (?template=)."""
    form = ActionPlanForm()
    form.owner_id.choices = [
        (p.id, p.name) for p in team(current_user.branch_id, frozenset(Role) - {Role.ADMIN})
    ]
    template = PLAN_TEMPLATES.get(request.args.get("template", ""))
    if request.method == "GET" and template:
        form.what.data, form.expected_effect.data = str(template["what"]), str(template["effect"])
        form.metric.data = template["metric"]
    if form.validate_on_submit():
        services.create_action_plan(
            current_user.branch_id,
            owner_id=form.owner_id.data,
            due_on=form.due_on.data,
            what=form.what.data,
            expected_effect=form.expected_effect.data,
            metric=form.metric.data,
            by=current_user,
        )
        flash(_("Action plan added."), "ok")
        return redirect(url_for("coaching.action_plans"))
    plans = db.session.scalars(
        select(ActionPlan)
        .options(selectinload(ActionPlan.owner))
        .where(ActionPlan.branch_id == current_user.branch_id)
        .order_by(ActionPlan.status == PlanStatus.CLOSED, ActionPlan.due_on.desc())
    ).all()
    return render_template(
        "coaching/action_plans.html", form=form, plans=plans, templates=PLAN_TEMPLATES
    )


def _plan_for_me(plan_id: int) -> ActionPlan:
    """The plan, for the branch manager or the person it names; 403 for anyone else."""
    plan = get_or_404(ActionPlan, plan_id)
    if current_user.role != MANAGER and plan.owner_id != current_user.id:
        raise Refused(
            _("This action plan does not name you: only its person and the branch manager open it.")
        )
    return plan


def _plan_page(plan: ActionPlan, form=None, note_form=None, status: int = 200):
    """The plan page: the plan, its effect from the records, its progress notes and forms."""
    if form is None and current_user.role == MANAGER:
        form = ActionPlanUpdateForm(obj=plan)
        form.status.data = plan.status.value
    started = utc_to_local(plan.created_at).date()
    return render_template(
        "coaching/action_plan.html",
        plan=plan,
        form=form,
        note_form=note_form or PlanNoteForm(formdata=None),
        effect=effect(plan.owner_id, plan.metric, started, plan.due_on) if plan.metric else None,
        metric_label=TRACKABLE_LABELS.text(plan.metric) if plan.metric else "",
    ), status


@bp.route("/action-plans/<int:plan_id>", methods=["GET", "POST"])
@signed_in
def action_plan(plan_id: int):
    """One action plan: its effect from the records and its progress; the manager moves it on
    and records the result against the expected effect."""
    plan = _plan_for_me(plan_id)
    if request.method == "GET":
        return _plan_page(plan)
    if current_user.role != MANAGER:
        abort(403)
    form = ActionPlanUpdateForm()
    if form.validate_on_submit():
        services.update_action_plan(
            plan, status=PlanStatus(form.status.data), result=form.result.data
        )
        flash(_("Action plan updated."), "ok")
        return redirect(url_for("coaching.action_plans"))
    return _plan_page(plan, form=form, status=400)


@bp.route("/action-plans/<int:plan_id>/notes", methods=["POST"])
@signed_in
def plan_note(plan_id: int):
    """Record progress on a plan (the person it names, or the manager)."""
    plan = _plan_for_me(plan_id)
    if plan.status == PlanStatus.CLOSED:
        abort(409)
    note_form = PlanNoteForm()
    if not note_form.validate_on_submit():
        return _plan_page(plan, note_form=note_form, status=400)
    services.add_plan_note(plan, current_user, note_form.note.data)
    flash(_("Progress recorded."), "ok")
    return redirect(url_for("coaching.action_plan", plan_id=plan.id), 303)


@bp.route("/action-plans/month")
@roles(MANAGER)
def month_plans():
    """The plans due in a month with their effect, for the monthly report (a fragment; a plain
    visit gets the report)."""
    month = parse_month(request.args.get("month"))
    if not is_fragment():
        return redirect(url_for("figures.monthly", month=f"{month:%Y-%m}", _anchor="month-plans"))
    plans = db.session.scalars(
        select(ActionPlan)
        .options(selectinload(ActionPlan.owner))
        .where(
            ActionPlan.branch_id == current_user.branch_id,
            ActionPlan.due_on >= month,
            ActionPlan.due_on < next_month(month),
        )
        .order_by(ActionPlan.due_on, ActionPlan.id)
    ).all()
    rows = [
        (
            plan,
            TRACKABLE_LABELS.text(plan.metric) if plan.metric else "",
            effect(plan.owner_id, plan.metric, utc_to_local(plan.created_at).date(), plan.due_on)
            if plan.metric
            else None,
        )
        for plan in plans
    ]
    return render_template("coaching/_month_plans.html", rows=rows)
