"""Information sheets over HTTP: create, validate, duplicates, offline replay, conflicts, access."""

import re
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.conftest import text_of
from tests.factories import make_branch, make_customer, make_staff
from webapp.auth.models import Role
from webapp.customers.models import Acquisition, Customer, CustomerKind, CustomerView, SmeSheet
from webapp.customers.queries import completeness_by_staff
from webapp.extensions import db as _db

GOOD_CODE = "91350100M000100Y43"


def _count(app, model=Customer):
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(model))


def _one(app, **where):
    with app.app_context():
        row = _db.session.scalars(select(Customer).filter_by(**where)).first()
        if row is not None:
            _ = (row.sme_sheet, row.individual_sheet)
            _db.session.expunge(row)
        return row


def _sme(client_id=None, **over):
    data = {
        "name": "上海恒信商贸有限公司",
        "credit_code": GOOD_CODE,
        "industry": "商贸",
        "address": "浦东新区张杨路100号",
        "employees": "25",
        "turnover_band": "t1",
        "main_banks": "工商银行",
        "contact_name": "李娜",
        "mobile": "13812345678",
        "next_step": "介绍代发工资",
        "client_id": client_id or str(uuid.uuid4()),
    }
    data.update(over)
    return data


def test_individual_sheet_is_created_owned_and_scored(app, client, login_as):
    """A wealth manager creates a sheet: it is theirs, scored, and the page shows the score."""
    me = login_as(Role.WEALTH_MANAGER)
    response = client.post_form(
        "/customers/new/individual",
        {
            "name": "张伟",
            "mobile": "138 1234 5678",
            "occupation": "教师",
            "age_band": "40s",
            "needs": ["saving", "pension"],
            "assets_here": "",
            "assets_elsewhere": "",
            "risk_appetite": "",
        },
    )
    assert response.status_code == 303
    customer = _one(app, mobile="13812345678")
    assert customer.owner_id == me.id and customer.kind == CustomerKind.INDIVIDUAL
    assert customer.individual_sheet.needs == "saving,pension"
    assert customer.completeness == round(100 * 4 / 12)  # mobile, occupation, age, needs
    page = text_of(client.get(response.headers["Location"]))
    assert f"{customer.completeness}%" in page and "养老" in page


