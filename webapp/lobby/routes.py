"""Lobby views for the lobby manager's tablet and the teller's counter."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from webapp import signals
from webapp.auth.access import get_or_404, roles
from webapp.auth.models import ALL_ROLES, Role, Staff
from webapp.customers import choice
from webapp.customers.models import Acquisition, mask_mobile
from webapp.customers.queries import branch_customer
from webapp.extensions import db
from webapp.fragments import form_once, pure_fragment, slot_csrf
from webapp.htmx import is_fragment
from webapp.inputs import CsrfForm
from webapp.lobby import bp, queries, services
from webapp.lobby.forms import CheckInForm
from webapp.lobby.models import (
    Band,
    CheckIn,
    Desk,
    Need,
    Rating,
    RatingReason,
    amount_text,
    needs_of,
)

LOBBY_ROLES = {Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_MANAGER}


def _board_context() -> dict:
    rows = queries.todays_board(current_user)
    referrals = queries.board_referrals(current_user, rows)
    limit = queries.lobby_settings(current_user.branch_id)["wait_minutes"]
    return {"rows": [_row(row, limit, *referrals.get(row.id, (None, False))) for row in rows]}


def _bands() -> tuple[Band, ...]:
    """The branch's amount bands, cut at its referral criteria thresholds."""
    return queries.lobby_settings(current_user.branch_id)["bands"]


def _row(row, limit_minutes: int, referral_id: int | None, overdue: bool) -> Markup:
    """A board row from the values it shows: rendered again only when one of them changed (a
    polled board of a busy day is mostly rows that did not)."""
    return pure_fragment(
        "lobby/_visit.html",
        id=row.id,
        ticket=row.ticket,
        state=row.state,
        name=row.customer_name,
        mobile=mask_mobile(row.mobile) or None,  # none for an anonymous walk-in
        needs=tuple(needs_of(row.first_need, row.other_needs)),
        amount=amount_text(row.amount_fen, row.band_floor_fen, row.band_ceiling_fen),
        minutes=queries.minutes_waited(row),
        late=queries.waited_too_long(row, limit_minutes),
        server=row.server_name,
        referral_id=referral_id,
        overdue=overdue,
        appointment_at=row.appointment_at,
        owner=row.owner_name,
        owner_serving=row.served_by_id is not None and row.served_by_id == row.appointment_staff_id,
        rating=row.rating,
        reason=row.rating_reason,
    )


def _panel(
    form: CheckInForm,
    result: CheckIn | None = None,
    rules=(),
    duplicate=None,
    simple=(),
    earlier=None,
):
    # The simple products are named only beside a check-in that met no criterion.
    return {
        "form": form,
        "result": result,
        "rules": rules,
        "duplicate": duplicate,
        "earlier": earlier,
        "chosen": branch_customer(form.customer_id.data),
        "simple_products": simple,
    }


def _desk() -> str:
    return Desk.COUNTER.value if current_user.role is Role.TELLER else Desk.LOBBY.value


def _new_form(bands: tuple[Band, ...]) -> CheckInForm:
    form = CheckInForm(formdata=None, bands=bands)
    form.desk.data = _desk()
    return form


@bp.route("/")
@roles(LOBBY_ROLES)
def board():
    """The lobby manager's home: check a walk-in in with a few taps; today's board beside it."""
    # The branch's referral criteria are read (and made on first use) when a walk-in is
    # checked in, not to show the empty form.
    return render_template(
        "lobby/board.html",
        panel=_empty_panel(),
        scripts=queries.scripts(current_user.branch_id),
        **_board_context(),
    )


def _empty_panel() -> str:
    """The check-in panel before anything is typed: the same markup for every lobby tablet in
    a language, desk and set of amount bands (no other branch data in it), so it is rendered
    once (fragments.form_once)."""
    bands = _bands()
    return form_once(
        ("lobby-check-in", _desk(), *(b.value for b in bands)),
        lambda: render_template("lobby/_check_in.html", **_panel(slot_csrf(_new_form(bands)))),
    )


