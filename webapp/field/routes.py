"""Market running: sweeps, the visit form (offline-capable), visit edits with conflicts."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectChoice

from webapp import fragments, timeutil
from webapp.auth.access import get_or_404, roles, scoped
from webapp.customers.models import Customer, CustomerKind
from webapp.customers.services import DuplicateCustomer
from webapp.errors import render_error
from webapp.extensions import db
from webapp.field import FIELD_ROLES, bp, next_steps, queries, route, services
from webapp.field.forms import ContactForm, SweepForm, VisitEditForm, VisitForm
from webapp.field.models import AreaKind, Outcome, PositionStatus, Stop, Sweep, Visit
from webapp.htmx import is_fragment
from webapp.inputs import as_id
from webapp.sync.protocol import (
    ClientIdReused,
    StaleVersion,
    invalid_form_status,
    parse_client_time,
)


@bp.route("/")
@roles(FIELD_ROLES)
def index():
    """The user's sweeps (today's first) and latest visits."""
    return render_template(
        "field/index.html",
        sweeps=queries.my_sweeps(current_user),
        visits=queries.recent_visits(current_user, limit=10),
        today=timeutil.local_today(),
    )


def today_panel_html() -> Markup:
    """Today's sweeps of the signed-in person (nothing for a role that does not run markets)."""
    if current_user.role not in FIELD_ROLES:
        return Markup()
    sweeps = queries.sweeps_on(current_user, timeutil.local_today())
    return fragments.panel("field/_today.html", sweeps=sweeps)


@bp.route("/sweeps/new", methods=["GET", "POST"])
@roles(FIELD_ROLES)
def new_sweep():
    """Plan a sweep: area, day, target customers and new names."""
    form = SweepForm(day=timeutil.local_today())
    smes = db.session.scalars(
        scoped(Customer)
        .where(Customer.kind == CustomerKind.SME)
        .order_by(Customer.name_key, Customer.id)
    ).all()
    form.customers.choices = [SelectChoice(c.id, c.name) for c in smes]
    if form.validate_on_submit():
        chosen = [c for c in smes if c.id in set(form.customers.data or [])]
        sweep = services.plan_sweep(
            current_user,
            area=form.area.data,
            area_kind=AreaKind(form.area_kind.data),
            day=form.day.data,
            customers=chosen,
            new_targets=services.parse_new_targets(form.new_targets.data),
        )
        return redirect(url_for("field.sweep", sweep_id=sweep.id), code=303)
    return render_template("field/sweep_form.html", form=form)


@bp.route("/sweeps/<int:sweep_id>")
@roles(FIELD_ROLES)
def sweep(sweep_id: int):
    """A day's sweep: stops visited and not yet visited, and the count of outcomes."""
    sweep = get_or_404(Sweep, sweep_id)
    visits = queries.sweep_visits(sweep)
    visited = {v.stop_id: v for v in visits if v.stop_id}
    # Until the phone says where it is, the route starts where the last located visit was.
    located = [v for v in visits if v.has_position]
    start = (located[-1].latitude, located[-1].longitude) if located else None
    legs = route.walking_order(sweep.stops, start, set(visited))
    return render_template(
        "field/sweep.html",
        sweep=sweep,
        visits=visits,
        visited=visited,
        legs=legs,
        points=route.map_points(
            legs,
            start,
            set(visited),
            tiles=current_app.config["MAP_TILES"],
            max_zoom=current_app.config["MAP_TILES_MAX_ZOOM"],
        ),
        map_size=(route.MAP_WIDTH, route.MAP_HEIGHT),
        counts=queries.outcome_counts(visits),
    )


@bp.route("/visits/new")
@roles(FIELD_ROLES)
def new_visit():
    """The visit form; works offline (the page fills in the client id and position)."""
    form = VisitForm(formdata=None)
    stop = None
    if stop_id := as_id(request.args.get("stop_id")):
        stop = db.session.scalar(
            select(Stop)
            .join(Sweep)
            .where(Stop.id == stop_id, Sweep.branch_id == current_user.branch_id)
        )
    if stop is not None:
        form.sweep_id.data, form.stop_id.data = str(stop.sweep_id), str(stop.id)
        form.business_name.data, form.place.data = stop.name, stop.address
    elif sweep_id := as_id(request.args.get("sweep_id")):
        form.sweep_id.data = str(sweep_id)
    # Every next step with no address yet: the page fills them in for a visit saved offline.
    offline_steps = [next_steps.NextStep(k, str(v), "") for k, v in next_steps.LABELS.items()]
    return render_template(
        "field/visit_form.html",
        form=form,
        offline_steps=offline_steps,
        offline_contact=ContactForm(formdata=None),
    )


