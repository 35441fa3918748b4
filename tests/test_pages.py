"""Every page renders for every role that may open it, on the demo data, on both databases."""

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.access import PUBLIC, rule_for
from webapp.auth.models import Staff
from webapp.customers.models import Customer


@pytest.fixture
def demo(app, db):
    """The demo data set loaded into the test database."""
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def _sign_in(client, app, username):
    with app.app_context():
        staff = app.extensions["sqlalchemy"].session.scalar(
            select(Staff).where(Staff.username == username)
        )
        with client.raw.session_transaction() as session:
            session["_user_id"] = staff.get_id()
        return staff.role


def _page_urls(app):
    """Every GET route without URL parameters, plus one customer record."""
    with app.app_context():
        customer_id = app.extensions["sqlalchemy"].session.scalar(select(Customer.id).limit(1))
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
                urls.append((rule.endpoint, rule.rule))
    urls.append(("customers.detail", f"/customers/{customer_id}"))
    with app.app_context():
        person_id = app.extensions["sqlalchemy"].session.scalar(
            select(Staff.id).where(Staff.username == "wealth2")
        )
    urls.append(("admin.person", f"/staff/{person_id}"))
    return urls


@pytest.mark.parametrize(
    "username", ["manager", "wealth1", "retail1", "lobby1", "teller1", "admin"]
)
def test_every_page_renders_for_each_role(app, client, demo, username):
    """Each page answers 200 (or a redirect/403 the rule explains) and never a 500."""
    role = _sign_in(client, app, username)
    for endpoint, url in _page_urls(app):
        response = client.get(url)
        response.close()
        with app.test_request_context():
            rule = rule_for(endpoint)
        allowed = rule == PUBLIC or rule == "signed_in" or role in rule
        assert response.status_code < 500, url
        if not allowed:
            assert response.status_code == 403, url
        elif response.status_code == 200 and response.mimetype == "text/html":
            assert "BranchKit" in response.get_data(as_text=True), url


def test_customer_list_masks_phones_and_the_full_view_is_audited(app, client, demo, db):
    """Lists show 138****1234; opening one's own customer shows the number and writes the audit row."""
    from webapp.customers.models import CustomerView

    _sign_in(client, app, "retail1")
    listing = text_of(client.get("/customers/"))
    with app.app_context():
        customer = db.session.scalars(
            select(Customer)
            .join(Staff, Staff.id == Customer.owner_id)
            .where(Customer.kind == "individual", Staff.username == "retail1")
            .limit(1)
        ).first()
        customer_name, mobile, customer_id = customer.name, customer.mobile, customer.id
    search = text_of(client.get(f"/customers/?q={mobile[-4:]}"))
    assert f"{mobile[:3]}****{mobile[-4:]}" in search
    assert mobile not in listing and mobile not in search
    detail = text_of(client.get(f"/customers/{customer_id}"))
    assert mobile in detail and customer_name in detail
    with app.app_context():
        views = db.session.scalars(
            select(CustomerView).where(CustomerView.customer_id == customer_id)
        ).all()
        assert len(views) == 1 and views[0].staff.username == "retail1"


def test_active_search_returns_only_the_rows_fragment(app, client, demo):
    """A plain htmx request gets the rows; a boosted one gets the whole page."""
    _sign_in(client, app, "retail1")
    fragment = client.get("/customers/?q=上海", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'class="list__item"' in html and "上海" in html
    page = client.get("/customers/?q=上海", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in page.get_data(as_text=True)
