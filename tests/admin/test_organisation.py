"""Issue 21 items 1, 2 and 6: first start (`flask setup`), the administration of units and staff
with the hand-over of a leaver's book, and the deployment check (`flask check`)."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from flask import g
from flask_login import login_user
from py_vapid import Vapid
from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import PASSWORD, make_branch, make_customer, make_staff
from webapp import create_app
from webapp.appointments import services as appointment_services
from webapp.appointments.models import Appointment, Reason
from webapp.auth.models import Branch, HandOver, Role, Staff, UnitKind
from webapp.config import TestConfig
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.lobby.models import Need
from webapp.prospects import services as prospect_services
from webapp.prospects.models import Prospect
from webapp.push.models import Kind, Notification
from webapp.referrals import services as referral_services
from webapp.referrals.models import Referral
from webapp.sales.models import ProductCategory
from webapp.schedule import services as schedule_services
from webapp.schedule.models import EntryKind, ScheduleEntry
from webapp.timeutil import now_naive

# --- flask setup --------------------------------------------------------------------------


def test_setup_from_options_on_an_empty_database(app, db):
    """Head office, two regions with their branches, and an administrator who must change the
    printed one-time password; a second run refuses."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "setup", "--head-office", "某某银行总行", "--region", "浦东管辖行",
            "--region", "浦西管辖行", "--branch", "陆家嘴支行", "--branch", "张江支行",
            "--branch", "浦西管辖行/徐家汇支行", "--admin-username", "it_admin",
            "--admin-name", "钱立",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    password = result.output.split("One-time password: ")[1].split()[0]
    with app.app_context():
        units = {b.name: b for b in db.session.scalars(select(Branch))}
        assert units["某某银行总行"].kind == UnitKind.HEAD_OFFICE
        assert units["浦西管辖行"].kind == UnitKind.REGION
        assert units["徐家汇支行"].parent_id == units["浦西管辖行"].id
        assert units["张江支行"].parent_id == units["浦东管辖行"].id
        admin = db.session.scalar(select(Staff).where(Staff.username == "it_admin"))
        assert admin.role == Role.ADMIN and admin.branch_id == units["某某银行总行"].id
        assert admin.password_must_change and admin.check_password(password)
    with app.test_request_context(), app.app_context():
        admin = db.session.scalar(select(Staff).where(Staff.username == "it_admin"))
        assert admin.role_label == "总行管理员"  # not a region's (管辖行管理员)
    again = runner.invoke(args=["setup", "--region", "x", "--admin-username", "b"])
    assert again.exit_code != 0
    assert "already has data" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Staff.id))) == 1


