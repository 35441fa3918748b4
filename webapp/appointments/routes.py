"""Appointment capture and the call log (both offline-capable), the list, one appointment and
its state."""

from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from webapp import timeutil
from webapp.appointments import bp, permissions, queries, services
from webapp.appointments.forms import AppointmentForm, CallForm, StateForm
from webapp.appointments.models import Appointment, Outcome, Reason, State, Via
from webapp.auth.access import get_or_404, roles
from webapp.auth.models import ALL_ROLES, Role
from webapp.customers import choice
from webapp.customers.models import Customer
from webapp.customers.queries import branch_customer
from webapp.errors import render_error
from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.inputs import as_id
from webapp.sync.protocol import ClientIdReused, invalid_form_status, parse_client_time

APPOINTMENT_ROLES = ALL_ROLES - {Role.ADMIN}


def to_utc(moment: datetime | None) -> datetime | None:
    """A local wall-clock time typed in the form as naive UTC, as stored."""
    return None if moment is None else timeutil.local_to_utc(moment)


def _form() -> AppointmentForm:
    form = AppointmentForm()
    meeters = queries.meeter_choices(current_user)
    if current_user.id not in {c[0] for c in meeters}:
        meeters.insert(0, (current_user.id, current_user.name))
    form.staff_id.choices = [SelectChoice(*c) for c in meeters]
    form.statement_id.choices = [SelectChoice(0, _("Write my own"))] + [
        SelectChoice(s.id, s.topic) for s in queries.statements(current_user)
    ]
    return form


def _call_context(form: CallForm) -> dict:
    """What the call form's picker shows: the customer chosen (one's own) and one's own
    customers, kept in the page for the search without signal."""
    chosen = branch_customer(form.customer_id.data)
    return {
        "chosen": chosen if chosen is not None and chosen.owner_id == current_user.id else None,
        "own_customers": queries.own_customers(current_user),
    }


def _index_page(call_form: CallForm, status: int = 200):
    return render_template(
        "appointments/index.html",
        appointments=queries.my_appointments(current_user),
        calls=queries.my_calls_today(current_user),
        call_form=call_form,
        **_call_context(call_form),
    ), status


@bp.route("/")
@roles(APPOINTMENT_ROLES)
def index():
    """Appointments I made or will attend, today's calls and the form to log one."""
    form = CallForm()
    form.customer_id.data = as_id(request.args.get("customer_id"))
    return _index_page(form)


@bp.route("/calls", methods=["POST"])
@roles(APPOINTMENT_ROLES)
def log_call():
    """Log a call once per client id (a call that fixed a meeting is logged by its form)."""
    form = CallForm()
    if not form.validate_on_submit():
        if is_fragment():
            return render_template(
                "appointments/_call_form.html", form=form, **_call_context(form)
            ), invalid_form_status()
        return _index_page(form, invalid_form_status())
    try:
        call, created = services.log_call(
            current_user,
            customer=form.customer,
            outcome=Outcome(form.outcome.data),
            note=form.note.data or "",
            called_at=parse_client_time(request.form.get("queued_at")),
            client_id=form.client_id.data,
            payload=request.form,
        )
    except ClientIdReused:
        return render_error(
            400, _("This device sent two different forms under the same id. Nothing was saved.")
        )
    if is_fragment():
        return render_template(
            "appointments/_call_saved.html", call=call, calls=queries.my_calls_today(current_user)
        ), (201 if created else 200)
    return redirect(url_for("appointments.index"), code=303)


@bp.route("/new")
@roles(APPOINTMENT_ROLES)
def new():
    """The guided four-step form; works offline once opened on the phone."""
    form = _form()
    if not form.is_submitted():
        form.greeting.data = _(
            "Hello, this is %(name)s, %(title)s at %(branch)s.",
            name=current_user.name,
            title=current_user.title or current_user.role_label,
            branch=current_user.branch.name,
        )
        form.staff_id.data = current_user.id
        form.customer_id.data = as_id(request.args.get("customer_id"))
        if request.args.get("via") in {v.value for v in Via}:
            form.via.data = request.args["via"]  # from a field visit: face to face
        # From a market-running visit: where, and the contact met when not yet a customer.
        form.place.data = request.args.get("place", "")[:200] or form.place.data
        form.new_name.data = request.args.get("new_name", "")[:120] or None
        form.new_mobile.data = request.args.get("new_mobile", "")[:20] or None
    return _form_page(form)


