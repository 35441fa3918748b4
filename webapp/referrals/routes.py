"""Referral views: refer, the receiver's inbox and actions, credit, ledger, criteria, policy."""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from webapp import fragments, timeutil
from webapp.auth.access import get_or_404, roles, scoped
from webapp.auth.models import ALL_ROLES, Role, Staff
from webapp.customers import choice
from webapp.customers.models import Acquisition, Customer
from webapp.customers.queries import branch_customer
from webapp.customers.services import DuplicateCustomer
from webapp.errors import render_error
from webapp.extensions import db
from webapp.inputs import as_id
from webapp.lobby import queries as lobby_queries
from webapp.lobby.models import CheckIn, Need, VisitState
from webapp.referrals import bp, queries, services
from webapp.referrals import criteria as policy
from webapp.referrals.forms import (
    ExternalReferralForm,
    ReasonForm,
    ReassignForm,
    ReferForm,
    WinForm,
    attach_error,
)
from webapp.referrals.models import EVENT_LABELS, CreditState, Referral, State
from webapp.sales.models import ProductCategory, Sale
from webapp.sync.protocol import ClientIdReused, create_once, invalid_form_status

STAFF_ROLES = ALL_ROLES - {Role.ADMIN}
MANAGER = Role.BRANCH_MANAGER


@bp.route("/")
@roles(STAFF_ROLES)
def index():
    """My referrals (sent and received); the manager also sees all, overdue and credit to allocate."""
    which = request.args.get("which", "mine")
    if current_user.role is not MANAGER and which != "mine":
        which = "mine"
    return render_template(
        "referrals/index.html",
        referrals=queries.referral_list(current_user, which),
        which=which,
        inbox=queries.waiting_for(current_user),
    )


def _proposal(visit: CheckIn | None, hot: bool):
    if visit is None:
        return []
    facts = policy.Facts(
        needs=tuple(visit.needs), amount_fen=visit.deciding_amount_fen,
        flow_fen=visit.flow_fen, clear_intent=hot,
    )  # fmt: skip
    return policy.matching_rules(policy.criteria_for(visit.branch_id), facts)


@bp.route("/new", methods=["GET", "POST"])
@roles(STAFF_ROLES)
def new():
    """Refer a customer to a colleague: who is free, the rule met, hot, or a callback."""
    check_in_id = as_id(request.values.get("check_in")) or as_id(request.form.get("check_in_id"))
    visit = get_or_404(CheckIn, check_in_id) if check_in_id else None
    receivers = [
        r for r in queries.receiver_statuses(current_user.branch_id) if r[0].id != current_user.id
    ]
    form = ReferForm(receivers=receivers)
    if request.method == "GET":
        form.hot.data = request.args.get("hot") == "1"
        # From a market-running visit: the customer or the contact met, and where.
        form.customer_id.data = as_id(request.args.get("customer_id"))
        form.new_name.data = request.args.get("new_name", "")[:120] or None
        form.new_mobile.data = request.args.get("new_mobile", "")[:20] or None
        form.note.data = request.args.get("note", "")[:200] or None
        if request.args.get("via") == Acquisition.MARKET_RUNNING.value:
            form.via.data = Acquisition.MARKET_RUNNING.value
        if visit is not None:
            form.need.data = visit.first_need.value
            form.check_in_id.data = str(visit.id)
            form.customer_id.data = visit.customer_id
    free_alternatives, picker_errors = [], []
    if request.method == "POST" and form.validate():

        def build() -> Referral:
            customer = choice.chosen_or_new(
                current_user,
                customer_id=form.customer_id.data,
                new_name=form.new_name.data,
                new_mobile=form.new_mobile.data,
                acquired_via=Acquisition.MARKET_RUNNING
                if form.via.data == Acquisition.MARKET_RUNNING.value
                else Acquisition.LOBBY,
            )
            if customer is None:
                form.new_name.errors = [
                    _("Choose the customer or enter a new one: the receiver needs a name.")
                ]
                raise _Stop
            rules = _proposal(visit, form.hot.data)
            return services.create_referral(
                referrer=current_user,
                receiver=_branch_staff(form.receiver_id.data),
                customer=customer,
                need=Need(form.need.data),
                rule=rules[0] if rules else None,
                hot=form.hot.data,
                note=form.note.data or "",
                check_in=visit,
                callback_contact=_callback_contact(form, customer),
                callback_at=timeutil.local_to_utc(form.callback_at.data)
                if form.callback_at.data
                else None,
                allow_busy=form.allow_busy.data,
            )

        try:
            # Sent from the phone's outbox (saved offline): made once per client id, the new
            # customer with it; a replay gets the first referral.
            if form.client_id.data:
                referral = create_once(Referral, form.client_id.data, request.form, build)[0]
            else:
                referral = build()
            flash(_("Referred to %(name)s.", name=referral.receiver.name), "ok")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
        except choice.DuplicateCustomer as duplicate:
            db.session.rollback()
            form.new_mobile.errors = [choice.duplicate_message(duplicate.existing)]
            form.customer_id.data = duplicate.existing.id
        except choice.UnknownCustomer:
            db.session.rollback()
            picker_errors = [_("Choose a customer of this branch.")]
            form.customer_id.data = None
        except services.ReceiverBusy as busy:
            db.session.rollback()
            attach_error(form, busy)
            free_alternatives = busy.free
        except services.ReferralError as refused:
            db.session.rollback()
            attach_error(form, refused)
        except _Stop:
            db.session.rollback()
        except ClientIdReused:
            db.session.rollback()
            return render_error(
                400, _("This form was already sent with different contents; nothing was saved.")
            )
    chosen = branch_customer(form.customer_id.data)
    # A form sent back to be corrected: the outbox keeps a replayed one as needing attention.
    status = invalid_form_status() if request.method == "POST" else 200
    return render_template(
        "referrals/new.html", form=form, visit=visit, receivers=receivers,
        rules=_proposal(visit, bool(form.hot.data)), chosen=chosen,
        free_alternatives=free_alternatives, picker_errors=picker_errors,
        picker_term=request.form.get("q", ""),
    ), status  # fmt: skip


