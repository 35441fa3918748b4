"""Every state change of the customers domain."""

from datetime import timedelta

from flask import current_app, request
from sqlalchemy import func, or_, select

from webapp.auth.models import Staff
from webapp.customers.models import (
    Acquisition,
    ChangeKind,
    Customer,
    CustomerChange,
    CustomerKind,
    CustomerSearch,
    CustomerSourceChange,
    CustomerView,
    IndividualSheet,
    SmeSheet,
    ViewReason,
)
from webapp.customers.queries import narrows_a_number, search_customers
from webapp.customers.sheets import INDIVIDUAL_SHEET_FIELDS, SME_SHEET_FIELDS, completeness
from webapp.customers.validators import normalise_code, normalise_mobile
from webapp.extensions import db
from webapp.sync.protocol import PRECACHE_HEADER, check_version, create_once
from webapp.timeutil import now_naive
from webapp.transactions import keep_when_refused


def record_full_view(
    customer: Customer, staff: Staff, reason: ViewReason = ViewReason.OPENED
) -> CustomerView:
    """Write the audit row for a customer's full record served to a member of staff, and why
    (a page fetched by the service worker to keep offline is recorded as the precache)."""
    if request.headers.get(PRECACHE_HEADER):
        reason = ViewReason.PRECACHE
    view = CustomerView(
        customer_id=customer.id,
        staff_id=staff.id,
        branch_id=customer.branch_id,
        ip_address=(request.remote_addr or "")[:45],
        reason=reason,
    )
    db.session.add(view)
    return view


def correct_source(customer: Customer, staff: Staff, source: Acquisition) -> None:
    """The owner or the manager corrects how the branch won the customer, with an audit row
    (permissions.can_edit decides who; the same source again changes nothing)."""
    if source is customer.acquired_via:
        return
    db.session.add(
        CustomerSourceChange(
            customer_id=customer.id,
            branch_id=customer.branch_id,
            staff_id=staff.id,
            from_source=customer.acquired_via,
            to_source=source,
        )
    )
    customer.acquired_via = source
    db.session.flush()


# Searches by mobile narrowing one number (more digits than the last four) a person may make in
# the window: enough for a counter's day of customers saying their number, far too few to try
# the 10,000 middles of a number whose first three and last four are shown.
MOBILE_SEARCH_LIMIT = 20
MOBILE_SEARCH_WINDOW_MINUTES = 60


class TooManySearches(Exception):
    """The person has made as many narrowing mobile searches as the window allows."""


def audited_search(
    staff: Staff,
    term: str,
    limit: int,
    after: tuple[str, int] | None = None,
    owner_id: int | None = None,
) -> list[Customer]:
    """Search customers (only the owner's when given); a search narrowing one mobile number is
    throttled (TooManySearches) and recorded, refused or not, with what it matched."""
    statement = search_customers(term, limit=limit, after=after, user=staff, owner_id=owner_id)
    if not narrows_a_number(term):
        return list(db.session.scalars(statement))
    config = current_app.config
    window = timedelta(
        minutes=config.get("MOBILE_SEARCH_WINDOW_MINUTES", MOBILE_SEARCH_WINDOW_MINUTES)
    )
    recent = db.session.scalar(
        select(func.count(CustomerSearch.id)).where(
            CustomerSearch.staff_id == staff.id, CustomerSearch.searched_at >= now_naive() - window
        )
    )
    refused = recent >= config.get("MOBILE_SEARCH_LIMIT", MOBILE_SEARCH_LIMIT)
    found = [] if refused else list(db.session.scalars(statement))
    db.session.add(
        CustomerSearch(
            staff_id=staff.id,
            branch_id=staff.branch_id,
            term=term.strip()[:60],
            matched=len(found),
            refused=refused,
            searched_at=now_naive(),
            ip_address=(request.remote_addr or "")[:45],
        )
    )
    if refused:
        keep_when_refused()  # the refused search stays in the audit though the answer is 429
        raise TooManySearches
    return found


class DuplicateCustomer(Exception):
    """A customer with this mobile or credit code already exists in the branch."""

    def __init__(self, existing: Customer):
        super().__init__(f"duplicate of customer {existing.id}")
        self.existing = existing


def find_duplicate(branch_id: int, mobile: str | None = None, credit_code: str | None = None):
    """The branch's existing customer with this mobile or credit code, if any."""
    conditions = []
    if mobile:
        conditions.append(Customer.mobile == normalise_mobile(mobile))
    if credit_code:
        conditions.append(Customer.credit_code == normalise_code(credit_code))
    if not conditions:
        return None
    return db.session.scalars(
        select(Customer).where(Customer.branch_id == branch_id, or_(*conditions)).limit(1)
    ).first()


