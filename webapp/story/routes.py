"""The customer's story, a page at a time, beside the full sheet."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.auth.access import get_or_404, signed_in
from webapp.customers import permissions
from webapp.customers.models import Customer
from webapp.htmx import is_fragment
from webapp.story import bp
from webapp.story.queries import story


@bp.route("/<int:customer_id>/story")
@signed_in
def customer_story(customer_id: int):
    """A page of the customer's story (newest first) for who may open the full sheet (a
    fragment; a plain visit gets the customer's page)."""
    customer = get_or_404(Customer, customer_id)
    if not is_fragment():
        return redirect(url_for("customers.detail", customer_id=customer.id))
    if not permissions.can_view_full(current_user, customer):
        abort(403)
    events, more = story(customer, request.args.get("before"))
    return render_template("story/_story.html", customer=customer, events=events, more=more)
