"""Importing customers: parsing, the checked preview, the job, re-import, update, undo, access."""

import io
from datetime import timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from tests.imports.helpers import customer_csv, write_customer_workbook
from webapp.auth.models import Role
from webapp.customers.models import Customer, IndividualSheet
from webapp.extensions import db as _db
from webapp.imports.models import CustomerImport, ImportStatus
from webapp.jobs import runner
from webapp.jobs.models import Job, JobStatus
from webapp.timeutil import now_naive


def upload(client, data: bytes, name="客户.xlsx", kind="individual", update_existing=False):
    """Upload a file through the form; the import's id."""
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if update_existing:
        form["update_existing"] = "y"
    response = client.post_form("/imports/", form, content_type="multipart/form-data")
    assert response.status_code == 303, text_of(response)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def work(app) -> None:
    """What the worker does on its next turn: run every queued job."""
    with app.app_context():
        runner.run_pending()


def record(app, import_id) -> CustomerImport:
    with app.app_context():
        return _db.session.get(CustomerImport, import_id)


def customers(app, branch) -> int:
    with app.app_context():
        return _db.session.scalar(
            select(func.count(Customer.id)).where(Customer.branch_id == branch.id)
        )


def workbook_bytes(tmp_path, **kwargs) -> tuple[bytes, list]:
    path = tmp_path / "customers.xlsx"
    bad = write_customer_workbook(path, **kwargs)
    return path.read_bytes(), bad