def test_setup_asks_what_the_options_leave_out(app, db):
    """Typed at the prompts: regions and branches separated by commas."""
    result = app.test_cli_runner().invoke(
        args=["setup"], input="浦东管辖行\n陆家嘴支行，张江支行\nboss\n张三\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = set(db.session.scalars(select(Branch.name)))
        assert names == {"总行", "浦东管辖行", "陆家嘴支行", "张江支行"}
        assert db.session.scalar(select(Staff.name).where(Staff.username == "boss")) == "张三"


# --- flask check --------------------------------------------------------------------------


def _vapid_key() -> str:
    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_check_says_what_is_wrong(app, db, monkeypatch):
    """The test suite's secret key and a bad time zone fail, in plain words, exit code 1."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "Asia/Shangai")
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "FAIL Secret key: SECRET_KEY is the test suite's key" in result.output
    assert "FAIL Time zone: BRANCHKIT_TIMEZONE='Asia/Shangai' is not a time zone" in result.output
    assert "ok   Database: answers" in result.output
    assert "ok   Migrations: current" in result.output


def test_check_passes_a_ready_deployment(app, db, monkeypatch):
    """Own secret key, migrated database, a VAPID key, a real zone: ready, exit code 0."""
    monkeypatch.setitem(app.config, "SECRET_KEY", "k" * 48)
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", _vapid_key())
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "Ready to start." in result.output


def test_every_response_carries_a_request_id(client):
    """The proxy's id is echoed; without one a new id is made."""
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_and_the_person(app, branch, monkeypatch, capsys):
    """BRANCHKIT_LOG_FORMAT=json: one JSON object a line, with request_id and staff_id."""
    monkeypatch.setenv("BRANCHKIT_LOG_FORMAT", "json")
    logged = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    person = make_staff(Role.RETAIL_AM, branch)
    with logged.test_request_context("/today"), logged.app_context():
        g.request_id = "req-42"
        login_user(db.session.get(Staff, person.id))
        logged.logger.warning("something to look at")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "something to look at" and line["level"] == "WARNING"
    assert line["request_id"] == "req-42" and line["staff_id"] == person.id
    with logged.app_context():
        db.engine.dispose()


# --- administration -----------------------------------------------------------------------


@pytest.fixture
def bank(app, db):
    """Head office over two regions; region 1 has branches A and B, region 2 branch C."""
    hq = make_branch("总行")
    r1, r2 = make_branch("浦东管辖行", parent=hq), make_branch("浦西管辖行", parent=hq)
    a, b = make_branch("陆家嘴支行", parent=r1), make_branch("张江支行", parent=r1)
    c = make_branch("徐家汇支行", parent=r2)
    with app.app_context():
        db.session.get(Branch, hq.id).kind = UnitKind.HEAD_OFFICE
        for region in (r1, r2):
            db.session.get(Branch, region.id).kind = UnitKind.REGION
        db.session.commit()
    people = {
        "hq_admin": make_staff(Role.ADMIN, hq, name="总行管理员"),
        "r1_admin": make_staff(Role.ADMIN, r1, name="浦东管理员"),
        "manager_a": make_staff(Role.BRANCH_MANAGER, a, name="周支行长"),
        "wealth_a1": make_staff(Role.WEALTH_MANAGER, a, name="林晓燕"),
        "wealth_a2": make_staff(Role.WEALTH_MANAGER, a, name="陈思远"),
        "retail_a": make_staff(Role.RETAIL_AM, a, name="王磊"),
        "wealth_b": make_staff(Role.WEALTH_MANAGER, b, name="许雨桐"),
        "manager_c": make_staff(Role.BRANCH_MANAGER, c, name="黄立新"),
        "wealth_c": make_staff(Role.WEALTH_MANAGER, c, name="何俊杰"),
    }
    return {"hq": hq, "r1": r1, "r2": r2, "a": a, "b": b, "c": c, **people}


def _post(client, url, data, page):
    return client.post_form(url, data, page=page)


def test_head_office_opens_a_region_and_a_branch(app, client, login_as, bank):
    """The head-office administrator opens a region, then a branch under it."""
    login_as(bank["hq_admin"])
    response = _post(
        client, "/organisation/units",
        {"kind": "region", "parent_id": bank["hq"].id, "name": "闵行管辖行", "code": ""},
        "/organisation",
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        region = db.session.scalar(select(Branch).where(Branch.name == "闵行管辖行"))
        assert region.kind == UnitKind.REGION and region.parent_id == bank["hq"].id
    response = _post(
        client, "/organisation/units",
        {"kind": "branch", "parent_id": region.id, "name": "莘庄支行", "code": "MH-XZ"},
        "/organisation",
    )  # fmt: skip
    assert response.status_code == 302
    assert "莘庄支行" in text_of(client.get("/organisation"))


def test_region_admin_stays_in_their_region(app, client, login_as, bank):
    """Region 1's administrator cannot open, rename or close anything in region 2, nor open a
    region; their own branch rename works."""
    login_as(bank["r1_admin"])
    response = _post(
        client, "/organisation/units",
        {"kind": "branch", "parent_id": bank["r2"].id, "name": "越权支行", "code": ""},
        "/organisation",
    )  # fmt: skip
    assert response.status_code == 422
    response = _post(
        client, "/organisation/units",
        {"kind": "region", "parent_id": bank["hq"].id, "name": "越权管辖行", "code": ""},
        "/organisation",
    )  # fmt: skip
    assert response.status_code == 422
    assert (
        _post(
            client, f"/organisation/units/{bank['c'].id}/rename", {"name": "改名"}, "/organisation"
        ).status_code
        == 404
    )
    assert (
        _post(client, f"/organisation/units/{bank['c'].id}/close", {}, "/organisation").status_code
        == 404
    )
    refused = _post(
        client, f"/organisation/units/{bank['b'].id}/rename", {"name": " "}, "/organisation"
    )
    assert refused.status_code == 422
    assert 'class="field__error" id="rename-' in refused.get_data(as_text=True)
    assert _post(
        client, f"/organisation/units/{bank['b'].id}/rename", {"name": "张江科学城支行"},
        "/organisation",
    ).status_code == 302  # fmt: skip
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(Branch.id)).where(Branch.name.like("越权%"))) == 0
        )
        assert db.session.get(Branch, bank["c"].id).name == "徐家汇支行"
        assert db.session.get(Branch, bank["b"].id).name == "张江科学城支行"


def test_a_unit_closes_only_when_nobody_works_there(app, client, login_as, bank):
    """Branch B still has staff: refused; once its only person is deactivated, it closes."""
    login_as(bank["r1_admin"])
    client.post_form(f"/organisation/units/{bank['b'].id}/close", {}, page="/organisation")
    assert "请先调出或停用该机构的员工。" in text_of(client.get("/organisation"))
    _post(client, f"/staff/{bank['wealth_b'].id}/deactivate", {}, f"/staff/{bank['wealth_b'].id}")
    client.post_form(f"/organisation/units/{bank['b'].id}/close", {}, page="/organisation")
    with app.app_context():
        assert db.session.get(Branch, bank["b"].id).closed_at is not None
        assert db.session.get(Staff, bank["wealth_b"].id) is not None  # nothing deleted


