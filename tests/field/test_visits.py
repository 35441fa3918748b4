"""Market running over HTTP: visits stored once per client id, sweeps, edits and conflicts."""

import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import section_text, text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers.models import CustomerKind
from webapp.field.models import Outcome, PositionStatus, Stop, Sweep, Visit

FORM = "/field/visits/new"


def visit_data(**fields) -> dict:
    """A complete visit as the phone sends it."""
    data = {
        "client_id": str(uuid.uuid4()),
        "business_name": "东昌路好味道餐饮店",
        "place": "东昌路 88 号",
        "industry": "餐饮",
        "contact_name": "李老板",
        "contact_mobile": "13912345678",
        "outcome": "sme_sheet",
        "notes": "想要收款码",
        "latitude": "31.2339",
        "longitude": "121.508",
        "accuracy_m": "12",
        "position_status": "ok",
        "checked_in_at": "2026-11-20T02:30:00.000Z",
    }
    data.update(fields)
    return data


def count_visits(app) -> int:
    with app.app_context():
        from webapp.extensions import db

        return db.session.scalar(select(func.count(Visit.id)))


def test_a_visit_is_stored_once_per_client_id(client, login_as, app):
    """The same request twice (a lost answer replayed) answers the same visit; one row."""
    staff = login_as(Role.CREDIT_AM)
    data = visit_data()
    first = client.post_form("/field/visits", data, page=FORM, headers={"HX-Request": "true"})
    assert first.status_code == 201
    assert "拜访已保存：东昌路好味道餐饮店" in text_of(first)
    assert (
        "/customers/new/sme?via=market_running&amp;acquired_via=market_running&amp;name="
        in first.get_data(as_text=True)
    )
    again = client.post_form(
        "/field/visits", data, page=FORM, headers={"HX-Request": "true", "X-Outbox-Replay": "1"}
    )
    assert again.status_code == 200 and "拜访已保存" in text_of(again)
    assert count_visits(app) == 1
    with app.app_context():
        from webapp.extensions import db

        visit = db.session.scalar(select(Visit))
        assert visit.staff_id == staff.id and visit.client_id == data["client_id"]
        assert visit.position_status == PositionStatus.OK and visit.accuracy_m == 12
        assert visit.checked_in_at.isoformat() == "2026-11-20T02:30:00"
        assert visit.outcome == Outcome.SME_SHEET


def test_a_reused_client_id_with_other_content_is_refused(client, login_as, app):
    """The same id with a different payload is a clear error, never a silent merge."""
    login_as(Role.CREDIT_AM)
    data = visit_data()
    client.post_form("/field/visits", data, page=FORM)
    other = client.post_form("/field/visits", {**data, "business_name": "另一家"}, page=FORM)
    assert other.status_code == 400
    assert "同一编号发送了两份不同的表单" in text_of(other)
    assert count_visits(app) == 1


def test_bad_input_is_shown_beside_the_field_and_422_on_replay(client, login_as, app):
    """A person gets the form back (200) with the message; an outbox replay gets 422."""
    login_as(Role.RETAIL_AM)
    data = visit_data(contact_mobile="12345", business_name="")
    shown = client.post_form("/field/visits", data, page=FORM, headers={"HX-Request": "true"})
    assert shown.status_code == 200
    assert "请输入11位手机号码" in text_of(shown)
    assert "请填写商户或住户名称" in text_of(shown)
    assert 'value="12345"' in shown.get_data(as_text=True)
    replay = client.post_form("/field/visits", data, page=FORM, headers={"X-Outbox-Replay": "1"})
    assert replay.status_code == 422 and "<html" in replay.get_data(as_text=True)
    missing_id = client.post_form("/field/visits", visit_data(client_id="nope"), page=FORM)
    assert "缺少设备编号" in text_of(missing_id)
    assert count_visits(app) == 0


def test_refused_location_is_saved_as_no_position(client, login_as, app):
    """Location refused on the phone: the visit is kept, marked "no position"."""
    login_as(Role.RETAIL_AM)
    data = visit_data(position_status="refused", latitude="", longitude="", accuracy_m="")
    response = client.post_form("/field/visits", data, page=FORM)
    assert response.status_code == 303
    page = client.get(response.location)
    assert "无位置" in text_of(page)
    with app.app_context():
        from webapp.extensions import db

        visit = db.session.scalar(select(Visit))
        assert visit.position_status == PositionStatus.REFUSED and visit.latitude is None