@bp.route("/rows")
@roles(LOBBY_ROLES)
def rows():
    """The board's rows only, polled by the tablet (a read: it writes nothing)."""
    if not is_fragment():
        return redirect(url_for("lobby.board"))
    return render_template("lobby/_rows.html", **_board_context())


@bp.route("/check-ins", methods=["POST"])
@roles(LOBBY_ROLES)
def check_in():
    """Record the walk-in; propose a referral when the branch's criteria are met."""
    bands = _bands()
    form = CheckInForm(bands=bands)
    template = "lobby/_check_in.html" if is_fragment() else "lobby/board.html"
    extra = (
        {}
        if is_fragment()
        else {**_board_context(), "scripts": queries.scripts(current_user.branch_id)}
    )
    if not form.validate():
        return render_template(template, **_panel(form), **extra)
    try:
        customer = choice.chosen_or_new(
            current_user,
            customer_id=form.customer_id.data,
            new_name=form.new_name.data,
            new_mobile=form.new_mobile.data,
            acquired_via=Acquisition.LOBBY,
        )
    except choice.UnknownCustomer:
        form.customer_id.data = None
        errors = [_("Choose a customer of this branch.")]
        return render_template(template, **_panel(form), picker_errors=errors, **extra)
    except choice.DuplicateCustomer as duplicate:
        form.new_mobile.errors.append(choice.duplicate_message(duplicate.existing))
        form.customer_id.data = duplicate.existing.id
        db.session.rollback()
        return render_template(template, **_panel(form, duplicate=duplicate.existing), **extra)
    earlier = (
        queries.earlier_today(current_user.branch_id, customer.id)
        if customer is not None and customer.id and not form.repeat_ok.data
        else None
    )
    if earlier is not None:  # the same customer again today: show the first, save nothing yet
        db.session.rollback()
        return render_template(template, **_panel(form, earlier=earlier), **extra)
    first = Need(form.first_need.data)
    others = [Need(v) for v in form.other_needs.data or []]
    visit = services.check_in_visitor(
        staff=current_user,
        first_need=first,
        other_needs=others,
        customer_id=customer.id if customer else None,
        band=Band.parse(form.amount_band.data),
        amount_fen=form.amount_yuan.data * 100 if form.amount_yuan.data else None,
        flow_fen=form.flow_yuan.data * 100 if form.flow_yuan.data is not None else None,
        note=form.note.data or "",
        desk=Desk.COUNTER if form.desk.data == Desk.COUNTER.value else Desk.LOBBY,
    )
    rules, simple = _proposal(visit, form.clear_intent.data)
    if not is_fragment():
        if rules:
            return redirect(
                url_for("referrals.new", check_in=visit.id, hot=int(form.clear_intent.data))
            )
        return redirect(url_for("lobby.board"))
    response = render_template(
        "lobby/_check_in.html", **_panel(_new_form(bands), result=visit, rules=rules, simple=simple)
    )
    return response, 200, {"HX-Trigger": "check-in-saved"}


def _proposal(visit: CheckIn, clear_intent: bool) -> tuple[list, list]:
    """The referral criteria the walk-in meets and, when none, the simple products not grounds
    for a referral (referrals answers signals.check_in_recorded; appointments answers with the
    customer's appointment today). Whether a criterion was met is kept on the check-in."""
    sent = signals.check_in_recorded.send(visit, clear_intent=clear_intent)
    return services.record_answers(visit, [answer for _r, answer in sent if answer])


@bp.route("/check-ins/<int:check_in_id>/<action>", methods=["POST"])
@roles(LOBBY_ROLES)
def change(check_in_id: int, action: str):
    """Take a walk-in (serve) or let them go (done); the board's rows come back."""
    visit = get_or_404(CheckIn, check_in_id)
    if action == "serve":
        services.start_serving(visit, current_user)
    elif action == "hand" and visit.appointment_staff_id:  # to the one the appointment is with
        services.start_serving(visit, get_or_404(Staff, visit.appointment_staff_id))
    elif action == "done":
        services.finish(visit)
    else:
        abort(404)
    if is_fragment():
        return render_template("lobby/_rows.html", **_board_context())
    return redirect(url_for("lobby.board"))