def _callback_contact(form, customer: Customer) -> str:
    """The contact typed, else the chosen customer's mobile when a callback time is asked for
    (the customer is known: no retyping)."""
    typed = (form.callback_contact.data or "").strip()
    if typed or not form.callback_at.data:
        return typed
    return customer.mobile or ""


class _Stop(Exception):
    """Leave the form handling early to re-render with the errors set."""


@bp.route("/external", methods=["GET", "POST"])
@roles(STAFF_ROLES)
def external():
    """Record an external referral: who introduced whom, and which colleague takes them."""
    receivers = queries.receiver_statuses(current_user.branch_id)
    form = ExternalReferralForm(receivers=receivers)
    if request.method == "POST" and form.validate():
        try:
            referral = services.create_external_referral(
                referrer=current_user,
                receiver=_branch_staff(form.receiver_id.data),
                introducer=form.introducer.data,
                name=form.name.data,
                mobile=(form.mobile.data or "").strip(),
                need=Need(form.need.data),
                note=form.note.data or "",
            )
            flash(_("Referred to %(name)s.", name=referral.receiver.name), "ok")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
        except DuplicateCustomer as duplicate:
            db.session.rollback()
            form.mobile.errors = [
                _("This mobile belongs to %(name)s already.", name=duplicate.existing.name)
            ]
        except services.ReferralError as refused:
            db.session.rollback()
            attach_error(form, refused)
    return render_template("referrals/external.html", form=form, receivers=receivers)


def _detail_context(referral: Referral, **forms) -> dict:
    sale = db.session.get(Sale, referral.sale_id) if referral.sale_id else None
    lines, open_bp = (
        services.fixed_and_open(referral)
        if referral.credit_state is CreditState.PENDING
        else ([], 0)
    )
    staff = {}
    if referral.credit_state is CreditState.PENDING:
        staff = {
            s.id: s
            for s in db.session.scalars(
                select(Staff).where(
                    Staff.branch_id == referral.branch_id,
                    Staff.active.is_(True),
                    Staff.role != Role.ADMIN,
                )
            )
        }
    reassign = ReassignForm(formdata=None)
    reassign.receiver_id.choices = [
        (s.id, s.name)
        for s, _st in queries.receiver_statuses(referral.branch_id)
        if s.id != referral.receiver_id
    ]
    context = {
        "referral": referral,
        "sale": sale,
        "win_form": WinForm(formdata=None),
        "reason_form": ReasonForm(formdata=None),
        "reassign_form": reassign,
        "fixed_lines": lines,
        "open_bp": open_bp,
        "open_case": services.open_case(referral)
        if referral.credit_state is CreditState.PENDING
        else "",
        "branch_staff": staff,
        "phase": policy.phase_on(referral.branch_id, referral.referred_on),
        "accept_minutes": policy.criteria_for(referral.branch_id).accept_minutes,
        "overdue": queries.is_overdue(referral, queries.overdue_before(referral.branch_id)),
        "serving": _served_visit(referral),
        "event_labels": EVENT_LABELS,
        "allocation": {},
        "allocation_reason": "",
    }
    context.update(forms)
    return context


def _served_visit(referral: Referral) -> CheckIn | None:
    """The referral's walk-in while the signed-in person is serving it (they may end it)."""
    if not referral.check_in_id:
        return None
    visit = db.session.get(CheckIn, referral.check_in_id)
    serving = visit is not None and visit.state is VisitState.SERVING
    return visit if serving and visit.served_by_id == current_user.id else None


@bp.route("/<int:referral_id>")
@roles(STAFF_ROLES | {Role.ADMIN})
def detail(referral_id: int):
    """One referral: who, what, the rule met, its history, and the next step for the receiver."""
    referral = get_or_404(Referral, referral_id)
    return render_template("referrals/detail.html", **_detail_context(referral))


