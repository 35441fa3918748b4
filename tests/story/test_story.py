"""The customer's whole story on the customer page: every kind of record, newest first, paged
without gaps or repeats, for who may open the full sheet only."""

import re
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_sale, make_staff
from webapp.appointments.models import Appointment, Call, Outcome, Reason
from webapp.auth.models import Role, Staff
from webapp.customers.models import Customer, CustomerChange
from webapp.extensions import db as _db
from webapp.field.models import AreaKind, Stop, Sweep, Visit
from webapp.field.models import Outcome as VisitOutcome
from webapp.lobby.models import CheckIn, Need
from webapp.prospects.models import Stage
from webapp.referrals.models import Referral
from webapp.sales.models import ProductCategory

T0 = datetime(2026, 11, 2, 2, 0)  # naive UTC: 10:00 in Shanghai

HX = {"HX-Request": "true"}


def _one_of_each(app, branch, owner, colleague, customer_id):
    """A check-in, a referral, an appointment, a call, a visit, a prospect won as a sale."""
    from webapp.prospects.services import create_prospect, move_stage

    with app.app_context():
        me, other = _db.session.get(Staff, owner.id), _db.session.get(Staff, colleague.id)
        customer = _db.session.get(Customer, customer_id)
        visit = CheckIn(
            branch_id=branch.id,
            ticket=1,
            customer_id=customer.id,
            first_need=Need.WEALTH,
            checked_in_by_id=other.id,
            created_at=T0,
        )
        _db.session.add(visit)
        _db.session.flush()
        _db.session.add(
            Referral(
                branch_id=branch.id,
                referrer_id=other.id,
                receiver_id=me.id,
                customer_id=customer.id,
                check_in_id=visit.id,
                need=Need.WEALTH,
                referred_on=T0.date(),
                created_at=T0 + timedelta(minutes=5),
            )
        )
        _db.session.add(
            Appointment(
                branch_id=branch.id,
                created_by_id=me.id,
                staff_id=me.id,
                customer_id=customer.id,
                reason=Reason.CAMPAIGN,
                option_1=T0 + timedelta(days=3),
                option_2=T0 + timedelta(days=4),
                starts_at=T0 + timedelta(days=3),
                created_at=T0 + timedelta(hours=1),
            )
        )
        _db.session.add(
            Call(
                branch_id=branch.id,
                staff_id=me.id,
                customer_id=customer.id,
                outcome=Outcome.APPOINTMENT,
                called_at=T0 + timedelta(minutes=50),
                client_id=str(uuid.uuid4()),
            )
        )
        sweep = Sweep(
            branch_id=branch.id,
            staff_id=me.id,
            area="世纪大道",
            area_kind=AreaKind.STREET,
            day=T0.date(),
        )
        _db.session.add(sweep)
        _db.session.flush()
        stop = Stop(sweep_id=sweep.id, customer_id=customer.id, name=customer.name)
        _db.session.add(stop)
        _db.session.flush()
        _db.session.add(
            Visit(
                branch_id=branch.id,
                staff_id=me.id,
                sweep_id=sweep.id,
                stop_id=stop.id,
                business_name=customer.name,
                checked_in_at=T0 + timedelta(days=1),
                outcome=VisitOutcome.LEAD,
                client_id=str(uuid.uuid4()),
            )
        )
        prospect = create_prospect(
            customer=customer,
            owner=me,
            data={
                "category": ProductCategory.WEALTH_MANAGEMENT,
                "product_name": "稳享 90 天",
                "expected_amount_fen": 100_000_00,
            },
            changed_at=T0 + timedelta(days=2),
        )
        move_stage(prospect, Stage.WON, me, at=T0 + timedelta(days=5))
        _db.session.commit()


