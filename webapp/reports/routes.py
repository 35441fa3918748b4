"""The sales progress table, the weekly meeting, the monthly report and its .xlsx export."""

from datetime import timedelta

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp import inputs
from webapp.auth.access import get_or_404, roles
from webapp.auth.models import Role, Staff
from webapp.coaching.models import COUNT_METRICS, metric_labels
from webapp.coaching.periods import (
    next_month,
    parse_day,
    parse_month,
    previous_month,
)
from webapp.coaching.queries import progress as progress_table
from webapp.coaching.queries import team
from webapp.reports import bp, charts, queries
from webapp.reports.credit import statement
from webapp.reports.xlsx import monthly_workbook
from webapp.sales.models import CreditRole
from webapp.timeutil import local_today, week_start


@bp.route("/progress")
@roles(Role.BRANCH_MANAGER)
def progress():
    """The sales progress table (销售进度表): target vs achieved, per person and branch."""
    month = parse_month(request.args.get("month"))
    return render_template(
        "reports/progress.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        table=progress_table(current_user.branch_id, month),
        label=metric_labels().get,
        counts=COUNT_METRICS,
    )


@bp.route("/weekly")
@roles(Role.BRANCH_MANAGER)
def weekly():
    """The weekly meeting (周例会): the week against the last, the best, the wobbling."""
    # The meeting reviews the last full week unless another is asked for.
    asked = request.args.get("week")
    week = week_start(parse_day(asked)) if asked else week_start(local_today()) - timedelta(days=7)
    return render_template(
        "reports/weekly.html",
        week=week,
        report=queries.weekly(current_user.branch_id, week),
        delta7=timedelta(days=7),
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
        if m not in COUNT_METRICS
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
        "reports/monthly.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        report=report,
        label=labels.get,
        counts=COUNT_METRICS,
        category_chart=category_chart,
        behaviour_chart=behaviour_chart,
    )


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
        "reports/credit.html", month=month, previous=previous_month(month),
        following=next_month(month), person=person, people=people, lines=lines,
        totals=totals, role_label=role_labels.get,
    )  # fmt: skip


@bp.route("/region")
@roles(Role.ADMIN)
def region():
    """The administrator's roll-up: each branch's month against its targets."""
    month = parse_month(request.args.get("month"))
    return render_template(
        "reports/region.html",
        month=month,
        previous=previous_month(month),
        following=next_month(month),
        rows=queries.region(current_user, month),
    )