def test_branch_manager_takes_someone_on(app, client, login_as, bank):
    """A teller in their own branch, with a one-time password to change at sign-in; not a
    branch manager, not another branch."""
    login_as(bank["manager_a"])
    response = _post(
        client, "/staff/new",
        {"username": "teller_new", "name": "吴佳琪", "role": "teller",
         "branch_id": bank["a"].id, "title": "综合柜员", "mobile": ""},
        "/staff/new",
    )  # fmt: skip
    assert response.status_code == 200
    assert "一次性密码" in text_of(response)
    for role, unit in (("branch_manager", bank["a"]), ("teller", bank["c"])):
        response = _post(
            client, "/staff/new",
            {"username": f"x_{role}", "name": "越权", "role": role, "branch_id": unit.id},
            "/staff/new",
        )  # fmt: skip
        assert response.status_code == 422
    with app.app_context():
        person = db.session.scalar(select(Staff).where(Staff.username == "teller_new"))
        assert person.branch_id == bank["a"].id and person.role == Role.TELLER
        assert person.password_must_change
        assert db.session.scalar(select(func.count(Staff.id)).where(Staff.name == "越权")) == 0


def test_a_taken_username_is_refused_beside_the_field(client, login_as, bank):
    """The typed values stay; the message names the problem."""
    login_as(bank["manager_a"])
    response = _post(
        client, "/staff/new",
        {"username": bank["wealth_a1"].username.upper(), "name": "重名", "role": "teller",
         "branch_id": bank["a"].id},
        "/staff/new",
    )  # fmt: skip
    assert response.status_code == 422
    assert "该用户名已被使用。" in text_of(response)
    assert 'value="重名"' in response.get_data(as_text=True)


def test_role_changes_within_scope(app, client, login_as, bank):
    """The branch manager changes a wealth manager's role; not another branch's staff, not to
    branch manager; the region administrator not region 2's staff."""
    login_as(bank["manager_a"])
    url = f"/staff/{bank['retail_a'].id}/role"
    assert _post(client, url, {"role": "credit_am"}, url[: -len("/role")]).status_code == 302
    assert _post(client, url, {"role": "branch_manager"}, url[: -len("/role")]).status_code == 422
    other = f"/staff/{bank['wealth_c'].id}"
    assert client.get(other).status_code == 404
    assert _post(client, other + "/role", {"role": "teller"}, "/staff").status_code == 404
    login_as(bank["r1_admin"])
    assert _post(client, other + "/role", {"role": "teller"}, "/staff").status_code == 404
    with app.app_context():
        assert db.session.get(Staff, bank["retail_a"].id).role == Role.CREDIT_AM
        assert db.session.get(Staff, bank["wealth_c"].id).role == Role.WEALTH_MANAGER


def _give_a_book(app, bank, owner_key="wealth_a1", customers=3):
    """Customers, an open prospect, a received referral, a future entry and an appointment."""
    owner = bank[owner_key]
    made = [make_customer(bank["a"], name=f"客户{i}", owner_id=owner.id) for i in range(customers)]
    with app.app_context():
        person = db.session.get(Staff, owner.id)
        lobby = db.session.get(Staff, bank["retail_a"].id)
        first = db.session.get(Customer, made[0].id)
        prospect_services.create_prospect(
            customer=first, owner=person,
            data={"category": ProductCategory.DEPOSIT, "product_name": "大额存单"},
        )  # fmt: skip
        referral_services.create_referral(
            referrer=lobby, receiver=person, customer=db.session.get(Customer, made[min(1, customers - 1)].id),
            need=Need.WEALTH,
        )  # fmt: skip
        later = now_naive() + timedelta(days=2)
        schedule_services.create_entry(
            staff_id=person.id, branch_id=person.branch_id, kind=EntryKind.MEETING,
            title="客户回访", starts_at=later, customer_id=first.id,
        )  # fmt: skip
        appointment_services.capture_appointment(
            person, customer=first, meeter_id=person.id, reason=Reason.CAMPAIGN,
            greeting="您好", value_statement="介绍新产品", urgency="", place="网点",
            option_1=later, option_2=later + timedelta(days=1), chosen_option=1,
            client_id=str(uuid.uuid4()), payload={},
        )  # fmt: skip
        db.session.commit()
    return [c.id for c in made]


