"""The customer's story, a page at a time, beside the full sheet."""

from flask import abort, render_template, request
from flask_login import current_user

from webapp.auth.access import get_or_404, signed_in
from webapp.customers import permissions
from webapp.customers.models import Customer
from webapp.story import bp
from webapp.story.queries import story


@bp.route("/<int:customer_id>/story")
@signed_in
def customer_story(customer_id: int):
    """A page of the customer's story (newest first) for who may open the full sheet."""
    customer = get_or_404(Customer, customer_id)
    if not permissions.can_view_full(current_user, customer):
        abort(403)
    events, more = story(customer, request.args.get("before"))
    return render_template("story/_story.html", customer=customer, events=events, more=more)
