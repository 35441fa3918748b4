"""The prospect list over HTTP: adding, one-tap stage moves, won as a sale, history, access."""

import re
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from tests.conftest import section_text, text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.prospects.models import Prospect, Stage, StageChange
from webapp.sales.models import Sale, SaleSource
from webapp.schedule.models import EntryKind, ScheduleEntry
from webapp.timeutil import local_today


def _today(app):
    with app.test_request_context():
        return local_today()


def _add(client, customer, **over):
    data = {
        "customer_id": str(customer.id),
        "category": "wealth_management",
        "product_name": "稳享 90 天理财",
        "expected_amount": "200000",
        "next_follow_up": "",
        "potential": "他行理财到期",
    }
    data.update(over)
    return client.post_form("/prospects/new", data)


def _prospect(app, **where):
    with app.app_context():
        p = _db.session.scalars(select(Prospect).filter_by(**where)).first()
        _ = p.history, p.customer
        _db.session.expunge_all()
        return p


def test_add_prospect_with_follow_up_puts_it_in_the_schedule(app, client, login_as, branch):
    """A new prospect starts at "new", its follow-up date becomes a schedule entry by itself."""
    me = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch, owner_id=me.id, name="周芳")
    day = _today(app) + timedelta(days=2)
    response = _add(client, customer, next_follow_up=day.isoformat())
    assert response.status_code == 303
    prospect = _prospect(app, customer_id=customer.id)
    assert prospect.stage == Stage.NEW and prospect.expected_amount_fen == 20_000_000
    assert [c.to_stage for c in prospect.history] == [Stage.NEW]
    with app.app_context():
        entry = _db.session.scalars(select(ScheduleEntry)).one()
        assert (entry.kind, entry.source_id, entry.staff_id) == (
            EntryKind.FOLLOW_UP,
            prospect.id,
            me.id,
        )
    page = text_of(client.get(f"/schedule/?day={day.isoformat()}"))
    assert "周芳" in page


def test_prospect_needs_a_reason_to_be_listed(app, client, login_as, branch):
    """Only effective prospects: the form asks why; nothing saved without it."""
    me = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch, owner_id=me.id)
    response = _add(client, customer, potential="", expected_amount="-5")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="potential-error"' in html and 'id="expected_amount-error"' in html
    with app.app_context():
        assert _db.session.scalars(select(Prospect)).first() is None


def test_one_tap_moves_the_stage_and_returns_the_row(app, client, login_as, branch):
    """htmx POST from the list: the row comes back at the next stage; the change is timestamped."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id, name="钱进")
    _add(client, customer)
    prospect = _prospect(app, customer_id=customer.id)
    response = client.post_form(
        f"/prospects/{prospect.id}/stage",
        {"stage": "contacted", "from": "list"},
        page="/prospects/",
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "钱进" in html
    assert 'value="appointment_set"' in html  # the next tap
    moved = _prospect(app, id=prospect.id)
    assert moved.stage == Stage.CONTACTED
    assert [(c.from_stage, c.to_stage) for c in moved.history] == [
        (None, Stage.NEW),
        (Stage.NEW, Stage.CONTACTED),
    ]
    assert all(c.changed_at is not None for c in moved.history)


def test_won_records_a_sale_credited_to_the_owner(app, client, login_as, branch):
    """Won: a Sale of the expected amount, source prospect, 100% credit to the owner."""
    owner = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch, owner_id=owner.id)
    login_as(owner)
    _add(client, customer, expected_amount="350000.50")
    prospect = _prospect(app, customer_id=customer.id)
    # The branch manager taps "won" for the owner: the credit still goes to the owner.
    login_as(Role.BRANCH_MANAGER)
    response = client.post_form(
        f"/prospects/{prospect.id}/stage", {"stage": "won"}, page="/prospects/"
    )
    assert response.status_code == 303
    with app.app_context():
        sale = _db.session.scalars(select(Sale)).one()
        assert (sale.source, sale.source_id, sale.seller_id) == (
            SaleSource.PROSPECT,
            prospect.id,
            owner.id,
        )
        assert sale.amount_fen == 35_000_050 and sale.product_name == "稳享 90 天理财"
        assert [(c.staff_id, c.amount_fen) for c in sale.credit_lines] == [(owner.id, 35_000_050)]
        assert _db.session.get(Prospect, prospect.id).sale_id == sale.id
    # Closed: no further move.
    again = client.post_form(
        f"/prospects/{prospect.id}/stage", {"stage": "met"}, page="/prospects/"
    )
    assert again.status_code == 409, text_of(again)


def test_lost_needs_a_reason(app, client, login_as, branch):
    """Closing as lost without a reason is refused beside the field; with one it is kept."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    _add(client, customer)
    prospect = _prospect(app, customer_id=customer.id)
    empty = client.post_form(
        f"/prospects/{prospect.id}/lost", {"reason": ""}, page=f"/prospects/{prospect.id}"
    )
    assert empty.status_code == 200 and 'id="reason-error"' in empty.get_data(as_text=True)
    assert _prospect(app, id=prospect.id).stage == Stage.NEW
    client.post_form(
        f"/prospects/{prospect.id}/lost",
        {"reason": "收益率不及他行"},
        page=f"/prospects/{prospect.id}",
    )
    lost = _prospect(app, id=prospect.id)
    assert lost.stage == Stage.LOST and lost.lost_reason == "收益率不及他行"
    assert lost.history[-1].note == "收益率不及他行"