def test_deactivation_hands_the_book_over_split_between_two(app, client, login_as, bank):
    """Customers dealt in turn; each customer's prospect, referral, entry and appointment
    follow it; one hand-over row per receiver; each receiver told by push and on Today; the
    leaver's sessions end; nothing deleted."""
    customers = _give_a_book(app, bank)
    leaver, a2, retail = bank["wealth_a1"], bank["wealth_a2"], bank["retail_a"]
    with app.app_context():
        token = db.session.get(Staff, leaver.id).session_token
    login_as(bank["manager_a"])
    response = _post(
        client, f"/staff/{leaver.id}/deactivate",
        {"receiver_ids": [a2.id, retail.id]}, f"/staff/{leaver.id}",
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Staff, leaver.id)
        assert not person.active and person.session_token != token
        owners = [db.session.get(Customer, c).owner_id for c in customers]
        assert owners == [a2.id, retail.id, a2.id]
        assert db.session.scalar(select(Prospect.owner_id)) == a2.id
        assert db.session.scalar(select(Referral.receiver_id)) == retail.id
        assert set(db.session.scalars(select(ScheduleEntry.staff_id))) == {a2.id}
        assert db.session.scalar(select(Appointment.staff_id)) == a2.id
        rows = {r.to_staff_id: r for r in db.session.scalars(select(HandOver))}
        assert rows[a2.id].customers == 2 and rows[a2.id].prospects == 1
        assert rows[a2.id].appointments == 1 and rows[retail.id].referrals == 1
        assert rows[a2.id].by_id == bank["manager_a"].id
        told = set(
            db.session.scalars(
                select(Notification.staff_id).where(Notification.kind == Kind.HAND_OVER)
            )
        )
        assert told == {a2.id, retail.id}
    login_as(a2)
    today = text_of(client.get("/today"))
    assert "林晓燕 → 陈思远" in today
    customers_page = text_of(client.get("/customers/"))
    assert "客户0" in customers_page and "客户2" in customers_page


def test_a_deactivated_persons_session_ends(app, client, login_as, bank):
    """Signed in on their phone, deactivated by their manager: the next request signs in."""
    login_as(bank["retail_a"])
    assert client.get("/today").status_code == 200
    with app.app_context():
        from webapp.admin import organisation

        organisation.deactivate_staff(
            db.session.get(Staff, bank["manager_a"].id),
            db.session.get(Staff, bank["retail_a"].id),
            [],
        )
        db.session.commit()
    response = client.get("/today")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/login", data={"username": bank["retail_a"].username,
                                       "password": PASSWORD}).status_code != 302  # fmt: skip


def test_branch_manager_hands_over_within_the_branch_only(app, client, login_as, bank):
    """A receiver from branch B is refused; nothing changes hands and the person stays."""
    customers = _give_a_book(app, bank, customers=1)
    login_as(bank["manager_a"])
    response = _post(
        client, f"/staff/{bank['wealth_a1'].id}/deactivate",
        {"receiver_ids": [bank["wealth_b"].id]}, f"/staff/{bank['wealth_a1'].id}",
    )  # fmt: skip
    assert response.status_code == 422
    response = _post(
        client, f"/staff/{bank['wealth_a1'].id}/deactivate", {}, f"/staff/{bank['wealth_a1'].id}"
    )
    assert response.status_code == 422
    assert "请至少选择一位同事接收名下业务。" in text_of(response)
    with app.app_context():
        assert db.session.get(Staff, bank["wealth_a1"].id).active
        assert db.session.get(Customer, customers[0]).owner_id == bank["wealth_a1"].id
        assert db.session.scalar(select(func.count(HandOver.id))) == 0


def test_region_admin_moves_someone_and_their_book_stays(app, client, login_as, bank):
    """Moved from A to B: the customers stay in A with the chosen colleague; the branch
    manager may not move anyone."""
    customers = _give_a_book(app, bank, customers=2)
    url = f"/staff/{bank['wealth_a1'].id}/move"
    login_as(bank["manager_a"])
    data = {"move-branch_id": bank["b"].id, "move-receiver_ids": [bank["wealth_a2"].id]}
    assert _post(client, url, data, "/staff").status_code == 403
    login_as(bank["r1_admin"])
    data["move-csrf_token"] = client.csrf_token("/staff")  # the move form's fields are prefixed
    assert _post(client, url, {**data, "move-branch_id": bank["c"].id}, "/staff").status_code == 422
    assert _post(client, url, data, "/staff").status_code == 302
    with app.app_context():
        person = db.session.get(Staff, bank["wealth_a1"].id)
        assert person.branch_id == bank["b"].id and person.active
        assert {db.session.get(Customer, c).owner_id for c in customers} == {bank["wealth_a2"].id}
        assert db.session.scalar(select(HandOver.reason)) == "moved"