def _form_page(form: AppointmentForm, status: int = 200, **context):
    """The form (alone for htmx) with the customer it names, when the branch has them."""
    template = "appointments/_form.html" if is_fragment() else "appointments/form.html"
    return render_template(
        template,
        form=form,
        statements=queries.statements(current_user),
        chosen=branch_customer(form.customer_id.data),
        own_customers=queries.own_customers(current_user),
        **context,
    ), status


@bp.route("/", methods=["POST"])
@roles(APPOINTMENT_ROLES)
def create():
    """Store the appointment once per client id and put it in the schedule of who will meet."""
    form = _form()
    if not form.validate_on_submit():
        return _form_page(form, invalid_form_status(), picker_term=request.form.get("q", ""))
    customer = None
    if form.customer_id.data:
        customer = get_or_404(Customer, form.customer_id.data)
    try:
        appointment, created = services.capture_appointment(
            current_user,
            customer=customer,
            new_name=(form.new_name.data or "").strip(),
            new_mobile=form.new_mobile.data or "",
            meeter_id=form.staff_id.data,
            reason=Reason(form.reason.data),
            greeting=form.greeting.data,
            value_statement=form.value_statement.data,
            urgency=form.urgency.data or "",
            option_1=to_utc(form.option_1.data),
            option_2=to_utc(form.option_2.data),
            chosen_option=int(form.chosen_option.data),
            place=form.place.data,
            client_id=form.client_id.data,
            payload=request.form,
            via=Via(form.via.data),
            made_at=parse_client_time(request.form.get("queued_at")),
        )
    except ClientIdReused:
        return render_error(
            400, _("This device sent two different forms under the same id. Nothing was saved.")
        )
    except choice.DuplicateCustomer as duplicate:
        db.session.rollback()
        form.new_mobile.errors = [choice.duplicate_message(duplicate.existing)]
        form.customer_id.data = duplicate.existing.id
        return _form_page(form, invalid_form_status())
    if is_fragment():
        return render_template("appointments/_saved.html", appointment=appointment), (
            201 if created else 200
        )
    return redirect(url_for("appointments.detail", appointment_id=appointment.id), code=303)


@bp.route("/<int:appointment_id>")
@roles(APPOINTMENT_ROLES)
def detail(appointment_id: int):
    """One appointment: the call as recorded, when and where, and its state."""
    appointment = get_or_404(Appointment, appointment_id)
    return _detail_page(appointment, StateForm(formdata=None))


def _detail_page(appointment: Appointment, form: StateForm):
    return render_template(
        "appointments/detail.html",
        appointment=appointment,
        form=form,
        can_change=permissions.can_change(current_user, appointment),
        changes=queries.changes_of(appointment),
        arrived=queries.waiting_in_lobby(appointment),
    )


@bp.route("/<int:appointment_id>/state", methods=["POST"])
@roles(APPOINTMENT_ROLES)
def move(appointment_id: int):
    """Record that the appointment was held, missed, rescheduled or cancelled (its owner or the
    branch manager only), and who did it."""
    appointment = get_or_404(Appointment, appointment_id)
    if not permissions.can_change(current_user, appointment):
        abort(403)
    form = StateForm()
    if not form.validate_on_submit():
        return _detail_page(appointment, form)
    services.move_appointment(
        appointment,
        State(form.state.data),
        by=current_user,
        new_time=to_utc(form.new_time.data),
        note=form.note.data or "",
    )
    return redirect(url_for("appointments.detail", appointment_id=appointment.id), code=303)
