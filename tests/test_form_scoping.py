"""Every id a form sends goes through the branch scope (issue 17, item 6).

Another branch's customers, staff and records are posted by id into every form of branch A
that takes one: the foreign record is neither shown in the answer nor linked in the database,
and no answer is a 5xx. Two walks keep the list complete: every form class with an id field
and every POST route with an id in its URL must appear in the tables below.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from tests.factories import make_branch, make_customer, make_staff
from webapp.appointments import services as appointment_services
from webapp.appointments.models import Appointment, Call, Reason
from webapp.auth.models import Branch, Role, Staff, UnitKind
from webapp.coaching import services as coaching_services
from webapp.coaching.models import ActionPlan, PlanItem
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.field import services as field_services
from webapp.field.models import AreaKind, Outcome, PositionStatus, Stop, Sweep, Visit
from webapp.lobby import services as lobby_services
from webapp.lobby.models import CheckIn, Need
from webapp.prospects import services as prospect_services
from webapp.prospects.models import Prospect
from webapp.referrals import services as referral_services
from webapp.referrals.models import CreditState, Referral
from webapp.referrals.models import State as ReferralState
from webapp.sales.models import ProductCategory
from webapp.schedule import services as schedule_services
from webapp.schedule.models import EntryKind, ScheduleEntry

FOREIGN_CUSTOMER = "外行客户甲"
FOREIGN_MOBILE = "13700009999"
FOREIGN_STAFF = "外行理财经理"
WEEK = date(2026, 11, 23)  # a Monday
HX = {"HX-Request": "true"}


@dataclass
class Foreign:
    """Ids of branch B's records that branch A's forms will be sent."""

    branch: int
    customer: int
    wealth: int
    manager: int
    check_in: int
    referral: int
    prospect: int
    appointment: int
    sweep: int
    stop: int
    visit: int
    entry: int
    plan: int
    plan_item: int


@dataclass
class Home:
    """Branch A: its manager, a wealth manager, a lobby manager, a customer, an open referral."""

    manager: Staff
    wealth: Staff
    lobby: Staff
    customer: int
    referral: int


@pytest.fixture
def foreign(app, db):
    """A second branch with one of each record a form could name by id."""
    other = make_branch("张江支行")
    wealth = make_staff(Role.WEALTH_MANAGER, other, name=FOREIGN_STAFF)
    manager = make_staff(Role.BRANCH_MANAGER, other, name="外行支行长")
    lobby = make_staff(Role.LOBBY_MANAGER, other, name="外行大堂经理")
    customer = make_customer(
        other, name=FOREIGN_CUSTOMER, mobile=FOREIGN_MOBILE, owner_id=wealth.id
    )
    with app.app_context():
        wealth, manager, lobby = (db.session.get(Staff, s.id) for s in (wealth, manager, lobby))
        customer = db.session.get(Customer, customer.id)
        check_in = lobby_services.check_in_visitor(
            staff=lobby, first_need=Need.WEALTH, customer_id=customer.id
        )
        referral = referral_services.create_referral(
            referrer=lobby, receiver=wealth, customer=customer, need=Need.WEALTH
        )
        prospect = prospect_services.create_prospect(
            customer=customer,
            owner=wealth,
            data={"category": ProductCategory.DEPOSIT, "product_name": "大额存单"},
        )
        appointment, _ = appointment_services.capture_appointment(
            wealth, customer=customer, meeter_id=wealth.id, reason=Reason.CAMPAIGN,
            greeting="您好", value_statement="介绍新产品", urgency="", place="张江",
            option_1=datetime(2026, 11, 25, 2), option_2=datetime(2026, 11, 26, 2),
            chosen_option=1, client_id=str(uuid.uuid4()), payload={},
        )  # fmt: skip
        sweep = field_services.plan_sweep(
            wealth, area="张江路", area_kind=AreaKind.STREET, day=WEEK,
            customers=[customer], new_targets=[],
        )  # fmt: skip
        visit, _ = field_services.record_visit(
            wealth,
            {"sweep_id": sweep.id, "stop_id": sweep.stops[0].id, "business_name": "外行商户",
             "outcome": Outcome.INFO_COLLECTED, "position_status": PositionStatus.UNAVAILABLE},
            client_id=str(uuid.uuid4()), payload={},
        )  # fmt: skip
        entry = schedule_services.create_entry(
            staff_id=wealth.id, branch_id=other.id, kind=EntryKind.MEETING,
            title="外行日程", starts_at=datetime(2026, 11, 25, 1), customer_id=customer.id,
        )  # fmt: skip
        plan = coaching_services.create_action_plan(
            other.id, owner_id=wealth.id, due_on=WEEK, what="外行计划", expected_effect="多",
            by=manager,
        )  # fmt: skip
        meeting = coaching_services.open_one_on_one(wealth, WEEK, manager)
        item = coaching_services.add_plan_item(meeting, action="外行跟进", due_on=WEEK)
        db.session.commit()
        return Foreign(
            branch=other.id, customer=customer.id, wealth=wealth.id, manager=manager.id,
            check_in=check_in.id, referral=referral.id, prospect=prospect.id,
            appointment=appointment.id, sweep=sweep.id, stop=sweep.stops[0].id, visit=visit.id,
            entry=entry.id, plan=plan.id, plan_item=item.id,
        )  # fmt: skip


@pytest.fixture
def home(app, branch):
    """Branch A's people, one customer and one open referral."""
    manager = make_staff(Role.BRANCH_MANAGER, branch, name="本行支行长")
    wealth = make_staff(Role.WEALTH_MANAGER, branch, name="本行理财经理")
    lobby = make_staff(Role.LOBBY_MANAGER, branch, name="本行大堂经理")
    customer = make_customer(branch, name="本行客户", owner_id=wealth.id)
    with app.app_context():
        referral = referral_services.create_referral(
            referrer=db.session.get(Staff, lobby.id),
            receiver=db.session.get(Staff, wealth.id),
            customer=db.session.get(Customer, customer.id),
            need=Need.WEALTH,
        )
        db.session.commit()
        return Home(manager, wealth, lobby, customer.id, referral.id)


