"""The prospect list, adding a prospect, one-tap stage moves, and the Today panel."""

from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from webapp import fragments
from webapp.auth.access import get_or_404, roles, scoped
from webapp.auth.models import SALES_ROLES, Role
from webapp.customers.models import Customer
from webapp.errors import render_error
from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.inputs import as_id
from webapp.prospects import bp, queries, services
from webapp.prospects.forms import FollowUpForm, LostForm, ProspectForm, WonForm, yuan_to_fen
from webapp.prospects.models import Prospect, Stage
from webapp.prospects.rows import prospect_row
from webapp.sales.models import ProductCategory
from webapp.sync.protocol import ClientIdReused, invalid_form_status
from webapp.timeutil import local_today

VIEWERS = SALES_ROLES | {Role.BRANCH_MANAGER, Role.ADMIN}
EDITORS = SALES_ROLES | {Role.BRANCH_MANAGER}


@bp.route("/")
@roles(VIEWERS)
def index():
    """The open prospects, overdue first, searchable as the user types, a page at a time."""
    today = local_today()
    owner = request.args.get("owner", "")
    is_manager = current_user.role in queries.MANAGERS
    owner_id = as_id(owner) if is_manager else None
    term = request.args.get("q", "")[:60]
    after = _cursor(request.args.get("after", ""))
    prospects = queries.open_prospects(current_user, today, owner_id, term, after)
    more = _next_cursor(prospects)
    if is_fragment():
        return render_template(
            "prospects/_rows.html",
            prospects=prospects,
            more=more,
            today=today,
            term=term,
            owner_id=owner_id,
            first_page=after is None,
        )
    counts, overdue = queries.stage_counts(current_user, today, owner_id)
    return render_template(
        "prospects/index.html",
        prospects=prospects,
        more=more,
        term=term,
        owners=queries.owners(current_user) if is_manager else [],
        owner_id=owner_id,
        closed=queries.closed_prospects(current_user, owner_id)
        if request.args.get("closed")
        else None,
        counts=counts,
        overdue=overdue,
        stages=list(Stage),
        today=today,
        first_page=True,
    )


def _cursor(value: str) -> tuple[date | None, int] | None:
    """Parse "2026-11-24.123" or "-.123" (no follow-up date) into (date, id); junk means none."""
    day, _, ident = value.partition(".")
    if not ident.isdigit():
        return None
    try:
        return (None if day == "-" else date.fromisoformat(day)), int(ident)
    except ValueError:
        return None


def _next_cursor(prospects) -> str | None:
    """The cursor of the page after this one, or None when this page is the last."""
    if len(prospects) < queries.PAGE_SIZE:
        return None
    last = prospects[-1]
    day = last.next_follow_up.isoformat() if last.next_follow_up else "-"
    return f"{day}.{last.id}"


@bp.route("/new", methods=["GET", "POST"])
@roles(EDITORS)
def new():
    """Put one of one's customers on the prospect list."""
    form = ProspectForm()
    query = scoped(Customer).order_by(Customer.name_key, Customer.id)
    if current_user.role != Role.BRANCH_MANAGER:
        query = query.where(Customer.owner_id == current_user.id)
    customers = db.session.execute(query.with_only_columns(Customer.id, Customer.name)).all()
    form.customer_id.choices = [SelectChoice(c.id, c.name) for c in customers]
    if request.method == "GET" and as_id(request.args.get("customer_id")):
        form.customer_id.data = as_id(request.args.get("customer_id"))
    if form.validate_on_submit():
        customer = db.session.scalar(scoped(Customer).where(Customer.id == form.customer_id.data))
        try:
            prospect = services.create_prospect_once(
                customer=customer,
                owner=current_user,
                client_id=form.client_id.data or None,
                payload=request.form,
                data={
                    "category": ProductCategory(form.category.data),
                    "product_name": form.product_name.data.strip(),
                    "expected_amount_fen": yuan_to_fen(form.expected_amount.data),
                    "next_follow_up": form.next_follow_up.data,
                    "potential": form.potential.data.strip(),
                },
            )
        except ClientIdReused:
            return render_error(
                400, _("This form was already sent with different contents; nothing was saved.")
            )
        return redirect(url_for("prospects.detail", prospect_id=prospect.id), 303)
    return render_template("prospects/new.html", form=form), invalid_form_status()


@bp.route("/<int:prospect_id>")
@roles(VIEWERS)
def detail(prospect_id: int):
    """One prospect: stage, next follow-up, history of every stage change."""
    return _detail_page(_visible(prospect_id))