def create_customer(
    *,
    branch_id: int,
    kind: CustomerKind,
    name: str,
    mobile: str | None = None,
    credit_code: str | None = None,
    owner_id: int | None = None,
    acquired_via: Acquisition = Acquisition.LOBBY,
) -> Customer:
    """Create a customer unless the mobile or credit code is already the branch's (DuplicateCustomer)."""
    existing = find_duplicate(branch_id, mobile, credit_code)
    if existing is not None:
        raise DuplicateCustomer(existing)
    customer = Customer(
        branch_id=branch_id,
        kind=kind,
        name=name.strip(),
        mobile=mobile or None,
        credit_code=credit_code.upper() if credit_code else None,
        owner_id=owner_id,
        acquired_via=acquired_via,
    )
    db.session.add(customer)
    db.session.flush()
    return customer


def _apply_sheet(customer: Customer, data: dict) -> None:
    """Copy the sheet's fields from validated form data onto the customer and its sheet."""
    if customer.kind == CustomerKind.SME:
        sheet = customer.sme_sheet or SmeSheet()
        customer.sme_sheet = sheet
        names = SME_SHEET_FIELDS
    else:
        sheet = customer.individual_sheet or IndividualSheet()
        customer.individual_sheet = sheet
        names = INDIVIDUAL_SHEET_FIELDS
        sheet.needs = ",".join(data.get("needs") or [])
    for name in names:
        value = data.get(name)
        if name == "resident_id":
            # Never sent back to the browser, so an empty field keeps the number on file.
            if value:
                sheet.resident_id = value
        elif name == "employees":
            setattr(sheet, name, value if value not in ("", None) else None)
        else:
            setattr(sheet, name, value if value is not None else "")
    customer.completeness = completeness(customer)


def create_with_sheet(
    *,
    branch_id: int,
    kind: CustomerKind,
    data: dict,
    owner_id: int | None,
    acquired_via: Acquisition = Acquisition.LOBBY,
    client_id: str | None = None,
    payload=None,
) -> Customer:
    """Create a customer and its information sheet together (DuplicateCustomer on a clash).

    With a client_id (an offline-capable form) it is made once: a replay, or a copy that lost a
    race with the first, gets the first customer.
    """

    def build() -> Customer:
        customer = create_customer(
            branch_id=branch_id,
            kind=kind,
            name=data["name"],
            mobile=data.get("mobile") or None,
            credit_code=data.get("credit_code") or None,
            owner_id=owner_id,
            acquired_via=acquired_via,
        )
        _apply_sheet(customer, data)
        return customer

    if client_id:
        return create_once(Customer, client_id, payload if payload is not None else data, build)[0]
    customer = build()
    db.session.flush()
    return customer


def update_sheet(
    customer: Customer, data: dict, version, edit_id: str | None = None, by: Staff | None = None
) -> bool:
    """Save an edited sheet; StaleVersion when it was based on an older version, DuplicateCustomer on a clash.

    An edit_id (offline-capable form) already applied is a replay: nothing changes (False).
    The fields that changed (names only) are recorded for the customer's story, with who did it.
    """
    if edit_id and customer.last_edit_id == edit_id:
        return False
    mobile = data.get("mobile") or None
    credit_code = (data.get("credit_code") or "").upper() or None
    existing = find_duplicate(customer.branch_id, mobile, credit_code)
    if existing is not None and existing.id != customer.id:
        raise DuplicateCustomer(existing)
    if not check_version(customer, version, edit_id):
        return False
    before = sheet_data(customer)
    customer.name = data["name"].strip()
    customer.mobile = mobile
    if customer.kind == CustomerKind.SME:
        customer.credit_code = credit_code
    _apply_sheet(customer, data)
    db.session.flush()
    after = sheet_data(customer)
    changed = [name for name in after if after[name] != before.get(name)]
    if by is not None and changed:
        db.session.add(
            CustomerChange(
                customer_id=customer.id,
                branch_id=customer.branch_id,
                staff_id=by.id,
                kind=ChangeKind.SHEET,
                fields=",".join(changed)[:400],
            )
        )
    return True


def sheet_data(customer: Customer) -> dict:
    """The customer and its sheet as form data (for the edit form and the conflict page)."""
    data = {"name": customer.name, "mobile": customer.mobile or ""}
    if customer.kind == CustomerKind.SME:
        data["credit_code"] = customer.credit_code or ""
        sheet, names = customer.sme_sheet, SME_SHEET_FIELDS
    else:
        sheet, names = customer.individual_sheet, INDIVIDUAL_SHEET_FIELDS
        data["needs"] = sheet.need_list if sheet else []
    for name in names:
        data[name] = getattr(sheet, name) if sheet is not None else None
    data.pop("resident_id", None)  # never shown in full, not even in the edit form
    return data


def assign_owner(customer: Customer, owner: Staff | None, by: Staff) -> Customer:
    """Give the customer to a salesperson of its branch (or to nobody), recorded with who did it."""
    to_id = owner.id if owner is not None else None
    if to_id != customer.owner_id:
        db.session.add(
            CustomerChange(
                customer_id=customer.id,
                branch_id=customer.branch_id,
                staff_id=by.id,
                kind=ChangeKind.OWNER,
                from_owner_id=customer.owner_id,
                to_owner_id=to_id,
            )
        )
    customer.owner_id = to_id
    return customer
