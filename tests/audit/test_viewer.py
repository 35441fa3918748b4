"""The audit viewer: its sources, filters, branch scope and the xlsx export."""

import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.conftest import text_of
from tests.factories import PASSWORD, make_branch, make_customer, make_staff
from webapp.auth.models import Role, SignInFailure
from webapp.customers.models import CustomerView
from webapp.extensions import db
from webapp.imports.models import CustomerImport, ImportStatus
from webapp.timeutil import now_naive


def seed(app, branch, name_prefix=""):
    """In one branch: two people, a customer viewed by each, a failed sign-in, an import."""
    viewer = make_staff(Role.WEALTH_MANAGER, branch, name=f"{name_prefix}王芳")
    other = make_staff(Role.RETAIL_AM, branch, name=f"{name_prefix}李强")
    customer = make_customer(branch, name=f"{name_prefix}客户甲")
    second = make_customer(branch, name=f"{name_prefix}客户乙")
    with app.app_context():
        old = now_naive() - timedelta(days=40)
        db.session.add_all(
            [
                CustomerView(customer_id=customer.id, staff_id=viewer.id, branch_id=branch.id),
                CustomerView(customer_id=second.id, staff_id=other.id, branch_id=branch.id),
                CustomerView(
                    customer_id=second.id, staff_id=other.id, branch_id=branch.id, viewed_at=old
                ),
                SignInFailure(username=other.username, staff_id=other.id, address="10.0.0.9"),
                CustomerImport(
                    branch_id=branch.id, staff_id=viewer.id, kind="individual",
                    filename=f"{name_prefix}名单.xlsx", content=b"", status=ImportStatus.IMPORTED,
                    created_count=12, total_rows=12,
                ),
            ]
        )  # fmt: skip
        db.session.commit()
    return viewer, other, customer, second


def test_every_source_is_listed_and_filters_narrow(app, client, login_as, branch):
    viewer, _other, _customer, second = seed(app, branch)
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get("/audit/"))
    assert "查看客户完整信息" in page and "登录失败" in page and "名单.xlsx" in page
    # The page says what it lists: every source, hand-overs and role changes included.
    assert "信息表修改、管户人变更、客户移交、岗位变更、导入" in page
    assert page.count("客户乙") == 1  # the view of 40 days ago is outside the default month
    by_person = text_of(client.get(f"/audit/?person={viewer.id}"))
    assert "客户甲" in by_person and "客户乙" not in by_person and "10.0.0.9" not in by_person
    by_customer = text_of(client.get(f"/audit/?customer={second.id}"))
    assert "客户乙" in by_customer and "客户甲" not in by_customer and "名单" not in by_customer
    earlier = (now_naive() - timedelta(days=45)).date().isoformat()
    both = text_of(client.get(f"/audit/?customer={second.id}&from={earlier}"))
    assert both.count("客户乙") == 2


def test_export_holds_the_filtered_rows(app, client, login_as, branch):
    viewer, _other, _customer, _second = seed(app, branch)
    login_as(Role.BRANCH_MANAGER)
    response = client.get(f"/audit/export.xlsx?person={viewer.id}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["时间", "事项", "员工", "客户", "详情"]
    assert sorted(r[1] for r in rows[1:]) == ["导入", "查看客户完整信息"]
    assert {r[2] for r in rows[1:]} == {"王芳"}


def test_a_manager_sees_the_branch_and_the_region_admin_the_region(app, client, login_as, branch):
    region = make_branch("浦东管辖行")
    inside = make_branch("张江支行", parent=region)
    seed(app, branch, name_prefix="陆")
    _viewer, other_person, other_customer, _ = seed(app, inside, name_prefix="张")
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get("/audit/"))
    assert "陆客户甲" in page and "张客户甲" not in page and "张名单" not in page
    # Another branch's person or customer filters nothing in.
    assert (
        "张" not in text_of(client.get(f"/audit/?person={other_person.id}")).split("导出 Excel")[1]
    )
    assert "张客户" not in text_of(client.get(f"/audit/?customer={other_customer.id}"))
    login_as(Role.ADMIN, branch=region)
    page = text_of(client.get("/audit/"))
    assert "张客户甲" in page and "陆客户甲" not in page
    login_as(Role.WEALTH_MANAGER)
    assert client.get("/audit/").status_code == 403


def test_sign_ins_and_owner_changes_are_recorded_and_shown(app, client, login_as, branch):
    account_manager = make_staff(Role.RETAIL_AM, branch, name="赵敏")
    first = make_staff(Role.WEALTH_MANAGER, branch, name="钱程")
    customer = make_customer(branch, name="孙先生", owner_id=first.id)
    manager = make_staff(Role.BRANCH_MANAGER, branch, name="周行长")
    signed = client.post_form("/login", {"username": manager.username, "password": PASSWORD})
    assert signed.status_code in (302, 303)
    client.post_form(
        f"/customers/{customer.id}/owner", {"owner_id": account_manager.id}, page="/customers/"
    )
    page = text_of(client.get(f"/audit/?person={account_manager.id}"))
    assert "管户人变更" in page and "孙先生" in page and "钱程 → 赵敏" in page
    page = text_of(client.get(f"/audit/?person={manager.id}"))
    assert "登录" in page and "周行长" in page