@bp.route("/<int:prospect_id>/stage", methods=["POST"])
@roles(EDITORS)
def stage(prospect_id: int):
    """Move the prospect one stage (one tap); won records the sale for the owner."""
    prospect = _editable(prospect_id)
    try:
        to = Stage(request.form.get("stage", ""))
    except ValueError:
        abort(400)
    if to == Stage.LOST:
        return redirect(url_for("prospects.detail", prospect_id=prospect.id, _anchor="lost"), 303)
    try:
        services.move_stage(prospect, to, current_user)
    except services.StageError:
        return render_error(409, _("This prospect is closed; it does not move again."))
    if is_fragment() and request.form.get("from") == "list":
        return prospect_row(prospect, local_today())
    if to == Stage.WON:
        flash(
            _("Won: the sale is recorded and credited to %(name)s.", name=prospect.owner.name), "ok"
        )
    return redirect(url_for("prospects.detail", prospect_id=prospect.id), 303)


@bp.route("/<int:prospect_id>/won", methods=["POST"])
@roles(EDITORS)
def won(prospect_id: int):
    """Close as won with the product and amount actually sold, recorded as the owner's sale."""
    prospect = _editable(prospect_id)
    form = WonForm()
    if form.validate_on_submit():
        try:
            services.move_stage(
                prospect,
                Stage.WON,
                current_user,
                amount_fen=yuan_to_fen(form.amount.data),
                product_name=form.product_name.data or "",
            )
        except services.StageError:
            return render_error(409, _("This prospect is closed; it does not move again."))
        flash(
            _("Won: the sale is recorded and credited to %(name)s.", name=prospect.owner.name), "ok"
        )
        return redirect(url_for("prospects.detail", prospect_id=prospect.id), 303)
    return _detail_page(prospect, won_form=form)


@bp.route("/<int:prospect_id>/lost", methods=["POST"])
@roles(EDITORS)
def lost(prospect_id: int):
    """Close the prospect as lost, with the reason."""
    prospect = _editable(prospect_id)
    form = LostForm()
    if form.validate_on_submit():
        try:
            services.move_stage(prospect, Stage.LOST, current_user, reason=form.reason.data)
        except services.StageError:
            return render_error(409, _("This prospect is closed; it does not move again."))
        return redirect(url_for("prospects.detail", prospect_id=prospect.id), 303)
    return _detail_page(prospect, lost_form=form)


@bp.route("/<int:prospect_id>/follow-up", methods=["POST"])
@roles(EDITORS)
def follow_up(prospect_id: int):
    """Set the next follow-up date (it appears in the schedule by itself)."""
    prospect = _editable(prospect_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        services.set_follow_up(prospect, form.next_follow_up.data)
        flash(_("Follow-up saved; it is in your schedule."), "ok")
    return redirect(url_for("prospects.detail", prospect_id=prospect.id), 303)


def today_panel_html() -> Markup:
    """The follow-ups due of the signed-in person (nothing for a role without prospects)."""
    if current_user.role not in EDITORS:
        return Markup()
    today = local_today()
    return fragments.panel(
        "prospects/_today_panel.html",
        prospects=queries.follow_ups_due(current_user, today),
        today=today,
    )


def _detail_page(prospect: Prospect, lost_form=None, won_form=None):
    if won_form is None:
        won_form = WonForm(
            product_name=prospect.product_name,
            amount=Decimal(prospect.expected_amount_fen) / 100
            if prospect.expected_amount_fen
            else None,
        )
    return render_template(
        "prospects/detail.html",
        prospect=prospect,
        can_edit=_can_edit(prospect),
        follow_up_form=FollowUpForm(next_follow_up=prospect.next_follow_up),
        lost_form=lost_form or LostForm(),
        won_form=won_form,
        today=local_today(),
    )


def _can_edit(prospect: Prospect) -> bool:
    if current_user.role == Role.BRANCH_MANAGER:
        return True
    return current_user.role in SALES_ROLES and prospect.owner_id == current_user.id


def _visible(prospect_id: int) -> Prospect:
    prospect = get_or_404(Prospect, prospect_id)
    if current_user.role not in queries.MANAGERS and prospect.owner_id != current_user.id:
        abort(403)
    return prospect


def _editable(prospect_id: int) -> Prospect:
    prospect = _visible(prospect_id)
    if not _can_edit(prospect):
        abort(403)
    return prospect


@bp.route("/for-customer/<int:customer_id>")
@roles(VIEWERS)
def customer_panel(customer_id: int):
    """Fragment for a customer's sheet: the customer's prospects the user may see."""
    customer = get_or_404(Customer, customer_id)
    if not is_fragment():
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return render_template(
        "prospects/_customer_panel.html",
        customer=customer,
        prospects=queries.for_customer(current_user, customer.id),
        today=local_today(),
    )
