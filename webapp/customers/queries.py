"""Read-only queries over customers, always branch-scoped."""

from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from webapp.auth.access import scoped
from webapp.auth.models import Staff
from webapp.customers import permissions
from webapp.customers.models import Customer
from webapp.extensions import LIKE_ESCAPE, db, like_literal

PAGE_SIZE = 30


# Lists show 139****5678: the last four digits are what everyone in the branch sees.
VISIBLE_TAIL = 4
MOBILE_DIGITS = 11


def narrows_a_number(term: str) -> bool:
    """Whether a search names more of a mobile than the lists show (audited and throttled)."""
    term = term.strip()
    return term.isdigit() and len(term) > VISIBLE_TAIL


def _mobile_match(term: str, user: Staff):
    """What digits may match of a mobile: only what the user may see of it. The last four (or
    fewer) of anyone's, the whole number exactly, and any tail of the numbers they may see in
    full; never a longer tail of a masked number (it would reveal the hidden digits one by one)."""
    if len(term) <= VISIBLE_TAIL:
        return Customer.mobile.like(f"%{term}")
    conditions = [Customer.mobile == term] if len(term) == MOBILE_DIGITS else []
    full = permissions.full_view_clause(user)
    if full is not None:
        conditions.append(and_(full, Customer.mobile.like(f"%{term}")))
    return or_(*conditions) if conditions else None


def search_customers(
    term: str,
    limit: int = PAGE_SIZE,
    after: tuple[str, int] | None = None,
    user: Staff | None = None,
    owner_id: int | None = None,
):
    """Customers the user may see whose name, pinyin initials, company or mobile tail matches
    the term (only the owner's when given), in pinyin order of their names.

    Keyset pages: `after` is the (name_key, id) of the last row shown, so the hundredth page of
    a branch's 5,000 customers costs what the first does."""
    user = user or current_user
    query = scoped(Customer, user)
    if owner_id is not None:
        query = query.where(Customer.owner_id == owner_id)
    if after is not None:
        key, ident = after
        query = query.where(
            or_(Customer.name_key > key, and_(Customer.name_key == key, Customer.id > ident))
        )
    term = term.strip()
    if term:
        like = f"%{like_literal(term)}%"
        conditions = [Customer.name.ilike(like, escape=LIKE_ESCAPE)]
        mobile = _mobile_match(term, user) if term.isdigit() else None
        if mobile is not None:
            conditions.append(mobile)
        if term.isascii() and term.isalpha():
            # "zs" finds 张三 and 张晓松: the initials of the name, from its first syllable.
            conditions.append(Customer.name_initials.like(f"{term.lower()}%"))
        if len(term) >= 6 and term.isalnum() and term.isascii():
            conditions.append(Customer.credit_code.like(f"{term.upper()}%"))
        query = query.where(or_(*conditions))
    return query.order_by(Customer.name_key, Customer.id).limit(limit)


def branch_customer(customer_id, user: Staff | None = None) -> Customer | None:
    """The customer a form names by id, only when the user's branch may see them (else None).

    A form is typed by anyone, so its ids go through the branch scope as a URL's do."""
    if not customer_id or not str(customer_id).isdigit():
        return None
    return db.session.scalar(scoped(Customer, user).where(Customer.id == int(customer_id)))


def completeness_by_staff(branch_ids: list[int]):
    """Per owner in the branches: customers owned and their sheets' average completeness (0-100).

    Rows of (staff_id, staff_name, customers, average, complete) ordered by average, lowest first:
    the manager coaches whoever's sheets are thinnest. `complete` counts sheets at 80% or more.
    """
    return db.session.execute(
        select(
            Staff.id,
            Staff.name,
            func.count(Customer.id),
            func.coalesce(func.round(func.avg(Customer.completeness)), 0),
            func.count(Customer.id).filter(Customer.completeness >= 80),
        )
        .join(Customer, Customer.owner_id == Staff.id)
        .where(Customer.branch_id.in_(branch_ids))
        .group_by(Staff.id, Staff.name, Staff.name_key)
        .order_by(func.avg(Customer.completeness), Staff.name_key)
    ).all()


OFFLINE_SHEETS = 10


def recent_editable_sme_sheets(user: Staff, limit: int = OFFLINE_SHEETS) -> list[Customer]:
    """The SME sheets the user opened most recently and may edit: those editable offline."""
    from webapp.auth.models import SALES_ROLES, Role
    from webapp.customers.models import CustomerKind, CustomerView, ViewReason

    if user.role == Role.BRANCH_MANAGER:
        mine = Customer.branch_id == user.branch_id
    elif user.role in SALES_ROLES:
        mine = Customer.owner_id == user.id
    else:
        return []
    last_view = func.max(CustomerView.viewed_at)
    query = (
        scoped(Customer)
        .join(CustomerView, CustomerView.customer_id == Customer.id)
        .where(CustomerView.staff_id == user.id, Customer.kind == CustomerKind.SME, mine)
        # Kept offline because opened: the worker's own fetches must not keep them there.
        .where(CustomerView.reason != ViewReason.PRECACHE)
        .group_by(Customer.id)
        .order_by(last_view.desc(), Customer.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def offline_sheet_urls(user: Staff) -> list[str]:
    """The edit forms of the recently opened SME sheets, kept on the phone for offline use.

    Not the sheets themselves (the sheet a person opened is kept anyway, as every page opened
    online is). Each form fetched is a full view, audited with the reason precache.
    """
    from flask import url_for

    return [
        url_for("customers.edit", customer_id=customer.id)
        for customer in recent_editable_sme_sheets(user)
    ]
