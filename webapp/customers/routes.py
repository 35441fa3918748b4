"""Customer list with active search, the information sheets (create, audited view, edit)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import get_or_404, roles, scoped, signed_in, visible_branch_ids
from webapp.auth.models import SALES_ROLES, Role, Staff
from webapp.customers import bp, permissions, services
from webapp.customers.forms import (
    IndividualSheetForm,
    NewIndividualForm,
    NewSmeForm,
    SmeSheetForm,
    SourceForm,
)
from webapp.customers.models import Acquisition, Customer, CustomerKind, ViewReason
from webapp.customers.queries import (
    PAGE_SIZE as CUSTOMER_PAGE,
)
from webapp.customers.queries import (
    completeness_by_staff,
    recent_editable_sme_sheets,
)
from webapp.customers.sheets import SME_SHEET_FIELDS, missing_fields
from webapp.errors import render_error
from webapp.extensions import db
from webapp.htmx import is_fragment
from webapp.inputs import as_id
from webapp.sync.protocol import (
    ClientIdReused,
    StaleVersion,
    find_replay,
    invalid_form_status,
    is_client_id,
    new_client_id,
)
from webapp.transactions import keep_when_refused

PREFILL = ("name", "address", "industry", "contact_name", "contact_mobile", "mobile")


@bp.route("/")
@signed_in
def index():
    """List the branch's customers, masked, filtered as the user types."""
    term = request.args.get("q", "")[:60]
    after = _cursor(request.args.get("after", ""))
    try:
        customers = services.audited_search(current_user, term, CUSTOMER_PAGE, after)
    except services.TooManySearches:
        return too_many_searches()
    more = (
        f"{customers[-1].id}.{customers[-1].name_key}" if len(customers) == CUSTOMER_PAGE else None
    )
    if is_fragment():
        return render_template(
            "customers/_rows.html",
            customers=customers,
            term=term,
            more=more,
            first_page=after is None,
        )
    return render_template(
        "customers/index.html",
        customers=customers,
        term=term,
        more=more,
        first_page=True,
        can_create=permissions.can_create(current_user),
        offline_sheets=recent_editable_sme_sheets(current_user),
    )


def too_many_searches():
    """The answer to a mobile search past the throttle: nothing found, and why."""
    return render_error(
        429,
        _("Too many searches by mobile number. Search by name, or try again later."),
    )


def _cursor(value: str) -> tuple[str, int] | None:
    """Parse "123.wang2fang1" (the last row's id and name_key) into (name_key, id); junk means
    the first page."""
    ident, _, key = value.partition(".")
    return (key, as_id(ident)) if as_id(ident) and key else None


@bp.route("/<int:customer_id>")
@signed_in
def detail(customer_id: int):
    """The full sheet (audited) for who may see it; everyone else in the branch gets the basic card."""
    customer = get_or_404(Customer, customer_id)
    if not permissions.can_view_full(current_user, customer):
        return render_template("customers/card.html", customer=customer)
    services.record_full_view(customer, current_user)
    return detail_page(customer)


def detail_page(customer: Customer, source_form: SourceForm | None = None, status: int = 200):
    """The full sheet page (its view already audited), with the source correction form."""
    can_edit = permissions.can_edit(current_user, customer)
    if source_form is None and can_edit:
        source_form = SourceForm(formdata=None, acquired_via=customer.acquired_via.value)
    page = render_template(
        "customers/detail.html",
        customer=customer,
        can_edit=can_edit,
        missing=missing_fields(customer),
        salespeople=_salespeople() if current_user.role == Role.BRANCH_MANAGER else [],
        source_form=source_form,
    )
    return page, status


@bp.route("/new")
@roles(permissions.CREATORS)
def new():
    """Choose which sheet to start: individual or SME."""
    return render_template("customers/new.html")


def _owner_id() -> int | None:
    return current_user.id if permissions.can_edit_own(current_user) else None


@bp.route("/new/individual", methods=["GET", "POST"])
@roles(permissions.CREATORS)
def new_individual():
    """Create an individual customer with its sheet and source; a duplicate shows the existing
    record."""
    form = NewIndividualForm()
    if request.method == "GET":
        form.acquired_via.data = _preset()
    if form.validate_on_submit():
        try:
            customer = services.create_with_sheet(
                branch_id=current_user.branch_id,
                kind=CustomerKind.INDIVIDUAL,
                data=form.data,
                owner_id=_owner_id(),
                acquired_via=_acquisition(form),
            )
        except services.DuplicateCustomer as dup:
            return _form_page(form, CustomerKind.INDIVIDUAL, duplicate=dup.existing, status=409)
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    return _form_page(form, CustomerKind.INDIVIDUAL)