def test_overdue_follow_ups_are_flagged_at_the_top(app, client, login_as, branch):
    """The list puts overdue prospects first and says so."""
    me = login_as(Role.RETAIL_AM)
    today = _today(app)
    later = make_customer(branch, owner_id=me.id, name="以后再说")
    late = make_customer(branch, owner_id=me.id, name="已经逾期")
    _add(client, later, next_follow_up=(today + timedelta(days=3)).isoformat())
    _add(client, late, next_follow_up=(today - timedelta(days=2)).isoformat())
    html = client.get("/prospects/").get_data(as_text=True)
    assert html.index("已经逾期") < html.index("以后再说")
    assert "prospect--overdue" in html
    panel = section_text(client.get("/today"), "today-follow-ups")
    assert "已经逾期" in panel and "以后再说" not in panel


def test_access_to_prospects(app, client, login_as, branch):
    """Own prospects only; the branch manager sees the branch; tellers have no list; other branches 404."""
    owner = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch, owner_id=owner.id, name="私人客户")
    login_as(owner)
    _add(client, customer)
    prospect = _prospect(app, customer_id=customer.id)
    login_as(Role.RETAIL_AM)
    assert "私人客户" not in text_of(client.get("/prospects/"))
    assert client.get(f"/prospects/{prospect.id}").status_code == 403
    assert (
        client.post_form(
            f"/prospects/{prospect.id}/stage", {"stage": "met"}, page="/prospects/"
        ).status_code
        == 403
    )
    login_as(Role.BRANCH_MANAGER)
    assert "私人客户" in text_of(client.get("/prospects/"))
    login_as(Role.TELLER)
    assert client.get("/prospects/").status_code == 403
    login_as(make_staff(Role.BRANCH_MANAGER, make_branch()))
    assert client.get(f"/prospects/{prospect.id}").status_code == 404


def test_cannot_add_a_prospect_for_someone_elses_customer(app, client, login_as, branch):
    """The customer list offered is one's own; another's customer id is refused."""
    colleague = make_staff(Role.RETAIL_AM, branch)
    theirs = make_customer(branch, owner_id=colleague.id)
    login_as(Role.WEALTH_MANAGER)
    response = _add(client, theirs)
    assert response.status_code == 200 and 'id="customer_id-error"' in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert _db.session.scalars(select(StageChange)).first() is None


def test_customer_sheet_lists_its_prospects(app, client, login_as, branch):
    """The sheet loads the customer's prospects as a fragment; each opens in one tap."""
    me = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch, owner_id=me.id, name="孙丽")
    _add(client, customer)
    prospect = _prospect(app, customer_id=customer.id)
    assert f'hx-get="/prospects/for-customer/{customer.id}"' in client.get(
        f"/customers/{customer.id}"
    ).get_data(as_text=True)
    panel = client.get(f"/prospects/for-customer/{customer.id}", headers={"HX-Request": "true"})
    assert f"/prospects/{prospect.id}" in panel.get_data(
        as_text=True
    ) and "稳享 90 天理财" in text_of(panel)


def test_manager_filters_the_list_by_owner(app, client, login_as, branch):
    """The branch manager sees each owner's name and can narrow the list to one person."""
    a = make_staff(Role.RETAIL_AM, branch, name="甲经理")
    b = make_staff(Role.WEALTH_MANAGER, branch, name="乙经理")
    for owner, name in ((a, "甲的客户"), (b, "乙的客户")):
        login_as(owner)
        _add(client, make_customer(branch, owner_id=owner.id, name=name))
    login_as(Role.BRANCH_MANAGER)
    everyone = text_of(client.get("/prospects/"))
    assert "甲的客户" in everyone and "乙的客户" in everyone and "管户人 甲经理" in everyone
    only_a = text_of(client.get(f"/prospects/?owner={a.id}"))
    assert "甲的客户" in only_a and "乙的客户" not in only_a