def assert_not_shown(response):
    """Nothing of branch B in the answer, and no server error."""
    assert response.status_code < 500, response.status_code
    html = response.get_data(as_text=True)
    for secret in (FOREIGN_CUSTOMER, FOREIGN_STAFF, FOREIGN_MOBILE, "137****9999"):
        assert secret not in html, f"{secret} shown ({response.status_code})"


def post(client, url, data, headers=None):
    """POST a form as the page's user would (CSRF token included)."""
    return client.post_form(url, data, page="/customers/", headers=headers or {})


# Every form class with an id field, and the route its test below posts it to.
FORMS_WITH_IDS = {
    "CheckInForm": "lobby.check_in",
    "ReferForm": "referrals.new",
    "ExternalReferralForm": "referrals.external",
    "ReassignForm": "referrals.act",
    "AppointmentForm": "appointments.create",
    "CallForm": "appointments.log_call",
    "ProspectForm": "prospects.new",
    "EntryForm": "schedule.new",
    "VisitForm": "field.create_visit",
    "PlanItemForm": "coaching.one_on_one",
    "ActionPlanForm": "coaching.action_plans",
    "SweepForm": "field.new_sweep",
    "StaffForm": "admin.new_staff",
    "DeactivateForm": "admin.deactivate",
    "MoveForm": "admin.move",
    "UnitForm": "admin.new_unit",
}
ID_FIELD = re.compile(r"(_id|_ids|_item)$")
# Fields that look like ids but name no branch record.
NOT_BRANCH_IDS = {
    ("AppointmentForm", "statement_id"),  # only fills the text in the page (appointments.js)
    ("PreferencesForm", "lead_minutes"),  # a number of minutes
    ("PortfolioForm", "products"),  # the sales kit is the region's, not a branch's
    ("IndividualSheetForm", "resident_id"),  # an identity card number
    ("NewIndividualForm", "resident_id"),
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_with_an_id_field_is_walked(app):
    """A new form that takes an id cannot ship without being added here."""
    found = set()
    with app.test_request_context():
        for form_class in set(_subclasses(FlaskForm)):
            form = form_class(formdata=None, meta={"csrf": False})
            for name, field in form._fields.items():
                # client_id is the offline id of the form itself, never a record's.
                looks_like_id = ID_FIELD.search(name) or getattr(field, "coerce", None) is int
                key = (form_class.__name__, name)
                if looks_like_id and name != "client_id" and key not in NOT_BRANCH_IDS:
                    found.add(form_class.__name__)
    assert found == set(FORMS_WITH_IDS)


def test_lobby_check_in_with_another_branchs_customer(app, client, login_as, foreign, home):
    """Invalid or valid, the foreign customer is not shown and no visit is linked to them."""
    login_as(home.lobby)
    invalid = post(client, "/lobby/check-ins", {"customer_id": foreign.customer}, HX)
    assert_not_shown(invalid)
    assert "field__error" in invalid.get_data(as_text=True)  # the form still says what is wrong
    assert_not_shown(post(client, "/lobby/check-ins", {"customer_id": foreign.customer}))
    valid = {"first_need": "wealth", "customer_id": foreign.customer}
    refused = post(client, "/lobby/check-ins", valid, HX)
    assert_not_shown(refused)
    assert "请选择本网点的客户" in refused.get_data(as_text=True)
    assert_not_shown(post(client, "/lobby/check-ins", valid))
    with app.app_context():
        linked = db.session.scalars(select(CheckIn).where(CheckIn.branch_id != foreign.branch))
        assert all(c.customer_id != foreign.customer for c in linked)


def test_internal_referral_with_another_branchs_customer_receiver_and_check_in(
    app, client, login_as, foreign, home
):
    """customer_id, receiver_id and the check-in: none of branch B is shown or linked."""
    login_as(home.lobby)
    assert_not_shown(client.get(f"/referrals/new?check_in={foreign.check_in}"))
    for data in (
        {"customer_id": foreign.customer},  # invalid: no need, no receiver
        {"customer_id": foreign.customer, "need": "wealth", "receiver_id": home.wealth.id},
        {"customer_id": home.customer, "need": "wealth", "receiver_id": foreign.wealth},
        {"customer_id": home.customer, "need": "wealth", "receiver_id": home.wealth.id,
         "check_in_id": foreign.check_in},
        {"customer_id": home.customer, "need": "wealth", "receiver_id": home.wealth.id,
         "check_in": foreign.check_in},
    ):  # fmt: skip
        assert_not_shown(post(client, "/referrals/new", data))
    _assert_no_referral_links(app, foreign)


def test_external_referral_to_another_branchs_receiver(app, client, login_as, foreign, home):
    """An external referral cannot be handed to branch B's wealth manager."""
    login_as(home.lobby)
    data = {
        "introducer": "老客户",
        "name": "新朋友",
        "need": "wealth",
        "receiver_id": foreign.wealth,
    }
    assert_not_shown(post(client, "/referrals/external", data))
    _assert_no_referral_links(app, foreign)


def test_reassign_and_allocate_to_another_branchs_staff(app, client, login_as, foreign, home):
    """The manager cannot reassign to, nor give credit to, branch B's staff."""
    login_as(home.manager)
    url = f"/referrals/{home.referral}"
    assert_not_shown(post(client, f"{url}/reassign", {"receiver_id": foreign.wealth}))
    with app.app_context():
        referral = db.session.get(Referral, home.referral)
        referral.state, referral.credit_state = ReferralState.WON, CreditState.PENDING
        referral.disputed = True
        db.session.commit()
    share = {f"share_{foreign.wealth}": "100", "reason": "外行也出力了"}
    assert_not_shown(post(client, f"{url}/allocate", share))
    _assert_no_referral_links(app, foreign)


def _assert_no_referral_links(app, foreign):
    from webapp.sales.models import CreditLine

    with app.app_context():
        for referral in db.session.scalars(
            select(Referral).where(Referral.branch_id != foreign.branch)
        ):
            assert foreign.customer != referral.customer_id
            assert foreign.wealth != referral.receiver_id
            assert foreign.check_in != referral.check_in_id
        lines = db.session.scalars(select(CreditLine.staff_id)).all()
        assert foreign.wealth not in lines


def test_appointment_and_call_with_another_branchs_customer_and_meeter(
    app, client, login_as, foreign, home
):
    """The appointment form and the call log refuse branch B's customer and colleague."""
    login_as(home.wealth)
    assert_not_shown(client.get(f"/appointments/new?customer_id={foreign.customer}"))
    assert_not_shown(client.get(f"/appointments/?customer_id={foreign.customer}"))
    base = {
        "client_id": str(uuid.uuid4()), "reason": "campaign", "greeting": "您好",
        "statement_id": "0", "value_statement": "介绍", "option_1": "2026-11-25T10:00",
        "option_2": "2026-11-26T10:00", "chosen_option": "1", "reconfirmed": "y",
        "place": "本行", "via": "call",
    }  # fmt: skip
    for extra in (
        {"customer_id": foreign.customer, "staff_id": home.wealth.id},
        {"customer_id": home.customer, "staff_id": foreign.wealth},
    ):
        for headers in (HX, {}):
            data = base | extra | {"client_id": str(uuid.uuid4())}
            assert_not_shown(post(client, "/appointments/", data, headers))
    call = {"client_id": str(uuid.uuid4()), "customer_id": foreign.customer, "outcome": "call_back"}
    assert_not_shown(post(client, "/appointments/calls", call, HX))
    assert_not_shown(post(client, "/appointments/calls", call | {"client_id": str(uuid.uuid4())}))
    with app.app_context():
        for appointment in db.session.scalars(
            select(Appointment).where(Appointment.branch_id != foreign.branch)
        ):
            assert appointment.customer_id != foreign.customer
            assert appointment.staff_id != foreign.wealth
        calls = db.session.scalars(select(Call).where(Call.branch_id != foreign.branch)).all()
        assert all(c.customer_id != foreign.customer for c in calls)


def test_prospect_with_another_branchs_customer(app, client, login_as, foreign, home):
    """The prospect form's customer list is the user's own; branch B's customer is refused."""
    login_as(home.manager)
    assert_not_shown(client.get(f"/prospects/new?customer_id={foreign.customer}"))
    data = {"customer_id": foreign.customer, "category": "deposit", "product_name": "存单"}
    assert_not_shown(post(client, "/prospects/new", data))
    with app.app_context():
        prospects = db.session.scalars(
            select(Prospect).where(Prospect.branch_id != foreign.branch)
        ).all()
        assert prospects == []


def test_schedule_entry_with_another_branchs_customer(app, client, login_as, foreign, home):
    """An entry made with branch B's customer id is stored without that customer."""
    login_as(home.wealth)
    assert_not_shown(client.get(f"/schedule/new?customer_id={foreign.customer}"))
    data = {"customer_id": foreign.customer, "kind": "meeting", "title": "拜访",
            "day": "2026-11-25", "start": "10:00", "minutes": "60"}  # fmt: skip
    assert_not_shown(post(client, "/schedule/new", data))
    assert_not_shown(post(client, "/schedule/new", data | {"title": ""}))
    with app.app_context():
        entries = db.session.scalars(
            select(ScheduleEntry).where(ScheduleEntry.branch_id != foreign.branch)
        ).all()
        assert entries and all(e.customer_id != foreign.customer for e in entries)


def test_field_visit_with_another_branchs_sweep_and_stop(app, client, login_as, foreign, home):
    """A visit sent with branch B's sweep and stop is stored on its own."""
    login_as(home.wealth)
    assert_not_shown(client.get(f"/field/visits/new?stop_id={foreign.stop}"))
    assert_not_shown(client.get(f"/field/visits/new?sweep_id={foreign.sweep}"))
    data = {"client_id": str(uuid.uuid4()), "sweep_id": foreign.sweep, "stop_id": foreign.stop,
            "business_name": "本行商户", "outcome": "info_collected",
            "position_status": "unavailable"}  # fmt: skip
    assert_not_shown(post(client, "/field/visits", data, HX))
    with app.app_context():
        visits = db.session.scalars(select(Visit).where(Visit.branch_id != foreign.branch)).all()
        assert visits and all(v.sweep_id is None and v.stop_id is None for v in visits)
        assert db.session.get(Sweep, foreign.sweep).branch_id == foreign.branch


def test_sweep_with_another_branchs_customer(app, client, login_as, foreign, home):
    """A sweep planned with branch B's customer gets no stop for them."""
    login_as(home.wealth)
    data = {"area": "陆家嘴", "area_kind": "street", "day": "2026-11-25",
            "customers": [foreign.customer], "new_targets": "新店, 东方路1号"}  # fmt: skip
    assert_not_shown(post(client, "/field/sweeps/new", data))
    with app.app_context():
        stops = db.session.scalars(
            select(Stop).join(Sweep).where(Sweep.branch_id != foreign.branch)
        ).all()
        assert all(s.customer_id != foreign.customer for s in stops)


def test_coaching_forms_with_another_branchs_customer_owner_and_plan_item(
    app, client, login_as, foreign, home
):
    """Plan item customer, action plan owner, last week's items: branch B's are refused."""
    login_as(home.manager)
    url = f"/coaching/one-on-ones/{home.wealth.id}"
    picker = "/customers/picker?field=item-customer_id&q=外行"
    options = client.get(
        f"{picker}&owner={home.wealth.id}&item-customer_id={foreign.customer}", headers=HX
    )
    assert_not_shown(options)
    assert client.get(f"{picker}&owner={foreign.wealth}", headers=HX).status_code == 404
    chosen = client.get(f"/customers/picker?q=外行&customer_id={foreign.customer}", headers=HX)
    assert_not_shown(chosen)
    item = {"do": "add-item", "item-action": "跟进", "item-due_on": "2026-12-01",
            "item-customer_id": foreign.customer}  # fmt: skip
    assert_not_shown(post(client, f"{url}?week={WEEK}", item))
    done = {"do": "save", "shown_item": foreign.plan_item, "done_item": foreign.plan_item}
    assert_not_shown(post(client, f"{url}?week={WEEK}", done))
    plan = {
        "owner_id": foreign.wealth,
        "due_on": "2026-12-01",
        "what": "做",
        "expected_effect": "好",
    }
    assert_not_shown(post(client, "/coaching/action-plans/", plan))
    with app.app_context():
        items = db.session.scalars(select(PlanItem)).all()
        assert all(i.customer_id != foreign.customer for i in items)
        assert not db.session.get(PlanItem, foreign.plan_item).done
        plans = db.session.scalars(select(ActionPlan)).all()
        assert [p.owner_id for p in plans] == [foreign.wealth]  # branch B's own, untouched


def test_customer_owner_from_another_branch(app, client, login_as, foreign, home):
    """The manager cannot give a customer to branch B's salesperson."""
    login_as(home.manager)
    url = f"/customers/{home.customer}/owner"
    assert_not_shown(post(client, url, {"owner_id": foreign.wealth}))
    with app.app_context():
        assert db.session.get(Customer, home.customer).owner_id == home.wealth.id


# POST routes with a record id in the URL: branch B's id is a 404 (or 403) and changes nothing.
URL_ID_ROUTES = {
    "appointments.move": ("/appointments/{appointment}/state", {"state": "cancelled"}),
    "admin.one_time_password": ("/staff/{wealth}/one-time-password", {}),
    "admin.change_role": ("/staff/{wealth}/role", {"role": "teller"}),
    "admin.deactivate": ("/staff/{wealth}/deactivate", {}),
    "admin.move": ("/staff/{wealth}/move", {"move-branch_id": "{branch}"}),
    "admin.rename_unit": ("/organisation/units/{branch}/rename", {"name": "改名"}),
    "admin.close_unit": ("/organisation/units/{branch}/close", {}),
    "coaching.action_plan": ("/coaching/action-plans/{plan}", {"status": "done", "result": "x"}),
    "coaching.plan_note": ("/coaching/action-plans/{plan}/notes", {"note": "x"}),
    "coaching.one_on_one": ("/coaching/one-on-ones/{wealth}", {"do": "save"}),
    "customers.edit": ("/customers/{customer}/edit", {"name": "改名"}),
    "customers.assign_owner": ("/customers/{customer}/owner", {"owner_id": ""}),
    "customers.correct_source": ("/customers/{customer}/source", {"acquired_via": "referral"}),
    "field.edit_visit": ("/field/visits/{visit}/edit", {"outcome": "not_interested"}),
    "lobby.change": ("/lobby/check-ins/{check_in}/done", {}),
    "lobby.finish": ("/lobby/check-ins/{check_in}/finish", {}),
    "prospects.stage": ("/prospects/{prospect}/stage", {"stage": "contacted"}),
    "prospects.won": ("/prospects/{prospect}/won", {"amount": "1"}),
    "prospects.lost": ("/prospects/{prospect}/lost", {"reason": "x"}),
    "prospects.follow_up": ("/prospects/{prospect}/follow-up", {"next_follow_up": "2026-12-01"}),
    "referrals.act": ("/referrals/{referral}/accept", {}),
    "referrals.allocate": ("/referrals/{referral}/allocate", {"reason": "x"}),
    "schedule.done": ("/schedule/{entry}/done", {"done": "1"}),
}
# Ids in the URL that are not branch records, or are scoped by person rather than branch.
URL_ID_ELSEWHERE = {
    "imports.cancel",  # scoped by get_or_404 (tests/imports: another branch's import)
    "imports.confirm",
    "imports.undo",
    "kits.edit_portfolio",  # the sales kit is the region's, not a branch's
    "kits.edit_product",
    "push.unsubscribe",  # a person's own devices only (tests/push)
    "referrals.delete_phase",  # scoped by get_or_404 (tests/referrals)
}


def test_every_post_route_with_an_id_in_its_url_is_walked(app):
    """A new POST route with an id in its URL cannot ship without being added here."""
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and "<int:" in rule.rule
    }
    assert routes == set(URL_ID_ROUTES) | URL_ID_ELSEWHERE