@bp.route("/new/sme", methods=["GET", "POST"])
@roles(permissions.CREATORS)
def new_sme():
    """Create an SME with its sheet; offline-safe: a replayed client_id returns the first result."""
    if request.method == "GET":
        data = {k: request.args.get(k, "").strip()[:200] for k in PREFILL if request.args.get(k)}
        if "contact_mobile" in data:
            data["mobile"] = data.pop("contact_mobile")  # the older links' name for it
        form = NewSmeForm(data=data | {"acquired_via": _preset()})
        form.client_id.data = new_client_id()
        return _form_page(form, CustomerKind.SME)
    form = NewSmeForm()
    client_id = request.form.get("client_id", "")
    if client_id and not is_client_id(client_id):
        return render_error(400, _("The form's offline id is malformed. Reload the form."))
    if client_id:
        try:
            first = find_replay(Customer, client_id, request.form)
        except ClientIdReused:
            return render_error(
                422, _("This form was already sent with different contents; nothing was saved.")
            )
        if first is not None:
            return redirect(url_for("customers.detail", customer_id=first.id), 303)
    if form.validate_on_submit():
        try:
            customer = services.create_with_sheet(
                branch_id=current_user.branch_id,
                kind=CustomerKind.SME,
                data=form.data,
                owner_id=_owner_id(),
                acquired_via=_acquisition(form),
                client_id=client_id or None,
                payload=request.form,
            )
        except services.DuplicateCustomer as dup:
            return _form_page(form, CustomerKind.SME, duplicate=dup.existing, status=409)
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    return _form_page(form, CustomerKind.SME, status=invalid_form_status())


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(customer_id: int):
    """Edit a sheet; an edit based on an older version answers 409 with both versions."""
    customer = get_or_404(Customer, customer_id)
    if not permissions.can_edit(current_user, customer):
        abort(403)
    form_class = SmeSheetForm if customer.kind == CustomerKind.SME else IndividualSheetForm
    if request.method == "GET":
        form = form_class(data=services.sheet_data(customer))
        form.version.data = str(customer.version)
        services.record_full_view(customer, current_user, ViewReason.EDIT_FORM)
        return _form_page(form, customer.kind, customer=customer)
    form = form_class()
    edit_id = request.form.get("client_id", "")
    if edit_id and not is_client_id(edit_id):
        return render_error(400, _("The form's offline id is malformed. Reload the form."))
    if form.validate_on_submit():
        try:
            services.update_sheet(
                customer, form.data, form.version.data, edit_id or None, by=current_user
            )
        except services.DuplicateCustomer as dup:
            return _form_page(
                form, customer.kind, customer=customer, duplicate=dup.existing, status=409
            )
        except StaleVersion:
            db.session.rollback()  # the edit is refused; only the audit of the page stays
            services.record_full_view(customer, current_user, ViewReason.CONFLICT)
            keep_when_refused()
            return _conflict_page(customer, form), 409
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    return _form_page(form, customer.kind, customer=customer, status=invalid_form_status())


def _salespeople():
    return db.session.scalars(
        scoped(Staff)
        .where(Staff.role.in_(SALES_ROLES), Staff.active.is_(True))
        .order_by(Staff.name_key, Staff.id)
    ).all()


# Where a creation starts (?via=) presets the source: a lobby check-in, market running, a
# referral or an appointment. The plain form presets nothing: the person chooses.
PRESETS = {a.value for a in (Acquisition.LOBBY, Acquisition.MARKET_RUNNING, Acquisition.REFERRAL, Acquisition.APPOINTMENT)}  # fmt: skip


def _preset() -> str:
    """The source preset by where the creation started, or "" (to be chosen)."""
    via = request.args.get("via") or request.form.get("via") or ""
    return via if via in PRESETS else ""


def _acquisition(form) -> Acquisition:
    """The source chosen on the form; a sheet sent without the list (saved offline by an
    earlier form) keeps its preset, or the lobby as before."""
    return Acquisition(form.acquired_via.data or _preset() or Acquisition.LOBBY)


def _form_page(form, kind, customer=None, duplicate=None, status=200):
    return render_template(
        "customers/form.html", form=form, kind=kind, customer=customer, duplicate=duplicate
    ), status


def _conflict_page(customer, form):
    """Both versions side by side, one radio per differing field."""
    stored = services.sheet_data(customer)
    names = ["name", "credit_code", "mobile", *SME_SHEET_FIELDS] if customer.kind == "sme" else None
    rows, hidden = [], []
    for f in form:
        if f.type in ("HiddenField", "CSRFTokenField"):
            continue
        if names is not None and f.name not in names:
            continue
        if f.name == "resident_id":
            hidden.append(
                (f.name, f.data or "")
            )  # the user's own input; the stored one stays hidden
            continue
        mine, theirs = _as_text(f.data), _as_text(stored.get(f.name))
        rows.append({"name": f.name, "label": f.label.text, "mine": mine, "theirs": theirs})
    return render_template(
        "customers/conflict.html",
        customer=customer,
        rows=rows,
        hidden=hidden,
        form=form,
        edit_id=request.form.get("client_id", ""),
    )


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


@bp.route("/<int:customer_id>/owner", methods=["POST"])
@roles(Role.BRANCH_MANAGER)
def assign_owner(customer_id: int):
    """The branch manager gives a customer to one of the branch's salespeople."""
    customer = get_or_404(Customer, customer_id)
    value = request.form.get("owner_id", "")
    owner = None
    if value:
        owner = (
            db.session.scalar(scoped(Staff).where(Staff.id == as_id(value)))
            if as_id(value)
            else None
        )
        if owner is None or owner.role not in SALES_ROLES:
            return render_error(400, _("Choose a salesperson of this branch."))
    services.assign_owner(customer, owner, by=current_user)
    flash(_("Owner saved."), "ok")
    return redirect(url_for("customers.detail", customer_id=customer.id), 303)


@bp.route("/completeness")
@roles(Role.BRANCH_MANAGER, Role.ADMIN)
def completeness():
    """Sheet completeness per salesperson, thinnest first: what the manager coaches on."""
    rows = completeness_by_staff(visible_branch_ids(current_user))
    return render_template("customers/completeness.html", rows=rows)


from webapp.customers import routes_picker, routes_source  # noqa: E402, F401  (more views)
