"""The sales progress table, the weekly meeting, the monthly report and its .xlsx export."""

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import inputs
from webapp.auth.access import get_or_404, roles
from webapp.auth.models import Role, Staff
from webapp.auth.queries import team
from webapp.figures import bp, charts, lobby, queries, services
from webapp.figures.credit import statement
from webapp.figures.forms import parse_target_grid
from webapp.figures.models import (
    TARGET_METRICS,
    is_money,
    metric_label,
    metric_labels,
    metric_unit,
)
from webapp.figures.periods import (
    next_month,
    parse_day,
    parse_month,
    previous_month,
)
from webapp.figures.progress import progress as progress_table
from webapp.figures.progress import target_grid
from webapp.figures.xlsx import monthly_workbook
from webapp.htmx import is_fragment
from webapp.inputs import CsrfForm
from webapp.lobby.models import CheckIn
from webapp.sales.models import CREDIT_PER_UNIT_FEN, CreditRole
from webapp.timeutil import local_today, week_start


@bp.route("/progress")
@roles(Role.BRANCH_MANAGER)
def progress():
    """The sales progress table (销售进度表): target vs achieved, per person and branch."""
    month = parse_month(request.args.get("month"))
    return render_template(
        "figures/progress.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        table=progress_table(current_user.branch_id, month),
        label=metric_labels().get,
    )


@bp.route("/weekly")
@roles(Role.BRANCH_MANAGER)
def weekly():
    """The weekly meeting (周例会): the week against the last, the best, the wobbling."""
    # The meeting reviews the last full week unless another is asked for.
    asked = request.args.get("week")
    week = week_start(parse_day(asked)) if asked else week_start(local_today()) - timedelta(days=7)
    return render_template(
        "figures/weekly.html",
        week=week,
        report=queries.weekly(current_user.branch_id, week),
        delta7=timedelta(days=7),
        label=metric_labels().get,
        unit=metric_unit,
        station=lobby.station(current_user.branch_id, week, week + timedelta(days=7)),
    )


@bp.route("/monthly")
@roles(Role.BRANCH_MANAGER)
def monthly():
    """The monthly operating report (经营月报) with charts and their tables."""
    month = parse_month(request.args.get("month"))
    report = queries.monthly(current_user.branch_id, month)
    labels = metric_labels()
    money = [
        (labels[m], [c["target"] or 0, c["achieved"]])
        for m, c in report["progress"]["branch"].items()
        if is_money(m)
    ]
    category_chart = charts.bar_chart(
        _("Target and achieved by category (yuan)"),
        [(label, [t / 100, a / 100]) for label, (t, a) in money],
        [_("Target"), _("Achieved")],
    )
    behaviour_chart = charts.bar_chart(
        _("The four sales behaviours: new customers and those who bought"),
        [(b["channel"].label, [b["customers"], b["converted"]]) for b in report["behaviours"]],
        [_("New customers"), _("Bought")],
    )
    return render_template(
        "figures/monthly.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        report=report,
        label=labels.get,
        category_chart=category_chart,
        behaviour_chart=behaviour_chart,
        station=lobby.station(current_user.branch_id, month, next_month(month)),
    )


@bp.route("/lobby/today")
@roles({Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_MANAGER})
def lobby_today():
    """Today's waiting and service figures: the compact panel on the lobby board (a fragment),
    or a page of its own."""
    today = local_today()
    branch_id = current_user.branch_id
    context = {
        "times": lobby.service_times(branch_id, today, today + timedelta(days=1)),
        "satisfaction": lobby.satisfaction(branch_id, today, today + timedelta(days=1)),
        "radar": lobby.radar(branch_id, today, today + timedelta(days=1)),
    }
    if is_fragment():
        return render_template("figures/_lobby_today.html", **context)
    return render_template("figures/lobby_today.html", **context)


@bp.route("/lobby/missed/<int:check_in_id>/call-back", methods=["POST"])
@roles(Role.BRANCH_MANAGER)
def call_back(check_in_id: int):
    """明早回电: put a call to the missed walk-in in tomorrow morning's schedule of the person
    who served them."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    visit = get_or_404(CheckIn, check_in_id)
    if lobby.call_back_tomorrow(visit) is None:
        abort(404)
    if is_fragment():
        return render_template("figures/_called_back.html")
    flash(_("A call tomorrow morning is in their schedule."), "ok")
    target = request.referrer or ""
    return redirect(target if target.startswith(request.host_url) else url_for("figures.weekly"))


@bp.route("/monthly.xlsx")
@roles(Role.BRANCH_MANAGER)
def monthly_xlsx():
    """The monthly operating report as an Excel workbook."""
    month = parse_month(request.args.get("month"))
    report = queries.monthly(current_user.branch_id, month)
    body = monthly_workbook(report, current_user.branch.name, month)
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="monthly-report-{month:%Y-%m}.xlsx"'
        },
    )


@bp.route("/credit")
@roles(set(Role) - {Role.ADMIN})
def credit():
    """The credit statement (我的分润明细): a person's credit lines of a month, with totals; the
    branch manager picks anyone of the branch, everyone else sees their own."""
    month = parse_month(request.args.get("month"))
    person, people = current_user, []
    if current_user.role is Role.BRANCH_MANAGER:
        people = team(current_user.branch_id)
        if all(p.id != current_user.id for p in people):
            people = [current_user, *people]  # the picker names whose statement is shown
        wanted = inputs.as_id(request.args.get("person"))
        if wanted is not None:
            person = get_or_404(Staff, wanted)
    lines, totals = statement(person.id, month)
    role_labels = {
        CreditRole.SELLER: _("Seller"),
        CreditRole.REFERRER: _("Referrer"),
        CreditRole.MANUAL: _("Allocated by the manager"),
    }
    return render_template(
        "figures/credit.html", month=month, previous=previous_month(month),
        following=next_month(month), person=person, people=people, lines=lines,
        totals=totals, role_label=role_labels.get, per_unit=CREDIT_PER_UNIT_FEN,
    )  # fmt: skip


@bp.route("/region")
@roles(Role.ADMIN)
def region():
    """The administrator's roll-up: each branch's month against its targets."""
    month = parse_month(request.args.get("month"))
    return render_template(
        "figures/region.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        rows=queries.region(current_user, month),
    )


def _target_label(metric: str) -> str:
    """A target field's label with its unit: Deposits (yuan), Cards (cards); counts bare."""
    unit = metric_unit(metric)
    return metric_label(metric) if unit is None else f"{metric_label(metric)} ({unit.label})"


@bp.route("/targets", methods=["GET", "POST"])
@roles(Role.BRANCH_MANAGER)
def targets():
    """Enter the month's targets for the branch and each person, by category."""
    month = parse_month(request.values.get("month"))
    people = team(current_user.branch_id)
    keys = [None] + [p.id for p in people]
    form = CsrfForm()
    errors, typed = {}, {}
    if request.method == "POST" and form.validate_on_submit():
        cells, errors, typed = parse_target_grid(request.form, keys)
        if not errors:
            services.set_targets(current_user.branch_id, month, cells, current_user)
            flash(_("Targets saved."), "ok")
            return redirect(url_for("figures.targets", month=f"{month:%Y-%m}"))
    grid = target_grid(current_user.branch_id, month)
    return render_template(
        "figures/targets.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        rows=[(None, _("Branch"))] + [(p.id, f"{p.name} · {p.role_label}") for p in people],
        metrics=[(m, _target_label(m), is_money(m)) for m in TARGET_METRICS],
        grid=grid,
        errors=errors,
        typed=typed,
        form=form,
    )
