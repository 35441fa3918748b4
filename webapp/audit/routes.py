"""The audit viewer and its export to xlsx."""

import io
from datetime import timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook

from webapp.audit import bp, sources
from webapp.auth.access import roles, scoped, visible_branch_ids
from webapp.auth.models import Role, Staff
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.inputs import as_id, day_arg
from webapp.timeutil import day_bounds, local_today, utc_to_local

AUDITORS = (Role.BRANCH_MANAGER, Role.ADMIN)


def _filters() -> tuple[sources.Filters, dict]:
    """The filters from the query string, scoped to what the user may see."""
    today = local_today()
    start = day_arg("from") if request.args.get("from") else today - timedelta(days=30)
    end = day_arg("to") if request.args.get("to") else today
    if end < start:
        start, end = end, start
    branch_ids = visible_branch_ids(current_user)
    staff_id = as_id(request.args.get("person"))
    customer_id = as_id(request.args.get("customer"))
    # An id of another branch filters nothing in: it matches no row the user may see.
    if (
        staff_id
        and db.session.scalar(scoped(Staff).where(Staff.id == staff_id).with_only_columns(Staff.id))
        is None
    ):
        staff_id = -1
    if (
        customer_id
        and db.session.scalar(
            scoped(Customer).where(Customer.id == customer_id).with_only_columns(Customer.id)
        )
        is None
    ):
        customer_id = -1
    begin, finish = day_bounds(start, end)
    shown = {"from": start, "to": end, "person": staff_id, "customer": customer_id}
    return sources.Filters(branch_ids, begin, finish, staff_id, customer_id), shown


@bp.route("/")
@roles(*AUDITORS)
def index():
    """The audit of the user's branch (a region administrator: their region), filtered."""
    filters, shown = _filters()
    people = db.session.scalars(scoped(Staff).order_by(Staff.name)).all()
    return render_template(
        "audit/index.html", entries=sources.entries(filters), shown=shown, people=people
    )


@bp.route("/export.xlsx")
@roles(*AUDITORS)
def export():
    """The filtered audit as an .xlsx workbook."""
    filters, shown = _filters()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Audit")
    sheet.append([_("Time"), _("What"), _("Person"), _("Customer"), _("Detail")])
    for entry in sources.entries(filters):
        sheet.append(
            [utc_to_local(entry.at), str(entry.what), entry.person, entry.customer, entry.detail]
        )
    out = io.BytesIO()
    book.save(out)
    name = f"audit-{shown['from'].isoformat()}-{shown['to'].isoformat()}.xlsx"
    return out.getvalue(), {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename={name}",
    }
