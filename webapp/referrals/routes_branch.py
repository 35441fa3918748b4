"""Branch-level referral views: presence, the ledger, the criteria and the split policy."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import inputs
from webapp.auth.access import get_or_404, roles
from webapp.auth.models import ALL_ROLES, Role
from webapp.extensions import db
from webapp.referrals import bp, queries, services
from webapp.referrals import criteria as policy
from webapp.referrals.forms import CriteriaForm, PhaseForm, attach_error
from webapp.referrals.models import SplitPhase

STAFF_ROLES = ALL_ROLES - {Role.ADMIN}
MANAGER = Role.BRANCH_MANAGER


@bp.route("/presence", methods=["POST"])
@roles(services.RECEIVER_ROLES)
def presence():
    """Say I am out in the field, or back (the referral form shows it to referrers)."""
    services.set_presence(current_user, request.form.get("out") == "1")
    return redirect(request.referrer or url_for("home.today"))


@bp.route("/ledger")
@roles(STAFF_ROLES)
def ledger():
    """The referral ledger per person for a day, week or month of the branch."""
    period = request.args.get("period", "day")
    if period not in ("day", "week", "month"):
        period = "day"
    day = inputs.day_arg("date")
    start, end = queries.period_bounds(period, day)
    rows, totals = queries.ledger(current_user.branch_id, start, end)
    return render_template(
        "referrals/ledger.html", rows=rows, totals=totals, period=period, day=day, start=start,
        last=end - timedelta(days=1),
    )  # fmt: skip


@bp.route("/criteria", methods=["GET", "POST"])
@roles(MANAGER)
def criteria():
    """The branch's referral criteria (转介标准): the branch manager sets them."""
    current = policy.criteria_for(current_user.branch_id)
    form = CriteriaForm(
        obj=current,
        large_transaction_yuan=current.large_transaction_fen // 100,
        account_flow_yuan=current.account_flow_fen // 100,
    )
    if request.method == "POST" and form.validate():
        try:
            policy.update_criteria(
                current, current_user,
                large_transaction_on=form.large_transaction_on.data,
                large_transaction_fen=form.large_transaction_yuan.data * 100,
                featured_interest_on=form.featured_interest_on.data,
                account_flow_on=form.account_flow_on.data,
                account_flow_fen=form.account_flow_yuan.data * 100,
                simple_products=(form.simple_products.data or "").strip(),
                accept_minutes=form.accept_minutes.data,
                wait_minutes=form.wait_minutes.data,
            )  # fmt: skip
            flash(_("Referral criteria saved."), "ok")
            return redirect(url_for("referrals.criteria"))
        except policy.PolicyError as refused:
            db.session.rollback()
            attach_error(form, refused)
    return render_template("referrals/criteria.html", form=form)


@bp.route("/policy", methods=["GET", "POST"])
@roles(MANAGER)
def split_policy():
    """The credit split policy in dated phases; applied phases stay as they are."""
    form = PhaseForm()
    if request.method == "POST" and form.validate():
        try:
            policy.add_phase(
                branch_id=current_user.branch_id, staff=current_user, name=form.name.data,
                starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                referrer_bp=int(form.referrer_share.data * 100),
            )  # fmt: skip
            flash(_("Phase added."), "ok")
            return redirect(url_for("referrals.split_policy"))
        except policy.PolicyError as refused:
            db.session.rollback()
            if refused.field == "referrer_share":
                form.referrer_share.errors = [*form.referrer_share.errors, str(refused.message)]
            else:
                attach_error(form, refused)
    phases = policy.phases(current_user.branch_id)
    return render_template(
        "referrals/policy.html", form=form, phases=phases,
        applied={p.id for p in phases if policy.is_applied(p)},
    )  # fmt: skip


@bp.route("/policy/<int:phase_id>/delete", methods=["POST"])
@roles(MANAGER)
def delete_phase(phase_id: int):
    """Remove the last phase when no referral was settled under it."""
    phase = get_or_404(SplitPhase, phase_id)
    try:
        policy.delete_phase(phase)
        flash(_("Phase removed."), "ok")
    except policy.PolicyError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    return redirect(url_for("referrals.split_policy"))
