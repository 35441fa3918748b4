"""Importing staff and prospects: checks by cell, the rows written, re-import, undo."""

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_customer, make_staff
from tests.imports.test_imports import record, upload, work
from webapp.auth.models import Role, Staff
from webapp.extensions import db
from webapp.imports.models import ImportStatus
from webapp.prospects.models import Prospect, Stage
from webapp.schedule.models import ScheduleEntry


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def confirm(client, import_id: int) -> None:
    client.post_form(f"/imports/{import_id}/confirm", {}, page=f"/imports/{import_id}")


def test_staff_are_imported_into_the_branch_without_a_usable_password(
    app, client, login_as, branch
):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.TELLER, branch, username="taken1")
    data = workbook(
        [
            ["用户名*", "姓名*", "岗位*", "手机", "职务"],
            ["wangfang", "王芳", "理财经理", "13700137000", "理财经理"],
            ["lisi", "李四", "柜员", "", ""],
            ["Bad Name!", "坏名", "柜员", "", ""],
            ["zhao", "赵", "火箭工程师", "", ""],
            ["taken1", "重名", "柜员", "", ""],
            ["lisi", "李四", "柜员", "", ""],
        ]
    )
    import_id = upload(client, data, name="员工.xlsx", kind="staff")
    work(app)
    page = text_of(client.get(f"/imports/{import_id}"))
    assert "用户名为 2 至 60 位小写字母" in page and "不是下拉列表中的选项" in page
    assert "该用户名已被使用" in page and "与本文件前面的某行重复" in page
    assert record(app, import_id).new_rows == 2
    confirm(client, import_id)
    work(app)
    with app.app_context():
        made = db.session.scalars(select(Staff).where(Staff.username.in_(["wangfang", "lisi"])))
        made = {s.username: s for s in made}
        assert made["wangfang"].role is Role.WEALTH_MANAGER
        assert made["wangfang"].branch_id == branch.id and made["wangfang"].mobile == "13700137000"
        assert all(s.password_must_change for s in made.values())
    client.post_form(f"/imports/{import_id}/undo", {}, page=f"/imports/{import_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Staff.username == "lisi")) == 0
    assert record(app, import_id).status is ImportStatus.UNDONE


def test_prospects_go_on_the_owners_list_once(app, client, login_as, branch):
    login_as(Role.BRANCH_MANAGER)
    wealth = make_staff(Role.WEALTH_MANAGER, branch, username="w1")
    customer = make_customer(branch, name="钱女士", mobile="13800001111")
    data = workbook(
        [
            ["客户手机号、身份证号码或统一社会信用代码*", "产品类别*", "产品", "预计金额（元）",
             "下次跟进（YYYY-MM-DD）", "跟进理由", "管户人（用户名）*"],
            ["13800001111", "基金", "稳健增利", "50,000", "2026-12-20", "到期资金", "w1"],
            ["13800009999", "基金", "", "", "", "", "w1"],
            ["13800001111", "保险", "", "很多", "明天", "", "w1"],
            ["13800001111", "存款", "", "", "", "", "nobody"],
        ]
    )  # fmt: skip
    import_id = upload(client, data, name="意向.xlsx", kind="prospect")
    work(app)
    page = text_of(client.get(f"/imports/{import_id}"))
    assert "本网点没有该手机号" in page and "不是以元为单位的金额" in page
    assert "不是日期" in page and "管户人不存在" in page
    confirm(client, import_id)
    work(app)
    with app.app_context():
        prospect = db.session.scalars(select(Prospect)).one()
        assert (prospect.customer_id, prospect.owner_id) == (customer.id, wealth.id)
        assert prospect.expected_amount_fen == 5_000_000 and prospect.stage is Stage.NEW
        assert db.session.scalar(select(func.count(ScheduleEntry.id))) == 1
    again = upload(client, data, name="意向.xlsx", kind="prospect")
    work(app)
    assert record(app, again).valid_rows == 0
    assert "该客户已是该管户人此类产品的在跟意向客户" in text_of(client.get(f"/imports/{again}"))
    client.post_form(f"/imports/{import_id}/undo", {}, page=f"/imports/{import_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count(Prospect.id))) == 0
        assert db.session.scalar(select(func.count(ScheduleEntry.id))) == 0