@bp.route("/<int:referral_id>/<action>", methods=["POST"])
@roles(STAFF_ROLES)
def act(referral_id: int, action: str):
    """Accept, contacted, met, won, lost, declined; the manager's dispute and reassign."""
    referral = get_or_404(Referral, referral_id)
    forms = {}
    try:
        if action == "accept":
            services.accept(referral, current_user)
            flash(_("Accepted. The customer is yours to serve."), "ok")
        elif action in ("contacted", "met"):
            services.advance(referral, current_user, State(action))
        elif action == "won":
            form = forms["win_form"] = WinForm()
            if not form.validate():
                raise _Stop
            services.win(
                referral, current_user, category=ProductCategory(form.category.data),
                product=form.product.data, amount_fen=int(form.amount.data * 100),
            )  # fmt: skip
        elif action in ("lost", "declined", "dispute"):
            form = forms["reason_form"] = ReasonForm()
            if not form.validate():
                raise _Stop
            if action == "lost":
                services.lose(referral, current_user, form.reason.data)
            elif action == "declined":
                services.decline(referral, current_user, form.reason.data)
            else:
                _manager_only()
                services.dispute(referral, current_user, form.reason.data)
        elif action == "reassign":
            _manager_only()
            services.reassign(
                referral, current_user, _branch_staff(as_id(request.form.get("receiver_id")))
            )
            flash(_("Reassigned to %(name)s.", name=referral.receiver.name), "ok")
        else:
            abort(404)
    except services.ReferralError as refused:
        db.session.rollback()
        target = forms.get("win_form") or forms.get("reason_form")
        if target is not None:
            attach_error(target, refused)
        else:
            flash(str(refused.message), "error")
        return render_template("referrals/detail.html", **_detail_context(referral, **forms))
    except _Stop:
        return render_template("referrals/detail.html", **_detail_context(referral, **forms))
    return redirect(url_for("referrals.detail", referral_id=referral.id))


def _manager_only() -> None:
    if current_user.role is not MANAGER:
        abort(403)


def _branch_staff(staff_id: int | None) -> Staff | None:
    """A colleague named by id in a form, only when of a branch the user may see."""
    if not staff_id:
        return None
    return db.session.scalar(scoped(Staff).where(Staff.id == staff_id))


def parse_share(text: str) -> int | None:
    """A percentage typed by the manager ("40", "33.33") in basis points, or None if not a number."""
    try:
        value = Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        return None
    if not value.is_finite():  # Infinity, NaN, sNaN: not a number to the manager
        return None
    if not 0 <= value <= 100:  # checked before any arithmetic: 1e999999999 overflows it
        return -1 if value < 0 else 10_001  # the service's "between 0 and 100%" message
    bp = value * 100
    return int(bp) if bp == bp.to_integral_value() else None


@bp.route("/<int:referral_id>/allocate", methods=["POST"])
@roles(MANAGER)
def allocate(referral_id: int):
    """The branch manager allocates the share the rule left open, with a reason."""
    referral = get_or_404(Referral, referral_id)
    shares, bad = {}, False
    for key, value in request.form.items():
        if key.startswith("share_") and key[6:].isdigit():
            bp = parse_share(value)
            bad = bad or bp is None
            if bp is not None:
                shares[int(key[6:])] = bp
    reason = request.form.get("reason", "")
    try:
        if bad:
            raise services.ReferralError(_("Enter each share as a number, e.g. 40 or 33.33."))
        services.allocate(referral, current_user, shares, reason)
    except services.ReferralError as refused:
        db.session.rollback()
        context = _detail_context(referral, allocation=dict(request.form), allocation_reason=reason)
        context["allocation_error"] = str(refused.message)
        return render_template("referrals/detail.html", **context)
    flash(_("Credit allocated."), "ok")
    return redirect(url_for("referrals.detail", referral_id=referral.id))


def today_panel_html() -> Markup:
    """The panel of referrals waiting for the signed-in person, as Today and the dashboard
    show it in the page."""
    presence = db.session.get(services.Presence, current_user.id)
    overdue = []
    if current_user.role is MANAGER:
        overdue = queries.referral_list(current_user, "overdue", limit=10)
    serving, to_rate = lobby_queries.on_my_hands(current_user)
    return fragments.panel(
        "referrals/_today_panel.html",
        overdue=overdue,
        inbox=queries.waiting_for(current_user),
        serving=serving,
        to_rate=to_rate,
        out=bool(presence and presence.out),
        receives=current_user.role in services.RECEIVER_ROLES,
        accept_minutes=policy.criteria_for(current_user.branch_id).accept_minutes,
        now=timeutil.now_naive(),
    )


# The branch-level views (ledger, criteria, policy, presence) live beside these; importing
# the module attaches them to the same blueprint.
from webapp.referrals import routes_branch  # noqa: E402, F401