def test_the_header_counts_what_the_chosen_owner_has(app, client, login_as, branch):
    """With one person chosen, the stage chips, the overdue banner and the closed list are that
    person's, like the rows; with everyone, the branch's."""
    today = _today(app)
    a = make_staff(Role.RETAIL_AM, branch, name="甲经理")
    b = make_staff(Role.WEALTH_MANAGER, branch, name="乙经理")
    login_as(a)
    for name, days in (("甲逾期一", -2), ("甲逾期二", -1)):
        customer = make_customer(branch, owner_id=a.id, name=name)
        _add(client, customer, next_follow_up=(today + timedelta(days=days)).isoformat())
    login_as(b)
    _add(client, make_customer(branch, owner_id=b.id, name="乙的客户"))
    with app.app_context():
        lost = _db.session.scalars(select(Prospect).where(Prospect.owner_id == a.id)).first()
        lost.stage = Stage.LOST
        _db.session.commit()
    login_as(Role.BRANCH_MANAGER)
    everyone = text_of(client.get("/prospects/?closed=1"))
    assert "新意向 2" in everyone and "未成交 1" in everyone and "1 个跟进已逾期" in everyone
    assert "甲逾期" in everyone and "乙的客户" in everyone
    only_b = text_of(client.get(f"/prospects/?owner={b.id}&closed=1"))
    assert "新意向 1" in only_b and "个跟进已逾期" not in only_b
    assert "未成交" not in only_b and "甲逾期" not in only_b
    only_a = text_of(client.get(f"/prospects/?owner={a.id}&closed=1"))
    assert "新意向 1" in only_a and "未成交 1" in only_a and "1 个跟进已逾期" in only_a
    assert "乙的客户" not in only_a
    link = client.get(f"/prospects/?owner={a.id}").get_data(as_text=True)
    assert f'href="/prospects/?owner={a.id}&amp;closed=1"' in link


def test_won_with_the_amount_actually_sold(app, client, login_as, branch):
    """The detail page's won form records the real product and amount; bad amounts are refused."""
    me = login_as(Role.WEALTH_MANAGER)
    _add(client, make_customer(branch, owner_id=me.id))
    prospect = _prospect(app, owner_id=me.id)
    page = f"/prospects/{prospect.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'value="200000.00"' in html, re.findall(r"<input[^>]*amount[^>]*>", html)
    bad = client.post_form(
        f"/prospects/{prospect.id}/won", {"product_name": "", "amount": "0"}, page=page
    )
    assert bad.status_code == 200 and 'id="amount-error"' in bad.get_data(as_text=True)
    assert _prospect(app, id=prospect.id).stage == Stage.NEW
    client.post_form(
        f"/prospects/{prospect.id}/won",
        {"product_name": "稳享 180 天理财", "amount": "150000"},
        page=page,
    )
    with app.app_context():
        sale = _db.session.scalars(select(Sale)).one()
        assert (sale.amount_fen, sale.product_name, sale.seller_id) == (
            15_000_000,
            "稳享 180 天理财",
            me.id,
        )
    assert _prospect(app, id=prospect.id).stage == Stage.WON