def test_the_story_tells_every_kind_of_record_newest_first(app, client, login_as, branch):
    """The owner opens the customer: check-in, referral, call, appointment, visit, prospect,
    sale, the sheet edit and the owner change all appear, newest first, with who did them."""
    manager = make_staff(Role.BRANCH_MANAGER, branch, name="孙经理")
    colleague = make_staff(Role.LOBBY_MANAGER, branch, name="钱大堂")
    me = login_as(Role.WEALTH_MANAGER, name="赵理财")
    customer = make_customer(
        branch, owner_id=me.id, name="周芳", mobile="13800001111", created_at=T0 - timedelta(days=1)
    )
    _one_of_each(app, branch, me, colleague, customer.id)
    edit = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', edit).group(1)
    client.post_form(
        f"/customers/{customer.id}/edit",
        {"name": "周芳", "mobile": "13800001111", "version": version, "occupation": "教师"},
    )

    story = text_of(client.get(f"/customers/{customer.id}/story", headers=HX))
    order = [
        "Sheet edited",
        "Bought",
        "Prospect moved",
        "Added to the prospect list",
        "Visited (market running)",
        "Appointment booked",
        "Called",
        "Referred",
        "Checked in at the lobby",
        "Became a customer",
    ]
    with app.test_request_context():
        from flask_babel import gettext

        order = [gettext(title) for title in order]
    positions = [story.find(title) for title in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert "钱大堂 → 赵理财" in story
    assert "13800001111" not in story

    successor = make_staff(Role.RETAIL_AM, branch, name="李客户经理")
    login_as(manager)
    client.post_form(
        f"/customers/{customer.id}/owner",
        {"owner_id": str(successor.id)},
        page=f"/customers/{customer.id}",
    )
    with app.app_context():
        changes = _db.session.scalars(select(CustomerChange).order_by(CustomerChange.id)).all()
        assert [(c.kind.value, c.staff_id) for c in changes] == [
            ("sheet", me.id),
            ("owner", manager.id),
        ]
        assert "occupation" in changes[0].fields.split(",")
    story = text_of(client.get(f"/customers/{customer.id}/story", headers=HX))
    with app.test_request_context():
        assert f"{gettext('Owner changed')} 赵理财 → 李客户经理 孙经理" in story


def test_the_story_pages_without_gaps_or_repeats(app, client, login_as, branch):
    """45 calls, a third of them at the same second: the pages together hold each call once,
    in order, and end with the customer's creation."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id, created_at=T0 - timedelta(days=30))
    with app.app_context():
        for i in range(45):
            at = T0 if i % 3 == 0 else T0 + timedelta(minutes=i)
            _db.session.add(
                Call(
                    branch_id=branch.id,
                    staff_id=me.id,
                    customer_id=customer.id,
                    outcome=Outcome.NO_ANSWER,
                    note=f"第{i}次",
                    called_at=at,
                    client_id=str(uuid.uuid4()),
                )
            )
        _db.session.commit()
        ids = [
            c.id
            for c in _db.session.scalars(
                select(Call).order_by(Call.called_at.desc(), Call.id.desc())
            )
        ]
    seen, url, pages = [], f"/customers/{customer.id}/story", 0
    while url:
        html = client.get(url, headers=HX).get_data(as_text=True)
        pages += 1
        seen += re.findall(r"timeline__item--(\w+)", html)
        more = re.search(r'hx-get="([^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert pages == 3
    assert seen == ["call"] * len(ids) + ["created"]


def test_the_story_is_for_who_may_open_the_full_sheet(app, client, login_as, branch):
    """A teller and another salesperson get 403; another branch's customer is a 404."""
    owner = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch, owner_id=owner.id)
    elsewhere = make_customer(make_branch("张江支行"))
    for role in (Role.TELLER, Role.WEALTH_MANAGER):
        login_as(role)
        assert client.get(f"/customers/{customer.id}/story", headers=HX).status_code == 403
    login_as(owner)
    assert client.get(f"/customers/{customer.id}/story", headers=HX).status_code == 200
    assert client.get(f"/customers/{elsewhere.id}/story", headers=HX).status_code == 404
    assert client.get(f"/customers/{customer.id}/story?before=junk", headers=HX).status_code == 200


def test_the_customer_page_loads_the_story(app, client, login_as, branch):
    """The full sheet carries the story's loader, so the page shows it without another tap."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    make_sale(branch, me, customer, 50_000_00)
    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert f'hx-get="/customers/{customer.id}/story"' in html
    plain = client.get(f"/customers/{customer.id}/story")
    assert plain.status_code == 302 and plain.location.endswith(f"/customers/{customer.id}")
