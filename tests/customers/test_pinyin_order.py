"""People and customers in pinyin order (丁 任 上 于), not code point order (丁 上 于 任), and
the customer picker: one search by name, pinyin initials or the mobile's last four digits."""

from tests.conftest import text_of
from tests.factories import make_customer, make_staff
from webapp.auth.models import Role
from webapp.names import by_name, initials, sort_key

HX = {"HX-Request": "true"}
# In code point order: 丁 上 于 任. In pinyin order: ding, ren, shang, yu.
CODE_POINT = ["丁小明", "上官小明", "于小明", "任小明"]
PINYIN = ["丁小明", "任小明", "上官小明", "于小明"]


def _order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=text.index)


def test_the_sort_key_is_pinyin():
    """Syllables with their tones; a longer syllable after its prefix (li before lin)."""
    assert sorted(CODE_POINT, key=by_name) == PINYIN
    assert sorted(["林", "李四", "李"], key=by_name) == ["李", "李四", "林"]
    assert sort_key("曾国藩") == "zeng1guo2fan1" and initials("张三丰") == "zsf"


def test_the_customer_list_is_in_pinyin_order(client, login_as, branch):
    """The branch's customer list, searched or not."""
    login_as(Role.RETAIL_AM)
    for n, name in enumerate(CODE_POINT):
        make_customer(branch, name=name, mobile=f"1390000{n:04d}")
    for query in ({}, {"q": "小明"}):
        assert _order(text_of(client.get("/customers/", query_string=query)), PINYIN) == PINYIN


def test_the_team_tables_are_in_pinyin_order(client, login_as, branch):
    """The manager's dashboard and the staff page list the team by pinyin within a role."""
    login_as(Role.BRANCH_MANAGER, name="甲经理")
    for name in CODE_POINT:
        make_staff(Role.RETAIL_AM, branch, name=name)
    for page in ("/dashboard", "/staff"):
        assert _order(text_of(client.get(page)), PINYIN) == PINYIN, page


def test_the_picker_finds_by_name_initials_and_last_four_in_pinyin_order(client, login_as, branch):
    """Radio chips of the branch's customers, masked, in pinyin order."""
    login_as(Role.LOBBY_MANAGER, locale="en")
    for n, name in enumerate(CODE_POINT):
        make_customer(branch, name=name, mobile=f"1390000{n:04d}")
    found = client.get("/customers/picker", query_string={"q": "小明"}, headers=HX)
    assert _order(text_of(found), PINYIN) == PINYIN
    by_initials = client.get("/customers/picker", query_string={"q": "RXM"}, headers=HX)
    assert text_of(by_initials) == "Anonymous 任小明 139****0003"
    by_surname = text_of(client.get("/customers/picker", query_string={"q": "sg"}, headers=HX))
    assert "上官小明" in by_surname and "任小明" not in by_surname
    by_digits = client.get("/customers/picker", query_string={"q": "0002"}, headers=HX)
    assert text_of(by_digits) == "Anonymous 于小明 139****0002"
    assert "13900000002" not in by_digits.get_data(as_text=True)


def test_the_picker_names_the_no_customer_choice_per_form(client, login_as, branch):
    """An appointment's "no customer chosen" is a new one; a full page load is the list."""
    login_as(Role.WEALTH_MANAGER, locale="en")
    make_customer(branch, name="丁小明", mobile="13900001111")
    chips = client.get("/customers/picker", query_string={"q": "1111", "none": "new"}, headers=HX)
    assert text_of(chips) == "New customer: enter below 丁小明 139****1111"
    page = client.get("/customers/picker", query_string={"q": "1111"})
    assert page.status_code == 302 and "/customers/?q=1111" in page.headers["Location"]