@bp.route("/check-ins/<int:check_in_id>/rating", methods=["POST"])
@roles(ALL_ROLES - {Role.ADMIN})
def rate(check_in_id: int):
    """The customer's one tap at 办结 (满意 / 一般 / 不满意, then a reason on 不满意), on the
    lobby board or on the phone of the person who served them."""
    visit = get_or_404(CheckIn, check_in_id)
    lobby = current_user.role in LOBBY_ROLES
    if not lobby and visit.served_by_id != current_user.id:
        abort(403)
    try:
        rating = Rating(request.form.get("rating", ""))
        reason = RatingReason(request.form["reason"]) if request.form.get("reason") else None
        services.rate(visit, rating, reason)
    except ValueError:  # an unknown value, not yet 办结, or 不满意 without a reason
        abort(400)
    if is_fragment() and lobby:
        return render_template("lobby/_rows.html", **_board_context())
    if not lobby:
        flash(_("Thank you: the rating is recorded."), "ok")
    return redirect(url_for("lobby.board") if lobby else _back())


SCRIPT_MAX = 500  # characters of one script: a line or two to say, not a leaflet


@bp.route("/scripts", methods=["GET", "POST"])
@roles({Role.BRANCH_MANAGER, Role.LOBBY_MANAGER})
def scripts():
    """The branch's greeting and referral scripts (话术) per need; the branch manager edits,
    the lobby manager reads them."""
    form = CsrfForm()
    may_edit = current_user.role is Role.BRANCH_MANAGER
    kept = queries.scripts(current_user.branch_id)
    typed = {
        need: (kept[need].greeting, kept[need].referral) if need in kept else ("", "")
        for need in Need
    }
    errors = {}
    if request.method == "POST":
        if not may_edit:
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        typed = {
            need: (
                request.form.get(f"greeting-{need.value}", ""),
                request.form.get(f"referral-{need.value}", ""),
            )
            for need in Need
        }
        errors = {
            f"{part}-{need.value}": _("At most %(n)s characters.", n=SCRIPT_MAX)
            for need, texts in typed.items()
            for part, text in zip(("greeting", "referral"), texts, strict=True)
            if len(text.strip()) > SCRIPT_MAX
        }
        if not errors:
            services.save_scripts(current_user.branch_id, typed, current_user)
            flash(_("Scripts saved."), "ok")
            return redirect(url_for("lobby.scripts"))
    return render_template(
        "lobby/scripts.html",
        form=form,
        needs=list(Need),
        typed=typed,
        errors=errors,
        may_edit=may_edit,
        limit=SCRIPT_MAX,
    )


@bp.route("/check-ins/<int:check_in_id>/meet", methods=["POST"])
@roles(ALL_ROLES - {Role.ADMIN})
def meet(check_in_id: int):
    """The person the customer's appointment is with starts serving them (from the appointment
    page the arrival notification opens): the appointment is held (已见面)."""
    visit = get_or_404(CheckIn, check_in_id)
    try:
        services.meet(visit, current_user)
    except services.NotYours:
        abort(403)
    flash(_("Serving #%(n)s %(name)s.", n=visit.ticket, name=visit.visitor_label), "ok")
    return redirect(_back())


@bp.route("/check-ins/<int:check_in_id>/finish", methods=["POST"])
@roles(ALL_ROLES - {Role.ADMIN})
def finish(check_in_id: int):
    """The person serving a walk-in ends the serving (办结) from their Today or referral page."""
    visit = get_or_404(CheckIn, check_in_id)
    try:
        services.end_serving(visit, current_user, lobby=current_user.role in LOBBY_ROLES)
    except services.NotYours:
        abort(403)
    flash(_("Serving ended: #%(n)s %(name)s.", n=visit.ticket, name=visit.visitor_label), "ok")
    return redirect(_back())


def _back() -> str:
    """Where the person came from, when it is a page of this site; else their Today."""
    target = request.referrer or ""
    host = request.host_url
    return target if target.startswith(host) else url_for("home.today")
