"""Every route has an explicit access rule, roles are enforced, branches never leak."""

import pytest

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.access import PUBLIC, SIGNED_IN, rule_for
from webapp.auth.models import Role

# The only routes anyone may open without signing in, and why.
EXPECTED_PUBLIC = {
    "static": "CSS, JS and icons",
    "auth.login": "the sign-in page",
    "auth.second_factor": "the sign-in page's second step (a code, after the password)",
    "auth.language": "choosing the language before signing in",
    "home.index": "redirects to sign-in or to the role's home",
    "home.healthz": "the load balancer's health check",
    "sync.service_worker": "the service worker script (it holds no data)",
}


def test_every_route_declares_an_access_rule(app):
    """Walk the URL map: a route without a rule fails here before it can ship."""
    missing, public = [], set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = rule_for(rule.endpoint)
            if access is None:
                missing.append(f"{rule.endpoint} ({rule.rule})")
            elif access == PUBLIC:
                public.add(rule.endpoint)
            else:
                assert access == SIGNED_IN or (access and all(isinstance(r, Role) for r in access))
    assert missing == []
    assert public == set(EXPECTED_PUBLIC)


def test_a_route_without_a_rule_is_refused(app, client, login_as):
    """Fail closed: a view registered without a rule answers 403 even to a signed-in user."""
    view = app.view_functions["home.today"]
    original = view.__dict__.pop("access_rule")
    try:
        login_as(Role.RETAIL_AM)
        assert client.get("/today").status_code == 403
    finally:
        view.access_rule = original


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/dashboard", {Role.BRANCH_MANAGER}),
        ("/region", {Role.ADMIN}),
        ("/lobby/", {Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_MANAGER}),
        ("/today", set(Role) - {Role.ADMIN}),
        ("/customers/", set(Role)),
        ("/me", set(Role)),
    ],
)
def test_role_rules(app, db, branch, path, allowed):
    """Each role gets the page or a 403, exactly as the rule says."""
    for role in Role:
        client = app.test_client()
        staff = make_staff(role, branch)
        with client.session_transaction() as session:
            session["_user_id"] = staff.get_id()
        response = client.get(path)
        assert response.status_code == (200 if role in allowed else 403), (role, path)
        if role in allowed:
            assert staff.name in text_of(response)


def test_anonymous_users_are_sent_to_sign_in(client):
    """Pages other than the public ones redirect to the sign-in page."""
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/customers/"


def test_anonymous_htmx_request_is_redirected_by_header(client):
    """An htmx request gets HX-Redirect rather than a login page swapped into a fragment."""
    response = client.get("/customers/?q=1", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_customer_of_another_branch_is_not_found(client, login_as, branch, db):
    """A member of branch A gets 404 for a customer of branch B, and B's customer is not listed."""
    other = make_branch("张江支行")
    theirs = make_customer(other, name="别行客户")
    ours = make_customer(branch, name="本行客户")
    login_as(Role.BRANCH_MANAGER)
    assert client.get(f"/customers/{theirs.id}").status_code == 404
    assert client.get(f"/customers/{ours.id}").status_code == 200
    listing = client.get("/customers/").get_data(as_text=True)
    assert "本行客户" in listing and "别行客户" not in listing
    search = client.get("/customers/?q=别行").get_data(as_text=True)
    assert "别行客户" not in search


def test_administrator_sees_the_branches_of_their_region_only(client, db):
    """The administrator of a region sees its branches' customers, not another region's."""
    region = make_branch("浦东管辖行")
    inside = make_branch("陆家嘴支行", parent=region)
    elsewhere = make_branch("徐汇支行")
    ours = make_customer(inside, name="辖内客户")
    theirs = make_customer(elsewhere, name="辖外客户")
    admin = make_staff(Role.ADMIN, region)
    with client.raw.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    assert client.get(f"/customers/{ours.id}").status_code == 200
    assert client.get(f"/customers/{theirs.id}").status_code == 404
    region_page = client.get("/region").get_data(as_text=True)
    assert "陆家嘴支行" in region_page and "徐汇支行" not in region_page
