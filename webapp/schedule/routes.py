"""Day and week views of one's schedule, adding and completing entries, and the Today panel."""

from datetime import date, datetime, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp import fragments, inputs, timeutil
from webapp.auth.access import get_or_404, roles, scoped
from webapp.auth.models import ALL_ROLES, Role, Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.schedule import bp, queries, services
from webapp.schedule.forms import EntryForm
from webapp.schedule.models import EntryKind, ScheduleEntry

STAFF = ALL_ROLES - {Role.ADMIN}


@bp.route("/")
@roles(STAFF)
def day():
    """One day of the user's schedule (today unless ?day=YYYY-MM-DD)."""
    shown = inputs.day_arg("day")
    return render_template(
        "schedule/day.html",
        day=shown,
        entries=queries.day_entries(current_user.id, shown),
        prev_day=shown - timedelta(days=1),
        next_day=shown + timedelta(days=1),
        today=timeutil.local_today(),
    )


@bp.route("/week")
@roles(STAFF)
def week():
    """The week: each day's entries, and days planned against activities done.

    The branch manager may look at a colleague's week (?staff=ID), as in the one-on-one.
    """
    person = _person()
    start = timeutil.week_start(inputs.day_arg("start"))
    start_utc, _ = timeutil.day_bounds(start)
    entries = queries.entries_between(person.id, start_utc, start_utc + timedelta(days=7))
    by_day: dict[date, list] = {start + timedelta(days=i): [] for i in range(7)}
    for entry in entries:
        by_day.setdefault(timeutil.utc_to_local(entry.starts_at).date(), []).append(entry)
    return render_template(
        "schedule/week.html",
        start=start,
        by_day=by_day,
        summary=queries.week_summary(person.id, start),
        person=person,
        people=_people() if current_user.role == Role.BRANCH_MANAGER else [],
        prev_week=start - timedelta(days=7),
        next_week=start + timedelta(days=7),
        today=timeutil.local_today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(STAFF)
def new():
    """Add an activity to one's own schedule."""
    form = EntryForm()
    if request.method == "GET":
        form.day.data = inputs.day_arg("day")
        form.customer_id.data = request.args.get("customer_id", "")
        form.title.data = request.args.get("title", "")[:120]
    customer = _customer(form.customer_id.data)
    if form.validate_on_submit():
        starts_at = timeutil.local_to_utc(datetime.combine(form.day.data, form.start.data))
        services.create_entry(
            staff_id=current_user.id,
            branch_id=current_user.branch_id,
            kind=EntryKind(form.kind.data),
            title=form.title.data.strip(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=form.minutes.data or 60),
            customer_id=customer.id if customer else None,
        )
        return redirect(url_for("schedule.day", day=form.day.data.isoformat()), 303)
    return render_template("schedule/new.html", form=form, customer=customer)


@bp.route("/<int:entry_id>/done", methods=["POST"])
@roles(STAFF)
def done(entry_id: int):
    """Mark one's own entry done (or not done again); htmx gets the updated row."""
    entry = _own_entry(entry_id)
    services.set_done(entry, request.form.get("done", "1") == "1")
    if is_fragment():
        return render_template("schedule/_entry.html", entry=entry)
    return redirect(url_for("schedule.day", day=timeutil.utc_to_local(entry.starts_at).date()), 303)


def today_panel_html() -> Markup:
    """Today's schedule of the signed-in person, as Today shows it in the page."""
    today = timeutil.local_today()
    return fragments.panel(
        "schedule/_today_panel.html", entries=queries.day_entries(current_user.id, today)
    )


def _person() -> Staff:
    """Whose schedule to show: one's own, or for the branch manager a colleague's."""
    wanted = request.args.get("staff", "")
    if current_user.role != Role.BRANCH_MANAGER or not wanted.isdigit():
        return current_user
    person = (
        db.session.scalar(scoped(Staff).where(Staff.id == inputs.as_id(wanted)))
        if inputs.as_id(wanted)
        else None
    )
    if person is None:
        abort(404)
    return person


def _people():
    return db.session.execute(
        scoped(Staff)
        .with_only_columns(Staff.id, Staff.name)
        .where(Staff.active.is_(True), Staff.role != Role.ADMIN)
        .order_by(Staff.name_key, Staff.id)
    ).all()


def _own_entry(entry_id: int) -> ScheduleEntry:
    entry = get_or_404(ScheduleEntry, entry_id)
    if entry.staff_id != current_user.id:
        abort(404)
    return entry


def _customer(value) -> Customer | None:
    if not inputs.as_id(value):
        return None
    return db.session.scalar(scoped(Customer).where(Customer.id == inputs.as_id(value)))