def test_invalid_mobile_is_shown_beside_the_field_and_values_kept(app, client, login_as):
    """Bad input: 200, the message by the field, what was typed still there, nothing saved."""
    login_as(Role.RETAIL_AM)
    response = client.post_form("/customers/new/individual", {"name": "王芳", "mobile": "12345"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="mobile-error"' in html and 'value="王芳"' in html
    assert _count(app) == 0


def test_credit_code_with_wrong_check_character_is_refused(app, client, login_as):
    """A real-format code with the wrong last character gets a clear message."""
    login_as(Role.CORPORATE_AM)
    response = client.post_form("/customers/new/sme", _sme(credit_code="91350100M000100Y44"))
    assert response.status_code == 200
    assert "统一社会信用代码" in text_of(
        response
    ) and 'id="credit_code-error"' in response.get_data(as_text=True)
    assert _count(app) == 0


def test_duplicate_mobile_shows_the_existing_record(app, client, login_as, branch):
    """Creating a customer whose mobile is the branch's already offers to open that record."""
    existing = make_customer(branch, name="老客户", mobile="13900001111")
    login_as(Role.TELLER)
    response = client.post_form(
        "/customers/new/individual", {"name": "新名字", "mobile": "13900001111"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "老客户" in html and f"/customers/{existing.id}" in html
    assert "139****1111" in html and "13900001111" not in text_of(response)
    assert _count(app) == 1


def test_duplicate_credit_code_is_refused(app, client, login_as, branch):
    """Same for an SME's credit code."""
    make_customer(branch, kind=CustomerKind.SME, name="恒信", mobile=None, credit_code=GOOD_CODE)
    login_as(Role.CORPORATE_AM)
    response = client.post_form("/customers/new/sme", _sme())
    assert "恒信" in text_of(response), text_of(response)
    assert response.status_code == 409
    assert _count(app) == 1


def test_sme_create_form_has_a_client_id_and_takes_prefill(app, client, login_as):
    """The create form carries a fresh UUID and fills fields from the market-running visit."""
    login_as(Role.CORPORATE_AM)
    html = client.get(
        "/customers/new/sme?name=鑫源餐饮&address=东方路1号&industry=餐饮&contact_name=陈静&contact_mobile=13512345678"
    ).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', html).group(1)
    assert uuid.UUID(client_id)
    for value in ("鑫源餐饮", "东方路1号", "餐饮", "陈静", "13512345678"):
        assert f'value="{value}"' in html


def test_replayed_sme_create_returns_the_first_result_not_a_second_row(app, client, login_as):
    """The outbox may send the same form twice: one row, the same answer both times."""
    login_as(Role.CORPORATE_AM)
    data = _sme()
    first = client.post_form("/customers/new/sme", data)
    second = client.post_form("/customers/new/sme", data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app) == 1 and _count(app, SmeSheet) == 1
    customer = _one(app, credit_code=GOOD_CODE)
    assert customer.client_id == data["client_id"] and customer.sme_sheet.employees == 25


def test_reused_client_id_with_different_payload_is_a_clear_error(app, client, login_as):
    """The same id with other contents is a client bug: 422, said plainly, nothing saved."""
    login_as(Role.CORPORATE_AM)
    data = _sme()
    assert client.post_form("/customers/new/sme", data).status_code == 303
    other = client.post_form(
        "/customers/new/sme", {**data, "name": "另一家公司", "credit_code": "91110000802100433B"}
    )
    assert other.status_code == 422
    assert "不同内容" in text_of(other)
    assert _count(app) == 1


def test_malformed_client_id_is_refused(app, client, login_as):
    """A client_id that is not a UUID is a 400."""
    login_as(Role.CORPORATE_AM)
    response = client.post_form("/customers/new/sme", _sme(client_id="not-a-uuid"))
    assert response.status_code == 400 and _count(app) == 0


def test_stale_edit_gets_409_with_both_versions_and_choices_are_saved(app, client, login_as):
    """Edit offline from v1 while someone saved v2: 409, both values, radio per field, then save."""
    me = login_as(Role.CORPORATE_AM)
    client.post_form("/customers/new/sme", _sme())
    customer = _one(app, credit_code=GOOD_CODE)
    edit_url = f"/customers/{customer.id}/edit"
    base = _sme(client_id="")
    base.pop("client_id")
    # Someone else (here: the same user on another device) saves v1 -> v2 first.
    assert (
        client.post_form(edit_url, {**base, "version": "1", "address": "世纪大道8号"}).status_code
        == 303
    )
    stale = client.post_form(
        edit_url, {**base, "version": "1", "address": "东方路99号", "notes": "老板姓李"}
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "世纪大道8号" in html and "东方路99号" in html
    assert 'type="radio" name="address"' in html and 'type="radio" name="notes"' in html
    assert 'name="version" value="2"' in html
    # The user keeps the saved address and their own notes.
    choice = {**base, "version": "2", "address": "世纪大道8号", "notes": "老板姓李"}
    assert (
        client.post_form(edit_url, choice, page=f"/customers/{customer.id}/edit").status_code == 303
    )
    saved = _one(app, id=customer.id)
    assert saved.version == 3 and saved.sme_sheet.address == "世纪大道8号"
    assert saved.sme_sheet.notes == "老板姓李" and saved.owner_id == me.id


def test_edit_form_carries_the_version(app, client, login_as, branch):
    """The edit form has a hidden version for the offline check."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id)
    html = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in html


def test_owner_sees_full_sheet_and_the_view_is_audited(app, client, login_as, branch):
    """An account manager opens their own customer: the full mobile, and an audit row."""
    me = login_as(Role.RETAIL_AM)
    customer = make_customer(branch, owner_id=me.id, mobile="13711112222")
    page = text_of(client.get(f"/customers/{customer.id}"))
    assert "13711112222" in page and "编辑" in page
    assert _count(app, CustomerView) == 1


def test_other_salespeoples_customers_show_only_the_basic_card(app, client, login_as, branch):
    """A colleague's customer: masked mobile, no audit row, and editing is refused."""
    colleague = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch, owner_id=colleague.id, mobile="13711113333")
    login_as(Role.RETAIL_AM)
    page = text_of(client.get(f"/customers/{customer.id}"))
    assert "137****3333" in page and "13711113333" not in page and colleague.name in page
    assert _count(app, CustomerView) == 0
    assert client.get(f"/customers/{customer.id}/edit").status_code == 403
    post = client.post_form(
        f"/customers/{customer.id}/edit",
        {"name": "x", "mobile": "13711113333", "version": "1"},
        page="/customers/",
    )
    assert post.status_code == 403


def test_teller_creates_customers_and_sees_basic_cards(app, client, login_as, branch):
    """A teller may create (unowned) and sees the basic card, not the full sheet."""
    login_as(Role.TELLER)
    response = client.post_form(
        "/customers/new/individual", {"name": "赵敏", "mobile": "13600001234"}
    )
    assert response.status_code == 303
    customer = _one(app, mobile="13600001234")
    assert customer.owner_id is None
    page = text_of(client.get(f"/customers/{customer.id}"))
    assert "136****1234" in page and "13600001234" not in page


def test_lobby_manager_can_create_an_sme(app, client, login_as):
    """The lobby manager may start an SME sheet."""
    login_as(Role.LOBBY_MANAGER)
    assert client.post_form("/customers/new/sme", _sme()).status_code == 303


def test_branch_manager_sees_and_edits_everything_in_the_branch(app, client, login_as, branch):
    """The branch manager opens anyone's customer in full and may edit it."""
    owner = make_staff(Role.RETAIL_AM, branch)
    customer = make_customer(branch, owner_id=owner.id, mobile="13722223333")
    login_as(Role.BRANCH_MANAGER)
    assert "13722223333" in text_of(client.get(f"/customers/{customer.id}"))
    assert client.get(f"/customers/{customer.id}/edit").status_code == 200


def test_nobody_sees_another_branch_except_the_administrator(app, client, login_as, branch):
    """Another branch's customer is a 404 for its neighbours; the region's admin reads it."""
    other = make_branch("张江支行", parent=None)
    customer = make_customer(other, mobile="13733334444")
    login_as(Role.BRANCH_MANAGER)
    assert client.get(f"/customers/{customer.id}").status_code == 404
    assert client.get(f"/customers/{customer.id}/edit").status_code == 404
    region = make_branch("管辖行")
    child = make_branch("子支行", parent=region)
    theirs = make_customer(child, mobile="13744445555")
    admin = make_staff(Role.ADMIN, region)
    login_as(admin)
    assert "13744445555" in text_of(client.get(f"/customers/{theirs.id}"))
    assert client.get(f"/customers/{theirs.id}/edit").status_code == 403


def test_completeness_rolls_up_per_salesperson(app, db, branch):
    """The manager's coaching figure: average sheet completeness per owner, lowest first."""
    a = make_staff(Role.RETAIL_AM, branch, name="甲")
    b = make_staff(Role.WEALTH_MANAGER, branch, name="乙")
    make_customer(branch, owner_id=a.id, completeness=20)
    make_customer(branch, owner_id=a.id, completeness=40)
    make_customer(branch, owner_id=b.id, completeness=90)
    make_customer(make_branch(), owner_id=b.id, completeness=0)  # another branch: not counted
    with app.app_context():
        rows = completeness_by_staff([branch.id])
    assert [(r[1], r[2], int(r[3]), r[4]) for r in rows] == [("甲", 2, 30, 0), ("乙", 1, 90, 1)]


def test_search_still_finds_by_company_and_phone_tail(app, client, login_as, branch):
    """Active search keeps working with sheets: company name and mobile tail, masked."""
    make_customer(
        branch, kind=CustomerKind.SME, name="浦东鑫源餐饮管理有限公司", mobile="13855556666"
    )
    login_as(Role.TELLER)
    rows = client.get("/customers/?q=6666", headers={"HX-Request": "true"})
    assert "鑫源餐饮" in text_of(rows) and "138****6666" in text_of(rows)


def test_percent_and_underscore_are_searched_as_typed(app, client, login_as, branch):
    """A % or _ in the search box is a character to find, not a wildcard matching everyone."""
    make_customer(branch, name="百分百_测试")
    make_customer(branch, name="张三")
    login_as(Role.TELLER)

    def rows(term):
        return text_of(client.get(f"/customers/?q={quote(term)}", headers={"HX-Request": "true"}))

    assert "百分百_测试" in rows("_") and "张三" not in rows("_")
    assert "张三" not in rows("%") and "百分百_测试" not in rows("%")


def test_branch_manager_assigns_an_owner(app, client, login_as, branch):
    """A teller's unowned customer is given to a salesperson, who may then edit it."""
    customer = make_customer(branch, owner_id=None)
    seller = make_staff(Role.RETAIL_AM, branch)
    teller = make_staff(Role.TELLER, branch)
    login_as(Role.BRANCH_MANAGER)
    page = f"/customers/{customer.id}"
    refused = client.post_form(
        f"/customers/{customer.id}/owner", {"owner_id": str(teller.id)}, page=page
    )
    assert refused.status_code == 400
    response = client.post_form(
        f"/customers/{customer.id}/owner", {"owner_id": str(seller.id)}, page=page
    )
    assert response.status_code == 303 and _one(app, id=customer.id).owner_id == seller.id
    login_as(seller)
    assert client.get(f"/customers/{customer.id}/edit").status_code == 200
    login_as(Role.RETAIL_AM)
    assert (
        client.post_form(
            f"/customers/{customer.id}/owner", {"owner_id": ""}, page="/customers/"
        ).status_code
        == 403
    )


def test_resident_id_is_checked_kept_and_never_shown_in_full(app, client, login_as):
    """A bad ID is refused; a good one is stored, shown masked, absent from the edit form, kept on save."""
    login_as(Role.WEALTH_MANAGER)
    bad = client.post_form(
        "/customers/new/individual",
        {"name": "李静", "mobile": "13500001111", "resident_id": "110105194912310021"},
    )
    assert bad.status_code == 200 and 'id="resident_id-error"' in bad.get_data(as_text=True)
    client.post_form(
        "/customers/new/individual",
        {"name": "李静", "mobile": "13500001111", "resident_id": "11010519491231002x"},
    )
    customer = _one(app, mobile="13500001111")
    assert customer.individual_sheet.resident_id == "11010519491231002X"
    for url in (f"/customers/{customer.id}", f"/customers/{customer.id}/edit"):
        html = client.get(url).get_data(as_text=True)
        assert "11010519491231002X" not in html and "110***********002X" in html
    client.post_form(
        f"/customers/{customer.id}/edit",
        {"name": "李静", "mobile": "13500001111", "version": "1", "resident_id": ""},
    )
    assert _one(app, id=customer.id).individual_sheet.resident_id == "11010519491231002X"


def test_individual_conflict_keeps_needs_and_hides_the_id(app, client, login_as):
    """An individual's stale edit: needs offered as a choice; the stored ID number never printed."""
    login_as(Role.WEALTH_MANAGER)
    client.post_form(
        "/customers/new/individual",
        {
            "name": "吴刚",
            "mobile": "13500002222",
            "resident_id": "11010519491231002X",
            "needs": ["saving"],
        },
    )
    customer = _one(app, mobile="13500002222")
    url = f"/customers/{customer.id}/edit"
    base = {"name": "吴刚", "mobile": "13500002222"}
    client.post_form(url, {**base, "version": "1", "needs": ["loan"]})
    stale = client.post_form(url, {**base, "version": "1", "needs": ["fund", "pension"]})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'value="fund,pension"' in html and 'value="loan"' in html
    assert "11010519491231002X" not in html
    client.post_form(url, {**base, "version": "2", "needs": "fund,pension"}, page=url)
    saved = _one(app, id=customer.id)
    assert saved.individual_sheet.need_list == ["fund", "pension"]
    assert saved.individual_sheet.resident_id == "11010519491231002X"


def test_manager_sees_completeness_per_salesperson(app, client, login_as, branch):
    """The branch manager's page lists each owner's average; salespeople may not open it."""
    a = make_staff(Role.RETAIL_AM, branch, name="低分甲")
    make_customer(branch, owner_id=a.id, completeness=25)
    login_as(Role.BRANCH_MANAGER)
    page = text_of(client.get("/customers/completeness"))
    assert "低分甲" in page and "25%" in page
    login_as(Role.RETAIL_AM)
    assert client.get("/customers/completeness").status_code == 403


def test_search_by_credit_code_prefix(app, client, login_as, branch):
    """Typing the start of a credit code finds the company."""
    make_customer(
        branch, kind=CustomerKind.SME, name="代码查找公司", mobile=None, credit_code=GOOD_CODE
    )
    login_as(Role.TELLER)
    rows = client.get("/customers/?q=91350100m0", headers={"HX-Request": "true"})
    assert "代码查找公司" in text_of(rows)


def test_sheet_started_from_market_running_records_the_channel(app, client, login_as):
    """?via=market_running is carried by the form and stored as the customer's channel."""
    login_as(Role.CREDIT_AM)
    html = client.get("/customers/new/sme?via=market_running&name=街边小店").get_data(as_text=True)
    assert 'name="via" value="market_running"' in html
    client.post_form(
        "/customers/new/sme", {**_sme(), "via": "market_running"}, page="/customers/new/sme"
    )
    assert _one(app, credit_code=GOOD_CODE).acquired_via == Acquisition.MARKET_RUNNING


def test_the_customer_list_comes_a_page_at_a_time(client, login_as, branch):
    """Thirty by name, then "show more" continues after the last one shown, none twice."""
    from webapp.customers.queries import PAGE_SIZE

    login_as(Role.RETAIL_AM)
    for i in range(PAGE_SIZE + 5):
        make_customer(branch, name=f"分页客户{i:02d}")
    first = client.get("/customers/").get_data(as_text=True)
    ids = re.findall(r'href="/customers/(\d+)"', first)
    assert len(ids) == PAGE_SIZE
    more = re.search(r'hx-get="(/customers/\?after=[^"]+)"', first).group(1).replace("&amp;", "&")
    rest = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    rest_ids = re.findall(r'href="/customers/(\d+)"', rest)
    assert len(rest_ids) == 5 and not set(ids) & set(rest_ids)
    assert "list__more" not in rest and "<html" not in rest
    assert "分页客户34" in text_of(client.get(more))  # without htmx: a plain page
    assert client.get("/customers/?after=junk").status_code == 200


@pytest.mark.parametrize(
    "typed",
    ["１３９００００１１１１", "١٣٩٠٠٠٠١١١١", "۱۳۹۰۰۰۰۱۱۱۱", "＋８６ １３９-００００-１１１１"],
)
def test_a_mobile_in_full_width_or_arabic_indic_digits_is_the_same_customer(
    app, client, login_as, branch, typed
):
    """The branch's customer with 13900001111 is found whatever digits the mobile is typed in."""
    existing = make_customer(branch, name="老客户", mobile="13900001111")
    login_as(Role.TELLER)
    response = client.post_form("/customers/new/individual", {"name": "新名字", "mobile": typed})
    assert response.status_code == 409
    assert "老客户" in text_of(response)
    assert f"/customers/{existing.id}" in response.get_data(as_text=True)
    assert _count(app) == 1


def test_identifiers_are_stored_in_ascii(app, client, login_as):
    """A new customer typed with full-width digits is stored with ASCII digits and letters."""
    from webapp.customers.models import IndividualSheet

    login_as(Role.TELLER)
    response = client.post_form(
        "/customers/new/individual",
        {
            "name": "王芳",
            "mobile": "١٣٩١٢٣٤٥٦٧٨",
            "resident_id": "１１０１０５１９４９１２３１００２ｘ",
        },
    )
    assert response.status_code in (302, 303), text_of(response)
    with app.app_context():
        customer = _db.session.scalar(select(Customer))
        assert customer.mobile == "13912345678"
        sheet = _db.session.scalar(select(IndividualSheet))
        assert sheet.resident_id == "11010519491231002X"


def test_a_credit_code_in_full_width_is_the_same_sme(app, client, login_as, branch):
    """The duplicate check sees the SME whatever width the code is typed in."""
    make_customer(branch, kind=CustomerKind.SME, name="恒信", mobile=None, credit_code=GOOD_CODE)
    login_as(Role.CORPORATE_AM)
    wide = GOOD_CODE.translate(
        str.maketrans(
            "0123456789ABCDEFGHJKLMNPQRTUWXY",
            "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
        )
    )
    response = client.post_form("/customers/new/sme", _sme(credit_code=wide))
    assert response.status_code == 409 and "恒信" in text_of(response)
    assert _count(app) == 1