def test_search_filters_as_the_user_types_and_pages_by_keyset(app, client, login_as, branch):
    """The list finds by customer name, product or mobile tail; long lists come a page at a time."""
    from tests.factories import _save
    from webapp.prospects.queries import PAGE_SIZE
    from webapp.sales.models import ProductCategory

    me = login_as(Role.RETAIL_AM)
    today = _today(app)

    def prospect(name, mobile, **fields):
        customer = make_customer(branch, owner_id=me.id, name=name, mobile=mobile)
        fields.setdefault("category", ProductCategory.WEALTH_MANAGEMENT)
        return _save(
            Prospect(branch_id=branch.id, customer_id=customer.id, owner_id=me.id, **fields)
        )

    for i in range(PAGE_SIZE + 5):
        prospect(
            f"客户{i:03d}",
            f"1380000{i:04d}",
            product_name={7: "稳盈理财", 9: "Gold 金卡", 11: "年化3%_理财"}.get(i, ""),
            next_follow_up=today + timedelta(days=i % 9) if i % 4 else None,
        )
    prospect("逾期客户", "13900001111", next_follow_up=today - timedelta(days=3))

    first = client.get("/prospects/")
    html = first.get_data(as_text=True)
    assert html.count('class="list__item prospect') == PAGE_SIZE
    assert html.index("逾期客户") < html.index("客户001")  # overdue first
    assert "1 个跟进已逾期" in text_of(first)
    cursor = re.search(r'after=([^"&]+)"', html).group(1)

    rest = client.get(f"/prospects/?after={cursor}", headers={"HX-Request": "true"})
    rest_html = rest.get_data(as_text=True)
    shown = re.findall(r'id="prospect-(\d+)"', html) + re.findall(r'id="prospect-(\d+)"', rest_html)
    assert len(shown) == len(set(shown)) == PAGE_SIZE + 6  # every open prospect, once
    assert "<html" not in rest_html and "list__more" not in rest_html
    # From any row, dated or not, the next page goes on in the same order.
    order = re.findall(r'id="prospect-(\d+)"', html)
    for position in (10, PAGE_SIZE - 1):
        with app.app_context():
            row = _db.session.get(Prospect, int(order[position]))
            day = row.next_follow_up.isoformat() if row.next_follow_up else "-"
        page = client.get(f"/prospects/?after={day}.{row.id}", headers={"HX-Request": "true"})
        following = re.findall(r'id="prospect-(\d+)"', page.get_data(as_text=True))
        assert following[: len(order) - position - 1] == order[position + 1 :]

    def search(term):
        return text_of(client.get(f"/prospects/?q={quote(term)}", headers={"HX-Request": "true"}))

    assert "客户007" in search("客户007") and "客户008" not in search("客户007")
    assert "客户007" in search("稳盈") and "客户008" not in search("稳盈")
    # A term with letters that have a case matches either case; one without matches as typed.
    assert "客户009" in search("gOLD") and "客户007" not in search("gOLD")
    assert "客户009" in search("金卡") and "客户009" not in search("银卡")
    # % and _ typed are searched for as themselves, not as wildcards.
    assert "客户011" in search("3%_") and "客户001" not in search("%") + search("_")
    assert "逾期客户" in search("1111") and "客户001" not in search("1111")
    assert "没有与“无此人”相符的跟进中意向客户。" in text_of(client.get("/prospects/?q=无此人"))
    assert client.get("/prospects/?after=junk").status_code == 200


def test_a_closed_prospects_future_follow_up_leaves_the_schedule(app, client, login_as, branch):
    """Lost today with a follow-up in three days: that day's schedule no longer lists it (it
    showed "✓ Done" on a day that had not come); a follow-up that was due today stays, done."""
    me = login_as(Role.RETAIL_AM)
    today = _today(app)
    later_day = today + timedelta(days=3)
    later = make_customer(branch, owner_id=me.id, name="三天后再谈")
    due = make_customer(branch, owner_id=me.id, name="今天该跟进")
    _add(client, later, next_follow_up=later_day.isoformat())
    _add(client, due, next_follow_up=today.isoformat())
    for customer in (later, due):
        prospect = _prospect(app, customer_id=customer.id)
        client.post_form(
            f"/prospects/{prospect.id}/lost", {"reason": "不需要"}, page=f"/prospects/{prospect.id}"
        )
    future = text_of(client.get(f"/schedule/?day={later_day.isoformat()}"))
    assert "三天后再谈" not in future
    with app.app_context():
        entries = _db.session.scalars(select(ScheduleEntry)).all()
        assert [(e.title.split(" · ")[0], e.done_at is not None) for e in entries] == [
            ("今天该跟进", True)
        ]


def test_a_prospect_saved_offline_and_sent_twice_is_one_prospect(app, client, login_as, branch):
    """The form works offline (issue 20, item 1: 有意向 → a prospect with no signal): it fills
    itself from its address and carries a client id; the same form sent again (a lost answer,
    the outbox's replay) makes one prospect and one follow-up, and reuse with other contents is
    refused."""
    import uuid

    me = login_as(Role.WEALTH_MANAGER)
    customer = make_customer(branch, owner_id=me.id, name="钱多多")
    form = client.get(f"/prospects/new?customer_id={customer.id}").get_data(as_text=True)
    assert "data-offline" in form and "data-prefill" in form and 'name="client_id"' in form
    client_id = str(uuid.uuid4())
    day = (_today(app) + timedelta(days=3)).isoformat()
    first = _add(client, customer, client_id=client_id, next_follow_up=day)
    again = client.post_form(
        "/prospects/new",
        {
            "customer_id": str(customer.id),
            "category": "wealth_management",
            "product_name": "稳享 90 天理财",
            "expected_amount": "200000",
            "next_follow_up": day,
            "potential": "他行理财到期",
            "client_id": client_id,
        },
        headers={"X-Outbox-Replay": "1"},
    )
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    other = _add(client, customer, client_id=client_id, potential="另一份")
    assert other.status_code == 400
    with app.app_context():
        assert len(_db.session.scalars(select(Prospect)).all()) == 1
        assert len(_db.session.scalars(select(ScheduleEntry)).all()) == 1
