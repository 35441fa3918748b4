"""Each referral and lobby route answers each role exactly as its rule says."""

import pytest

from tests.factories import make_staff
from webapp.auth.models import Role

STAFF = set(Role) - {Role.ADMIN}
RECEIVERS = {
    Role.WEALTH_MANAGER,
    Role.RETAIL_AM,
    Role.CREDIT_AM,
    Role.CORPORATE_AM,
    Role.BRANCH_MANAGER,
}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/lobby/rows", {Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_MANAGER}),
        ("/referrals/", STAFF),
        ("/referrals/new", STAFF),
        ("/referrals/external", STAFF),
        ("/referrals/ledger", STAFF),
        ("/customers/picker?q=1", set(Role)),
        ("/referrals/criteria", {Role.BRANCH_MANAGER}),
        ("/referrals/policy", {Role.BRANCH_MANAGER}),
    ],
)
def test_pages_by_role(app, db, branch, path, allowed):
    """200 for the roles allowed, 403 for the others."""
    for role in Role:
        client = app.test_client()
        staff = make_staff(role, branch)
        with client.session_transaction() as session:
            session["_user_id"] = staff.get_id()
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == (200 if role in allowed else 403), (role, path)


@pytest.mark.parametrize("role", [Role.TELLER, Role.LOBBY_MANAGER, Role.ADMIN])
def test_presence_switch_is_for_receivers_only(client, login_as, role):
    """Only people who take referrals say they are out in the field."""
    login_as(role)
    response = client.post_form("/referrals/presence", {"out": "1"}, page="/me")
    assert response.status_code == 403


def test_wealth_manager_cannot_check_in_or_delete_phases(client, login_as):
    """The check-in post and the policy's delete are refused to a wealth manager."""
    login_as(Role.WEALTH_MANAGER)
    assert (
        client.post_form("/lobby/check-ins", {"first_need": "card"}, page="/me").status_code == 403
    )
    assert client.post_form("/referrals/policy/1/delete", {}, page="/me").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    """No referral page is public."""
    response = client.get("/referrals/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
