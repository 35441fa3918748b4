"""A customer's source (how the branch won them), corrected by the owner or the manager."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import get_or_404, signed_in
from webapp.customers import bp, permissions, services
from webapp.customers.forms import SourceForm
from webapp.customers.models import Acquisition, Customer
from webapp.customers.routes import detail_page
from webapp.transactions import keep_when_refused


@bp.route("/<int:customer_id>/source", methods=["POST"])
@signed_in
def correct_source(customer_id: int):
    """The owner or the manager corrects the customer's source (an audit row records it)."""
    customer = get_or_404(Customer, customer_id)
    if not permissions.can_edit(current_user, customer):
        abort(403)
    form = SourceForm()
    if not form.validate_on_submit():
        services.record_full_view(customer, current_user)  # the page shows the full sheet again
        keep_when_refused()
        return detail_page(customer, source_form=form, status=422)
    services.correct_source(customer, current_user, Acquisition(form.acquired_via.data))
    flash(_("Customer source saved."), "ok")
    return redirect(url_for("customers.detail", customer_id=customer.id), 303)
