"""Bad input gets a translated 4xx or a message beside the field, never a 500."""

import pytest

from tests.conftest import text_of
from tests.factories import make_staff
from tests.fuzzing import date_param_routes
from webapp.auth.models import Role

# Every page that reads a day, week or month parameter: (path, parameter, who opens it).
DATED_PAGES = [
    ("/reports/targets", "month", Role.BRANCH_MANAGER),
    ("/coaching/huddles/morning", "day", Role.BRANCH_MANAGER),
    ("/coaching/huddles/evening", "day", Role.BRANCH_MANAGER),
    ("/coaching/one-on-ones/{staff}", "week", Role.BRANCH_MANAGER),
    ("/reports/progress", "month", Role.BRANCH_MANAGER),
    ("/reports/monthly", "month", Role.BRANCH_MANAGER),
    ("/reports/monthly.xlsx", "month", Role.BRANCH_MANAGER),
    ("/reports/credit", "month", Role.BRANCH_MANAGER),
    ("/reports/weekly", "week", Role.BRANCH_MANAGER),
    ("/reports/region", "month", Role.ADMIN),
    ("/schedule/", "day", Role.RETAIL_AM),
    ("/schedule/week", "start", Role.RETAIL_AM),
    ("/schedule/new", "day", Role.RETAIL_AM),
    ("/referrals/ledger", "date", Role.BRANCH_MANAGER),
    ("/coaching/action-plans/month", "month", Role.BRANCH_MANAGER),
    ("/audit/", "from", Role.BRANCH_MANAGER),
    ("/audit/", "to", Role.BRANCH_MANAGER),
    ("/audit/export.xlsx", "from", Role.BRANCH_MANAGER),
    ("/audit/export.xlsx", "to", Role.BRANCH_MANAGER),
]
FAR = {"month": ("9999-12", "0001-01"), "day": ("9999-12-31", "0001-01-01")}


def test_the_list_holds_every_page_with_a_date_parameter(app):
    """A new page reading ?day= or ?month= must be added above (the fuzz finds it too)."""
    listed = {(path.split("{")[0].rstrip("/"), name) for path, name, _ in DATED_PAGES}
    for rule, params in date_param_routes(app):
        for name in params:
            prefix = rule.rule.split("<")[0].rstrip("/")
            assert any(p.startswith(prefix) and n == name for p, n in listed), (rule.rule, name)


@pytest.mark.parametrize(("path", "name", "role"), DATED_PAGES)
def test_a_date_beyond_the_calendar_is_a_translated_400(client, login_as, branch, path, name, role):
    """9999-12-31 and 0001-01-01 (and their months) answer 400 with the range, in Chinese."""
    person = make_staff(Role.RETAIL_AM, branch)
    login_as(role)
    kind = "month" if name == "month" else "day"  # "from" and "to" are days
    for value in FAR[kind]:
        response = client.get(path.format(staff=person.id), query_string={name: value})
        assert response.status_code == 400, (path, value)
        assert "日期须在1900-01-01至2999-12-31之间" in text_of(response)
        fragment = client.get(
            path.format(staff=person.id), query_string={name: value}, headers={"HX-Request": "1"}
        )
        assert fragment.status_code == 400
        assert "日期须在1900-01-01至2999-12-31之间" in text_of(fragment)


def test_the_edges_of_the_range_still_show(client, login_as):
    """The first and last days BranchKit shows are pages, not errors."""
    login_as(Role.BRANCH_MANAGER)
    for month in ("1900-01", "2999-12"):
        assert client.get("/reports/monthly", query_string={"month": month}).status_code == 200
    login_as(Role.RETAIL_AM)
    for day in ("1900-01-01", "2999-12-31"):
        assert client.get("/schedule/", query_string={"day": day}).status_code == 200
        assert client.get("/schedule/week", query_string={"start": day}).status_code == 200