def test_preview_reports_each_bad_cell_and_saves_nothing(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    data, bad = workbook_bytes(tmp_path, rows=100, bad=8, owner_username="am1")
    import_id = upload(client, data)
    page = text_of(client.get(f"/imports/{import_id}"))
    assert "检查中" in page
    work(app)
    assert customers(app, branch) == 0
    page = client.get(f"/imports/{import_id}").get_data(as_text=True)
    shown = text_of(client.get(f"/imports/{import_id}"))
    for row, column in bad:
        assert f'<td class="num">{row}</td><td>{column}</td>' in page
    assert "不是有效的手机号码" in shown and "身份证号码无效" in shown
    assert "管户人不存在" in shown and "必填，请填写。" in shown
    assert record(app, import_id).error_rows == 8
    assert "导入 92 行有效数据" in shown


def test_import_the_valid_rows_then_again_creates_nothing(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    owner = make_staff(Role.RETAIL_AM, branch, username="am1")
    data, _bad = workbook_bytes(tmp_path, rows=60, bad=4, owner_username="am1")
    import_id = upload(client, data)
    work(app)
    client.post_form(f"/imports/{import_id}/confirm", {}, page=f"/imports/{import_id}")
    work(app)
    assert record(app, import_id).status is ImportStatus.IMPORTED
    assert record(app, import_id).created_count == 56
    with app.app_context():
        owned = _db.session.scalar(select(func.count()).where(Customer.owner_id == owner.id))
        sheets = _db.session.scalar(select(func.count(IndividualSheet.id)))
    assert owned == 56 and sheets == 56
    again = upload(client, data)
    work(app)
    assert record(app, again).valid_rows == 0
    assert "已是本网点客户" in text_of(client.get(f"/imports/{again}"))
    assert customers(app, branch) == 56


def test_csv_in_each_encoding_is_read(app, client, login_as, branch):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    for encoding, bom in (("utf-8", True), ("utf-8", False), ("gb18030", False)):
        data = customer_csv(5, "am1", encoding, bom)
        assert ("导入客户".encode(encoding) in data) and (data.startswith(b"\xef\xbb\xbf") == bom)
        import_id = upload(client, data, name="客户.csv")
        work(app)
        found = record(app, import_id)
        assert (found.total_rows, found.error_rows, found.new_rows) == (5, 0, 5), encoding


def test_update_is_a_choice_with_a_preview_of_changes(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    make_customer(branch, name="旧名字", mobile="13900000003")
    data, _bad = workbook_bytes(tmp_path, rows=5, bad=0, owner_username="am1")
    import_id = upload(client, data, update_existing=True)
    work(app)
    found = record(app, import_id)
    assert (found.new_rows, found.changed_rows) == (4, 1)
    page = text_of(client.get(f"/imports/{import_id}"))
    assert "对已有客户的修改" in page and "旧名字" in page and "导入客户00003" in page
    client.post_form(f"/imports/{import_id}/confirm", {}, page=f"/imports/{import_id}")
    work(app)
    with app.app_context():
        names = _db.session.scalars(select(Customer.name).where(Customer.mobile == "13900000003"))
        assert list(names) == ["导入客户00003"]
    assert record(app, import_id).updated_count == 1


def test_undo_takes_back_and_is_refused_after_a_change(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    data, _bad = workbook_bytes(tmp_path, rows=10, bad=0, owner_username="am1")
    first = upload(client, data)
    work(app)
    client.post_form(f"/imports/{first}/confirm", {}, page=f"/imports/{first}")
    work(app)
    with app.app_context():
        _db.session.execute(
            update(Customer).where(Customer.name == "导入客户00004").values(version=2)
        )
        _db.session.commit()
    client.post_form(f"/imports/{first}/undo", {}, page=f"/imports/{first}")
    assert "未撤销：导入后已有 1 行被修改或使用。" in text_of(client.get(f"/imports/{first}"))
    assert customers(app, branch) == 10
    with app.app_context():
        _db.session.execute(update(Customer).values(version=1))
        _db.session.commit()
    client.post_form(f"/imports/{first}/undo", {}, page=f"/imports/{first}")
    assert customers(app, branch) == 0
    assert record(app, first).status is ImportStatus.UNDONE


def test_a_job_left_running_by_a_dead_worker_is_picked_up(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    data, _bad = workbook_bytes(tmp_path, rows=30, bad=0, owner_username="am1")
    import_id = upload(client, data)
    work(app)
    client.post_form(f"/imports/{import_id}/confirm", {}, page=f"/imports/{import_id}")
    with app.app_context():
        job_id = _db.session.get(CustomerImport, import_id).job_id
        # The dead worker had claimed the job and beat its heart long ago.
        _db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.RUNNING, heartbeat_at=now_naive() - timedelta(minutes=5))
        )
        _db.session.commit()
        assert runner.claim(now_naive() - timedelta(seconds=270)) is None  # not yet stale then
    work(app)
    assert record(app, import_id).status is ImportStatus.IMPORTED
    assert customers(app, branch) == 30
    with app.app_context():
        job = _db.session.get(Job, job_id)
        # Run again (as after a crash between the last batch and the end): nothing is doubled.
        job.status, job.heartbeat_at = JobStatus.RUNNING, now_naive() - timedelta(minutes=5)
        _db.session.commit()
    work(app)
    assert customers(app, branch) == 30
    assert record(app, import_id).created_count == 30


def test_cancel_stops_a_queued_import(app, client, login_as, branch, tmp_path):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.RETAIL_AM, branch, username="am1")
    data, _bad = workbook_bytes(tmp_path, rows=10, bad=0, owner_username="am1")
    import_id = upload(client, data)
    work(app)
    client.post_form(f"/imports/{import_id}/confirm", {}, page=f"/imports/{import_id}")
    client.post_form(f"/imports/{import_id}/cancel", {}, page=f"/imports/{import_id}")
    work(app)
    assert record(app, import_id).status is ImportStatus.CANCELLED
    assert customers(app, branch) == 0


def test_only_managers_import_and_only_into_their_branch(app, client, login_as, branch, tmp_path):
    other = make_branch()
    make_staff(Role.RETAIL_AM, other, username="elsewhere")
    login_as(Role.RETAIL_AM)
    assert client.get("/imports/").status_code == 403
    login_as(Role.BRANCH_MANAGER)
    data, _bad = workbook_bytes(tmp_path, rows=3, bad=0, owner_username="elsewhere")
    import_id = upload(client, data)
    work(app)
    assert record(app, import_id).error_rows == 3  # an owner of another branch is unknown here
    login_as(Role.BRANCH_MANAGER, branch=other)
    assert client.get(f"/imports/{import_id}").status_code == 404
    for action in ("confirm", "cancel", "undo"):
        response = client.post_form(f"/imports/{import_id}/{action}", {}, page="/imports/")
        assert response.status_code == 404
    assert client.get(f"/imports/{import_id}/progress").status_code == 404
    assert record(app, import_id).status is ImportStatus.CHECKED


def test_template_has_chinese_headers_an_example_and_drop_downs(client, login_as):
    login_as(Role.BRANCH_MANAGER)
    response = client.get("/imports/template/sme.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["企业名称*", "统一社会信用代码"]
    assert sheet["B2"].value == "91350100M000100Y43"
    assert [v.sqref for v in sheet.data_validations.dataValidation]
    assert client.get("/imports/template/nope.xlsx").status_code == 404


def test_an_unreadable_file_is_said_plainly(app, client, login_as):
    login_as(Role.BRANCH_MANAGER)
    book = Workbook()
    book.active.append(["手机"])
    out = io.BytesIO()
    book.save(out)
    import_id = upload(client, out.getvalue())
    work(app)
    assert "表头缺少该列。" in text_of(client.get(f"/imports/{import_id}"))
    import_id = upload(client, b"\x81\x30\xff\xfe\x00garbage" * 3, name="x.csv")
    work(app)
    assert record(app, import_id).status is ImportStatus.CHECKED


def test_a_running_job_stops_at_its_next_batch_when_cancelled(app, db):
    calls = []

    @runner.handler("test.count")
    def count(job):
        for done in range(1, 4):
            calls.append(done)
            if done == 2:  # meanwhile someone presses 取消 (another request sets the flag)
                _db.session.execute(
                    update(Job).where(Job.id == job.id).values(cancel_requested=True)
                )
            runner.progress(job, done)

    with app.app_context():
        job = runner.enqueue("test.count", 0, total=3)
        _db.session.commit()
        runner.run_pending()
        job = _db.session.get(Job, job.id)
        assert (job.status, job.done, calls) == (JobStatus.CANCELLED, 2, [1, 2])
    runner.HANDLERS.pop("test.count")


def test_sme_customers_match_by_credit_code(app, client, login_as, branch):
    login_as(Role.BRANCH_MANAGER)
    make_staff(Role.CORPORATE_AM, branch, username="c1")
    rows = [
        "企业名称*,统一社会信用代码,联系人,联系人手机,年营业额,管户人（用户名）",
        "某某贸易有限公司,91350100M000100Y43,李娜,,1000 万–5000 万,c1",
        "另一家公司,91350100M000100Y44,,,,c1",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("gb18030")
    first = upload(client, data, name="企业.csv", kind="sme")
    work(app)
    page = text_of(client.get(f"/imports/{first}"))
    assert "统一社会信用代码无效" in page
    client.post_form(f"/imports/{first}/confirm", {}, page=f"/imports/{first}")
    work(app)
    with app.app_context():
        sme = _db.session.scalars(select(Customer).where(Customer.kind == "sme")).one()
        assert sme.credit_code == "91350100M000100Y43" and sme.sme_sheet.contact_name == "李娜"
    again = upload(client, data, name="企业.csv", kind="sme")
    work(app)
    assert record(app, again).valid_rows == 0 and customers(app, branch) == 1