@bp.route("/visits", methods=["POST"])
@roles(FIELD_ROLES)
def create_visit():
    """Store a visit once per client id; the same request again answers the same visit."""
    form = VisitForm()
    if not form.validate_on_submit():
        template = "field/_visit_form.html" if is_fragment() else "field/visit_form.html"
        return render_template(template, form=form), invalid_form_status()
    sweep_id, stop_id = _sweep_and_stop(form.sweep_id.data, form.stop_id.data)
    values = {
        "sweep_id": sweep_id,
        "stop_id": stop_id,
        "business_name": form.business_name.data.strip(),
        "place": (form.place.data or "").strip(),
        "industry": (form.industry.data or "").strip(),
        "contact_name": (form.contact_name.data or "").strip(),
        "contact_mobile": form.contact_mobile.data or "",
        "latitude": form.latitude.data,
        "longitude": form.longitude.data,
        "accuracy_m": form.accuracy_m.data,
        "position_status": PositionStatus(form.position_status.data),
        "checked_in_at": parse_client_time(form.checked_in_at.data)
        or parse_client_time(request.form.get("queued_at")),
        "shown": (form.shown.data or "").strip(),
        "outcome": Outcome(form.outcome.data),
        "notes": (form.notes.data or "").strip(),
    }
    try:
        visit, created = services.record_visit(
            current_user, values, client_id=form.client_id.data, payload=request.form
        )
    except ClientIdReused:
        return render_error(
            400, _("This device sent two different forms under the same id. Nothing was saved.")
        )
    if is_fragment():
        return render_template("field/_visit_saved.html", visit=visit, **_what_follows(visit)), (
            201 if created else 200
        )
    return redirect(url_for("field.visit", visit_id=visit.id), code=303)


def _sweep_and_stop(sweep_id: str, stop_id: str) -> tuple[int | None, int | None]:
    """The sweep and stop ids, kept only when they are the user's branch's."""
    stop = None
    if as_id(stop_id):
        stop = db.session.scalar(
            select(Stop)
            .join(Sweep)
            .where(Stop.id == as_id(stop_id), Sweep.branch_id == current_user.branch_id)
        )
    if stop is not None:
        return stop.sweep_id, stop.id
    if as_id(sweep_id):
        sweep = db.session.scalar(scoped(Sweep).where(Sweep.id == as_id(sweep_id)))
        if sweep is not None:
            return sweep.id, None
    return None, None


@bp.route("/visits/<int:visit_id>")
@roles(FIELD_ROLES)
def visit(visit_id: int):
    """One visit: where, when, what was shown and how it ended."""
    visit = get_or_404(Visit, visit_id)
    return render_template(
        "field/visit.html",
        visit=visit,
        from_stop=route.metres_from_stop(visit),
        **_what_follows(visit),
    )


def _what_follows(visit: Visit) -> dict:
    """The next steps of a visit's outcome, and the contact's form when they can be made a
    customer."""
    contact_form = None
    if next_steps.offers_contact(visit):
        contact_form = ContactForm(formdata=None)
        contact_form.name.data, contact_form.mobile.data = visit.contact_name, visit.contact_mobile
        contact_form.stop_id.data = str(visit.stop_id or "")
    return {"steps": next_steps.next_steps(visit), "contact_form": contact_form}


@bp.route("/contacts", methods=["POST"])
@roles(FIELD_ROLES)
def contact_to_customer():
    """Make the contact met at a stop a customer (source: market running), once per client id;
    a mobile already the branch's names that customer instead."""
    form = ContactForm()
    if not form.validate_on_submit():
        return render_template("field/_contact_form.html", contact_form=form), invalid_form_status()
    _, stop_id = _sweep_and_stop("", form.stop_id.data)
    stop = db.session.get(Stop, stop_id) if stop_id else None
    try:
        customer, created = services.contact_to_customer(
            current_user,
            name=form.name.data.strip(),
            mobile=form.mobile.data or None,
            stop=stop,
            client_id=form.client_id.data,
            payload=request.form,
        )
    except ClientIdReused:
        return render_error(
            400, _("This device sent two different forms under the same id. Nothing was saved.")
        )
    except DuplicateCustomer as duplicate:
        db.session.rollback()
        customer, created = duplicate.existing, None
    if not is_fragment():
        return redirect(url_for("customers.detail", customer_id=customer.id), code=303)
    steps = next_steps.after_contact(customer.id, stop.address if stop else "")
    return render_template(
        "field/_contact_saved.html", customer=customer, existing=created is None, steps=steps
    ), (201 if created else 200)


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@roles(FIELD_ROLES)
def edit_visit(visit_id: int):
    """Change a visit's outcome and notes; a stale edit answers 409 with both versions."""
    visit = get_or_404(Visit, visit_id)
    if visit.staff_id != current_user.id:
        abort(403)
    if request.method == "GET":
        form = VisitEditForm(formdata=None, obj=visit)
        form.outcome.data = visit.outcome.value
        return render_template("field/visit_edit.html", form=form, visit=visit)
    form = VisitEditForm()
    if not form.validate_on_submit():
        return render_template(
            "field/visit_edit.html", form=form, visit=visit
        ), invalid_form_status()
    try:
        services.edit_visit(
            visit,
            version=form.version.data,
            edit_id=form.client_id.data,
            outcome=Outcome(form.outcome.data),
            notes=(form.notes.data or "").strip(),
            # An edit queued by a page without the field leaves the pages as they are.
            shown=(form.shown.data or "").strip() if "shown" in request.form else None,
        )
    except StaleVersion:
        db.session.rollback()
        visit = db.session.get(Visit, visit_id)
        return render_template(
            "field/visit_conflict.html",
            visit=visit,
            form=form,
            mine_outcome=Outcome(form.outcome.data),
        ), 409
    return redirect(url_for("field.visit", visit_id=visit.id), code=303)