def test_a_nul_character_in_a_form_is_a_translated_400_and_nothing_is_stored(
    app, db, client, login_as, branch
):
    """PostgreSQL cannot store U+0000 (it was a 500 there): refused on both databases."""
    from sqlalchemy import func, select

    from webapp.coaching.models import ActionPlan

    owner = make_staff(Role.RETAIL_AM, branch)
    login_as(Role.BRANCH_MANAGER)
    response = client.post_form(
        "/coaching/action-plans/",
        {
            "owner_id": owner.id,
            "due_on": "2026-12-31",
            "what": "走访\x00园区",
            "expected_effect": "x",
        },
    )
    assert response.status_code == 400
    assert "无法保存的字符" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionPlan.id))) == 0


def test_a_form_date_beyond_the_calendar_gets_a_message_beside_the_field(
    app, db, client, login_as, branch
):
    """0001-01-01 in a date field: the form again, the message beside the field, the rest kept."""
    from sqlalchemy import func, select

    from webapp.coaching.models import ActionPlan

    owner = make_staff(Role.RETAIL_AM, branch)
    login_as(Role.BRANCH_MANAGER)
    response = client.post_form(
        "/coaching/action-plans/",
        {
            "owner_id": owner.id,
            "due_on": "0001-01-01",
            "what": "走访园区",
            "expected_effect": "新客",
        },
    )
    assert response.status_code == 200
    assert "日期须在1900-01-01至2999-12-31之间" in text_of(response)
    assert 'value="走访园区"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionPlan.id))) == 0


def test_an_id_beyond_an_integer_column_is_a_404_not_a_database_error(client, login_as):
    """/customers/99999999999 reached PostgreSQL as an out-of-range integer (a 500 there)."""
    login_as(Role.BRANCH_MANAGER)
    for path in ("/customers/99999999999", "/referrals/2147483648", "/field/visits/9" + "9" * 30):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in text_of(response)


