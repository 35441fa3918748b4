"""The sales-kit pages shown during a visit (issue 20, item 3): recorded from present mode by the
phone (tests/browser/test_field_loop.py), listed on the visit, and editable afterwards."""

import uuid

from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.field.models import Visit

SHOWN = "小微企业经营贷\n小微企业经营贷 · 关键条款\n收单POS与聚合支付"


def _visit(client, app) -> int:
    data = {
        "client_id": str(uuid.uuid4()),
        "business_name": "东昌路好味道餐饮店",
        "outcome": "info_collected",
        "shown": SHOWN,
        "position_status": "unavailable",
    }
    client.post_form("/field/visits", data, page="/field/visits/new")
    with app.app_context():
        return db.session.scalar(select(Visit.id))


def test_the_visit_form_records_the_kit_pages_shown(client, login_as):
    """The form says the pages shown in present mode are filled in, and opens the kit."""
    login_as(Role.RETAIL_AM)
    form = client.get("/field/visits/new")
    assert "在演示模式中展示的页面会自动记入" in text_of(form)
    assert 'href="/kit/"' in form.get_data(as_text=True)
    assert "data-kit-shown" in form.get_data(as_text=True)


def test_the_pages_shown_are_listed_on_the_visit_and_edited_later(client, login_as, app):
    """One page a line on the visit; an edit changes them; an edit queued by a page without the
    field keeps them."""
    login_as(Role.RETAIL_AM)
    visit_id = _visit(client, app)
    page = client.get(f"/field/visits/{visit_id}").get_data(as_text=True)
    assert "<li>小微企业经营贷 · 关键条款</li>" in page
    url = f"/field/visits/{visit_id}/edit"
    assert "收单POS与聚合支付" in client.get(url).get_data(as_text=True)
    edit = {
        "client_id": str(uuid.uuid4()),
        "version": "1",
        "outcome": "info_collected",
        "notes": "",
        "shown": "小微企业经营贷\n代发工资",
    }
    assert client.post_form(url, edit).status_code == 303
    older = {"client_id": str(uuid.uuid4()), "version": "2", "outcome": "lead", "notes": "改"}
    assert client.post_form(url, older).status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.kit_pages == ["小微企业经营贷", "代发工资"] and visit.notes == "改"
