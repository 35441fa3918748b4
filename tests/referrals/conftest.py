"""A small branch team for referral tests."""

from dataclasses import dataclass

import pytest

from tests.factories import make_customer, make_staff
from webapp.auth.models import Role, Staff
from webapp.extensions import db


@dataclass
class Team:
    """Ids of a lobby manager, a teller, two wealth managers, the manager and a customer."""

    lobby: int
    teller: int
    wealth: int
    wealth2: int
    manager: int
    customer: int

    def get(self, name: str) -> Staff:
        """The member of staff, loaded in the current app context."""
        return db.session.get(Staff, getattr(self, name))


@pytest.fixture
def team(db, branch):
    """The people of the referral flow in the test branch."""
    return Team(
        lobby=make_staff(Role.LOBBY_MANAGER, branch, name="孙婷婷").id,
        teller=make_staff(Role.TELLER, branch, name="吴佳琪").id,
        wealth=make_staff(Role.WEALTH_MANAGER, branch, name="林晓燕").id,
        wealth2=make_staff(Role.WEALTH_MANAGER, branch, name="陈思远").id,
        manager=make_staff(Role.BRANCH_MANAGER, branch, name="周建华").id,
        customer=make_customer(branch, name="钱多多", mobile="13912345678").id,
    )


def refer(team: Team, referrer="lobby", receiver="wealth", **kwargs):
    """Create and commit an internal referral inside the current app context."""
    from webapp.customers.models import Customer
    from webapp.lobby.models import Need
    from webapp.referrals.services import create_referral

    kwargs.setdefault("need", Need.WEALTH)
    referral = create_referral(
        referrer=team.get(referrer),
        receiver=team.get(receiver),
        customer=db.session.get(Customer, team.customer),
        **kwargs,
    )
    db.session.commit()  # as the request that made it would
    return referral