def test_targets_as_large_as_an_exponent_allows_get_a_message_beside_the_field(
    app, db, client, login_as, branch
):
    """1e999999999 overflowed the grid's arithmetic (a 500); now "too large" beside the cell,
    as typed, and nothing is saved."""
    from sqlalchemy import func, select

    from webapp.figures.models import Target

    wealth = make_staff(Role.WEALTH_MANAGER, branch)
    login_as(Role.BRANCH_MANAGER)
    data = {
        "t-branch-deposit": "1e999999999",
        f"t-{wealth.id}-new_customers": "1e999999999",
        f"t-{wealth.id}-fund": "Infinity",
        f"t-{wealth.id}-referrals": "sNaN",
    }
    response = client.post_form("/reports/targets?month=2026-10", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="t-branch-deposit-error">数字过大。' in html
    assert f'id="t-{wealth.id}-new_customers-error">数字过大。' in html
    assert 'name="t-branch-deposit" value="1e999999999"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Target.id))) == 0


def test_a_body_over_the_request_limit_is_a_translated_413(app, client, login_as):
    """A 5 MB JSON body (the limit is 4 MB) is refused before it is read, as a page and as a
    fragment; the limit is the MAX_CONTENT_LENGTH setting."""
    import json

    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    login_as(Role.RETAIL_AM)
    token = client.csrf_token("/me")
    body = json.dumps({"items": [{"body": "x" * (5 * 1024 * 1024)}]})
    for headers in ({}, {"HX-Request": "1"}):
        response = client.raw.post(
            "/sync/batch",
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": token, **headers},
        )
        assert response.status_code == 413
        assert "提交的内容过大" in text_of(response)
    form = client.raw.post(
        "/coaching/commitment", data={"csrf_token": token, "note": "x" * (5 * 1024 * 1024)}
    )
    assert form.status_code == 413 and "提交的内容过大" in text_of(form)


def test_the_limit_is_configurable(app, client, login_as, monkeypatch):
    """A deployment can lower (or raise) it."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    login_as(Role.RETAIL_AM)
    token = client.csrf_token("/me")
    response = client.raw.post(
        "/sync/batch",
        data="[" + "1," * 10_000 + "1]",
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 413


def post_file(client, path: str, fields: dict, content: bytes):
    """POST a multipart form with an image, closing the body the test client spooled to a
    temporary file (a body refused with 413 is never read, so nothing else closes it)."""
    import io

    from werkzeug.test import EnvironBuilder

    data = {**fields, "image": (io.BytesIO(content), "photo.jpg")}
    builder = EnvironBuilder(path=path, method="POST", data=data)
    environ = builder.get_environ()
    try:
        return client.raw.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_kit_images_have_their_own_larger_limit(app, db, client, login_as):
    """A 5 MB photo for a product is over the general limit but not the kit's: the form says
    the image is too large, beside the field; over the kit's limit it is a 413."""
    from sqlalchemy import select

    from webapp.kits.models import Product

    assert app.config["KIT_MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    login_as(Role.ADMIN)
    fields = {"category": "deposit", "name": "大额存单", "point_1": "保本", "risk_level": "r1"}
    photo = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    token = client.csrf_token("/kit/admin/products/new")
    response = post_file(client, "/kit/admin/products/new", {**fields, "csrf_token": token}, photo)
    assert response.status_code == 200
    assert 'id="image-error"' in response.get_data(as_text=True)
    huge = post_file(client, "/kit/admin/products/new", {**fields, "csrf_token": token}, photo * 4)
    assert huge.status_code == 413 and "提交的内容过大" in text_of(huge)
    with app.app_context():
        assert db.session.scalars(select(Product)).first() is None


@pytest.mark.parametrize("amount", ["Infinity", "NaN", "sNaN", "1e999999999", "-1e999999999"])
def test_a_won_prospect_with_an_amount_that_is_no_number_gets_a_message(
    app, db, client, login_as, branch, amount
):
    """The decimal field refuses them beside the field, keeps the text, records no sale."""
    from sqlalchemy import func, select

    from tests.factories import make_customer
    from webapp.prospects.models import Prospect
    from webapp.sales.models import ProductCategory, Sale

    owner = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch)
    with app.app_context():
        from webapp.extensions import db as _db

        prospect = Prospect(
            branch_id=branch.id,
            owner_id=owner.id,
            customer_id=customer.id,
            category=ProductCategory.WEALTH_MANAGEMENT,
        )
        _db.session.add(prospect)
        _db.session.commit()
        prospect_id = prospect.id
    response = client.post_form(
        f"/prospects/{prospect_id}/won",
        {"product_name": "稳健理财", "amount": amount},
        page=f"/prospects/{prospect_id}",
    )
    assert response.status_code == 200
    assert "请输入数字。" in text_of(response)
    assert f'value="{amount}"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 0


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [
        ("/schedule/week?staff=99999999999", Role.BRANCH_MANAGER, 404),
        ("/schedule/week?staff=²", Role.BRANCH_MANAGER, 404),
        ("/appointments/?customer_id=99999999999", Role.RETAIL_AM, 200),
        ("/appointments/new?customer_id=²", Role.RETAIL_AM, 200),
        ("/referrals/new?check_in=99999999999", Role.LOBBY_MANAGER, 200),
        ("/field/visits/new?stop_id=99999999999", Role.RETAIL_AM, 200),
        ("/prospects/new?customer_id=99999999999", Role.RETAIL_AM, 200),
        ("/prospects/?owner=99999999999", Role.BRANCH_MANAGER, 200),
        ("/customers/?after=99999999999.王", Role.RETAIL_AM, 200),
    ],
)
def test_an_id_parameter_no_row_can_have_is_no_record_not_a_500(
    client, login_as, path, role, status
):
    """Ids in query parameters: beyond an INTEGER column, or "²" (a digit to isdigit(), not
    to int()), they name no record."""
    login_as(role)
    response = client.get(path)
    assert response.status_code == status, path
    assert "出错" not in text_of(response)
