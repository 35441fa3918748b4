"""The customer picker's search: one endpoint for every form that chooses a customer."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.auth.access import get_or_404, signed_in
from webapp.auth.models import Role, Staff
from webapp.customers import bp, services
from webapp.customers.queries import branch_customer
from webapp.customers.routes import too_many_searches
from webapp.htmx import is_fragment
from webapp.inputs import as_id

PICKER_LIMIT = 8
# Who may narrow the search to one colleague's customers (a plan item in a one-on-one).
COACHES = {Role.BRANCH_MANAGER}
# The radio's name on the forms that include the picker (a coaching plan item is prefixed).
FIELD_NAMES = ("customer_id", "item-customer_id")


@bp.route("/picker")
@signed_in
def picker():
    """The branch's customers matching a name, pinyin initials or the mobile's last four
    digits (with `owner`, only one person's: one's own, or anyone's for the manager), masked,
    in pinyin order, as radio chips."""
    term = request.args.get("q", "")[:60].strip()
    if not is_fragment():
        return redirect(url_for("customers.index", q=term or None))
    field = request.args.get("field", FIELD_NAMES[0])
    if field not in FIELD_NAMES:
        field = FIELD_NAMES[0]
    owner_id = as_id(request.args.get("owner"))
    owner = get_or_404(Staff, owner_id) if owner_id else None
    if owner is not None and owner.id != current_user.id and current_user.role not in COACHES:
        abort(403)  # whose customers a colleague has is the manager's to look at
    try:
        customers = (
            services.audited_search(
                current_user, term, PICKER_LIMIT, owner_id=owner.id if owner else None
            )
            if term
            else []
        )
    except services.TooManySearches:
        return too_many_searches()
    chosen = branch_customer(request.args.get(field), current_user)
    if chosen is not None and owner is not None and chosen.owner_id != owner.id:
        chosen = None
    return render_template(
        "customers/_picker_options.html",
        customers=customers,
        term=term,
        chosen=chosen,
        picker_name=field,
        picker_none=request.args.get("none", ""),
    )
