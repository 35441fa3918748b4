"""Customer list with active search, and the audited full record."""

from flask import render_template, request
from flask_login import current_user

from webapp.auth.access import get_or_404, signed_in
from webapp.customers import bp, services
from webapp.customers.models import Customer
from webapp.customers.queries import search_customers
from webapp.extensions import db
from webapp.htmx import is_fragment


@bp.route("/")
@signed_in
def index():
    """List the branch's customers, masked, filtered as the user types."""
    term = request.args.get("q", "")
    customers = db.session.execute(search_customers(term)).scalars().all()
    template = "customers/_rows.html" if is_fragment() else "customers/index.html"
    return render_template(template, customers=customers, term=term)


@bp.route("/<int:customer_id>")
@signed_in
def detail(customer_id: int):
    """Show a customer's full record; every such view is written to the audit log."""
    customer = get_or_404(Customer, customer_id)
    services.record_full_view(customer, current_user)
    return render_template("customers/detail.html", customer=customer)
