"""The one rule for a customer chosen or typed on a form (webapp/customers/choice.py)."""

import pytest
from sqlalchemy import func, select

from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers import choice
from webapp.customers.models import Acquisition, Customer


def _choose(staff, **fields):
    values = {"customer_id": None, "new_name": "", "new_mobile": ""}
    values.update(fields)
    return choice.chosen_or_new(staff, acquired_via=Acquisition.LOBBY, **values)


def test_chosen_new_or_nobody(app, db, branch):
    """An id of the branch is that customer; a name makes one (with its pinyin keys); neither
    is nobody; another branch's id is refused."""
    me = make_staff(Role.LOBBY_MANAGER, branch)
    known = make_customer(branch, name="钱先生")
    elsewhere = make_customer(make_branch())
    with app.app_context():
        me = db.session.get(type(me), me.id)
        assert _choose(me, customer_id=str(known.id)).id == known.id
        with pytest.raises(choice.UnknownCustomer):
            _choose(me, customer_id=elsewhere.id)
        assert _choose(me) is None
        made = _choose(me, new_name=" 任小明 ", new_mobile="13800001111")
        assert (made.name, made.name_key, made.name_initials) == ("任小明", "ren2xiao3ming2", "rxm")


def test_a_known_mobile_is_refused_never_reused(app, db, branch):
    """The refusal carries the existing customer for the form to offer; nothing is made."""
    me = make_staff(Role.WEALTH_MANAGER, branch)
    known = make_customer(branch, name="钱先生", mobile="13800002222")
    with app.test_request_context():
        me = db.session.get(type(me), me.id)
        with pytest.raises(choice.DuplicateCustomer) as refused:
            _choose(me, new_name="赵女士", new_mobile="13800002222")
        assert refused.value.existing.id == known.id
        assert "钱先生" in choice.duplicate_message(refused.value.existing)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Customer.id))) == 1