def test_the_check_in_time_falls_back_to_the_queue_time(client, login_as, app):
    """Without the phone's check-in time, the time the outbox kept it is used."""
    login_as(Role.RETAIL_AM)
    data = visit_data(checked_in_at="", queued_at="2026-11-15T01:00:00.000Z")
    client.post_form("/field/visits", data, page=FORM)
    with app.app_context():
        from webapp.extensions import db

        assert db.session.scalar(select(Visit.checked_in_at)).isoformat() == "2026-11-15T01:00:00"


def test_plan_a_sweep_then_see_visited_and_not_visited_stops(client, login_as, branch, app):
    """A sweep with a customer and two new names; one visit marks its stop visited."""
    login_as(Role.CORPORATE_AM)
    sme = make_customer(branch, kind=CustomerKind.SME, name="陆家嘴测试贸易有限公司")
    response = client.post_form(
        "/field/sweeps/new",
        {
            "area": "东昌路菜市场",
            "area_kind": "market",
            "day": "2026-11-23",
            "customers": [str(sme.id)],
            "new_targets": "王记水果，摊位 12\n老张修车",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        from webapp.extensions import db

        sweep = db.session.scalar(select(Sweep))
        stops = db.session.scalars(select(Stop).order_by(Stop.position)).all()
        assert [s.name for s in stops] == ["陆家嘴测试贸易有限公司", "王记水果", "老张修车"]
        assert stops[1].address == "摊位 12" and stops[0].customer_id == sme.id
        stop_id, sweep_id = stops[1].id, sweep.id
        from webapp.schedule.models import EntryKind, ScheduleEntry

        [entry] = db.session.scalars(select(ScheduleEntry)).all()  # the sweep is in the schedule
        assert (entry.kind, entry.title, entry.source_id) == (
            EntryKind.FIELD_VISIT,
            "东昌路菜市场",
            sweep.id,
        )
        assert entry.starts_at == datetime(2026, 11, 23, 1, 30)  # 09:30 in Shanghai
    form = client.get(f"/field/visits/new?stop_id={stop_id}")
    assert 'value="王记水果"' in form.get_data(as_text=True)
    client.post_form(
        "/field/visits",
        visit_data(sweep_id=str(sweep_id), stop_id=str(stop_id), outcome="not_interested"),
        page=FORM,
    )
    page = text_of(client.get(f"/field/sweeps/{sweep_id}"))
    assert "已拜访 1 / 3" in page and "未拜访" in page and "无意向 1" in page


def test_an_empty_sweep_is_refused(client, login_as):
    """A sweep needs at least one stop; the message shows beside the field."""
    login_as(Role.CORPORATE_AM)
    response = client.post_form(
        "/field/sweeps/new", {"area": "世纪公园", "area_kind": "community", "day": "2026-11-23"}
    )
    assert response.status_code == 200 and "请至少添加一个拜访目标" in text_of(response)


def _visit(client, app) -> int:
    client.post_form("/field/visits", visit_data(notes="第一次"), page=FORM)
    with app.app_context():
        from webapp.extensions import db

        return db.session.scalar(select(Visit.id))


def test_a_stale_edit_gets_a_conflict_page_with_both_versions(client, login_as, app):
    """An edit based on an old version answers 409 with mine and the server's values."""
    login_as(Role.RETAIL_AM)
    visit_id = _visit(client, app)
    url = f"/field/visits/{visit_id}/edit"
    edit = {"client_id": str(uuid.uuid4()), "version": "1", "outcome": "lead", "notes": "同事改的"}
    assert client.post_form(url, edit).status_code == 303
    replay = client.post_form(url, edit, headers={"X-Outbox-Replay": "1"})
    assert replay.status_code == 303  # the same edit again is not a conflict
    mine = {
        "client_id": str(uuid.uuid4()),
        "version": "1",
        "outcome": "appointment",
        "notes": "我的",
    }
    conflict = client.post_form(url, mine)
    assert conflict.status_code == 409
    text = text_of(conflict)
    assert "已被他人修改" in text and "同事改的" in text and "我的" in text
    choice = {**mine, "version": "2", "outcome": "lead"}
    assert client.post_form(url, choice).status_code == 303
    with app.app_context():
        from webapp.extensions import db

        visit = db.session.get(Visit, visit_id)
        assert (visit.outcome, visit.notes, visit.version) == (Outcome.LEAD, "我的", 3)


def test_access_rules_of_market_running(client, login_as, app):
    """Tellers do not run markets (nor see the panel on Today); another branch's sweep is not
    found; only the owner edits."""
    login_as(Role.TELLER)
    assert client.get("/field/").status_code == 403
    assert section_text(client.get("/today"), "today-sweeps") is None
    other_branch = make_branch("张江支行")
    other = make_staff(Role.RETAIL_AM, other_branch)
    with app.app_context():
        from datetime import date

        from webapp.extensions import db

        sweep = Sweep(
            branch_id=other_branch.id,
            staff_id=other.id,
            area="别处",
            area_kind="street",
            day=date(2026, 11, 23),
        )
        db.session.add(sweep)
        db.session.commit()
        sweep_id = sweep.id
    login_as(Role.RETAIL_AM)
    assert "今日跑市场" in section_text(client.get("/today"), "today-sweeps")
    assert client.get(f"/field/sweeps/{sweep_id}").status_code == 404
    visit_id = _visit(client, app)
    login_as(Role.CREDIT_AM)
    assert client.get(f"/field/visits/{visit_id}/edit").status_code == 403
    assert client.get(f"/field/visits/{visit_id}").status_code == 200


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ({"latitude": "inf"}, "纬度"),
        ({"latitude": "1e308"}, "纬度"),
        ({"latitude": "-90.5"}, "纬度"),
        ({"latitude": "nan"}, "纬度"),
        ({"longitude": "180.01"}, "经度"),
        ({"longitude": "-inf"}, "经度"),
        ({"accuracy_m": "-5"}, "精度"),
        ({"accuracy_m": "1e12"}, "精度"),
    ],
)
def test_a_position_off_the_globe_is_refused_with_a_message(
    client, login_as, app, position, message
):
    """Latitude -90..90, longitude -180..180, accuracy 0..100 km, all finite: otherwise the
    form again with a translated message and nothing stored (inf and 1e308 were stored)."""
    login_as(Role.CREDIT_AM)
    data = visit_data(**position)
    response = client.post_form("/field/visits", data, page=FORM, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert message in text_of(response)
    assert count_visits(app) == 0
    replayed = client.post_form(
        "/field/visits", data, page=FORM, headers={"HX-Request": "true", "X-Outbox-Replay": "1"}
    )
    assert replayed.status_code == 422  # the outbox marks it "needs attention", not a retry
    assert message in text_of(replayed)
    assert count_visits(app) == 0


def test_the_edges_of_the_globe_are_positions(client, login_as, app):
    """The poles, the date line and an exact fix are stored."""
    login_as(Role.CREDIT_AM)
    data = visit_data(latitude="-90", longitude="180", accuracy_m="0")
    response = client.post_form("/field/visits", data, page=FORM, headers={"HX-Request": "true"})
    assert response.status_code == 201
    with app.app_context():
        from webapp.extensions import db

        visit = db.session.scalar(select(Visit))
        assert (visit.latitude, visit.longitude, visit.accuracy_m) == (-90, 180, 0)


def test_a_replayed_batch_with_a_bad_position_answers_422_for_that_item(client, login_as, app):
    """Through /sync/batch: the bad visit is refused (422, needs attention), the good one kept."""
    import uuid as _uuid
    from urllib.parse import urlencode

    login_as(Role.RETAIL_AM)
    items = []
    for name, lat in (("坏位置", "inf"), ("好位置", "31.2")):
        form = visit_data(client_id=str(_uuid.uuid4()), business_name=name, latitude=lat)
        items.append(
            {"client_id": form["client_id"], "url": "/field/visits", "body": urlencode(form)}
        )
    token = client.get("/sync/token").get_json()["token"]
    answer = client.post("/sync/batch", json={"items": items}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    assert [r["status"] for r in answer.get_json()["results"]] == [422, 303]
    with app.app_context():
        from webapp.extensions import db

        assert db.session.scalars(select(Visit.business_name)).all() == ["好位置"]