@pytest.mark.parametrize("endpoint", sorted(URL_ID_ROUTES))
def test_another_branchs_record_in_the_url(app, client, login_as, foreign, home, endpoint):
    """Signed in as branch A's manager, branch B's record is not found and not changed."""
    login_as(home.manager)
    url, data = URL_ID_ROUTES[endpoint]
    data = {k: v.format(**vars(foreign)) for k, v in data.items()}
    response = post(client, url.format(**vars(foreign)), data)
    assert response.status_code in (403, 404)
    assert_not_shown(response)
    with app.app_context():
        assert db.session.get(Customer, foreign.customer).name == FOREIGN_CUSTOMER
        assert db.session.get(Customer, foreign.customer).acquired_via.value != "referral"
        assert db.session.get(Appointment, foreign.appointment).state.value == "confirmed"
        assert db.session.get(Referral, foreign.referral).accepted_at is None
        assert db.session.get(ScheduleEntry, foreign.entry).done_at is None
        assert db.session.get(CheckIn, foreign.check_in).state.value == "waiting"
        assert db.session.get(Staff, foreign.wealth).password_must_change is False
        wealth = db.session.get(Staff, foreign.wealth)
        assert wealth.active and wealth.role == Role.WEALTH_MANAGER
        assert wealth.branch_id == foreign.branch
        assert db.session.get(Branch, foreign.branch).name == "张江支行"
        assert db.session.get(Branch, foreign.branch).closed_at is None


