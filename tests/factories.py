"""Factories for branches, staff and customers (plain functions over the real models)."""

import itertools
from functools import cache

from webapp.auth.models import Branch, Role, Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
APP = None  # set by the `app` fixture


def _save(obj):
    """Commit one new row in its own app context and return it loaded and detached."""
    with APP.app_context():
        db.session.add(obj)
        db.session.commit()
        db.session.refresh(obj)
        return obj


@cache
def _password_hash() -> str:
    probe = Staff()
    probe.set_password(PASSWORD)
    return probe.password_hash


def make_branch(name: str | None = None, parent: Branch | None = None) -> Branch:
    """A branch with a unique code, made as the app makes one: with its referral criteria (a
    test that needs the split policy sets it from its own start, policy.ensure_policy)."""
    from webapp.referrals.criteria import create_criteria

    n = next(_seq)
    branch = Branch(
        code=f"T{n:04d}", name=name or f"测试支行{n}", parent_id=parent.id if parent else None
    )
    with APP.app_context():
        db.session.add(branch)
        db.session.flush()
        create_criteria(branch.id, None)
        db.session.commit()
        db.session.refresh(branch)
        return branch


def make_staff(role: Role, branch: Branch, **fields) -> Staff:
    """A member of staff whose password is PASSWORD."""
    n = next(_seq)
    staff = Staff(
        username=fields.pop("username", f"{role.value}{n}"),
        name=fields.pop("name", f"员工{n}"),
        role=role,
        branch_id=branch.id,
        password_hash=_password_hash(),
        session_token=f"tok{n}",
        **fields,
    )
    return _save(staff)


def make_customer(branch: Branch, **fields) -> Customer:
    """An individual customer with a unique mobile, unless told otherwise."""
    n = next(_seq)
    values = {
        "kind": CustomerKind.INDIVIDUAL,
        "name": f"客户{n}",
        "mobile": f"139{n:08d}",
        "acquired_via": Acquisition.LOBBY,
    }
    values.update(fields)
    customer = Customer(branch_id=branch.id, **values)
    return _save(customer)


def make_sale(branch: Branch, seller: Staff, customer: Customer, amount_fen: int, **fields):
    """A sale recorded through the sales service (credit lines included); returns its id."""
    from webapp.sales.models import ProductCategory
    from webapp.sales.services import record_sale

    with APP.app_context():
        sale = record_sale(
            branch_id=branch.id,
            customer_id=customer.id,
            seller_id=seller.id,
            category=fields.pop("category", ProductCategory.DEPOSIT),
            product_name=fields.pop("product_name", "测试产品"),
            amount_fen=amount_fen,
            **fields,
        )
        db.session.commit()
        return sale.id