def test_staff_forms_with_another_branchs_unit_and_colleague(app, client, login_as, foreign, home):
    """The branch manager cannot place someone in branch B nor hand a book to B's staff."""
    login_as(home.manager)
    response = post(
        client, "/staff/new",
        {"username": "newteller", "name": "新柜员", "role": "teller", "branch_id": foreign.branch},
    )  # fmt: skip
    assert response.status_code == 422
    assert_not_shown(response)
    response = post(client, f"/staff/{home.wealth.id}/deactivate", {"receiver_ids": foreign.wealth})
    assert response.status_code == 422
    assert_not_shown(response)
    with app.app_context():
        assert db.session.scalar(select(Staff).where(Staff.username == "newteller")) is None
        assert db.session.get(Staff, home.wealth.id).active


def test_region_forms_with_another_regions_unit_and_colleague(app, client, login_as, foreign, home):
    """A region administrator over branch A cannot open a unit under branch B's side, move
    someone there, or hand a book to B's staff."""
    region = make_branch("本区管辖行")
    with app.app_context():
        db.session.get(Branch, region.id).kind = UnitKind.REGION
        db.session.get(Branch, home.manager.branch_id).parent_id = region.id
        db.session.commit()
    login_as(make_staff(Role.ADMIN, region, name="本区管理员"))
    response = post(
        client, "/organisation/units",
        {"kind": "branch", "parent_id": foreign.branch, "name": "越权支行"},
    )  # fmt: skip
    assert response.status_code == 422
    response = post(
        client, f"/staff/{home.wealth.id}/move",
        {"move-branch_id": foreign.branch, "move-receiver_ids": foreign.wealth,
         "move-csrf_token": client.csrf_token("/customers/")},
    )  # fmt: skip
    assert response.status_code == 422
    assert_not_shown(response)
    with app.app_context():
        assert db.session.scalar(select(Branch).where(Branch.name == "越权支行")) is None
        assert db.session.get(Staff, home.wealth.id).branch_id == home.manager.branch_id
