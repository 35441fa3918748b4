"""Bad input gets a translated 4xx or a message beside the field, never a 500."""

import pytest

from tests.conftest import text_of
from tests.factories import make_staff
from tests.test_fuzz import date_param_routes
from webapp.auth.models import Role

# Every page that reads a day, week or month parameter: (path, parameter, who opens it).
DATED_PAGES = [
    ("/coaching/targets", "month", Role.BRANCH_MANAGER),
    ("/coaching/huddles/morning", "day", Role.BRANCH_MANAGER),
    ("/coaching/huddles/evening", "day", Role.BRANCH_MANAGER),
    ("/coaching/one-on-ones/{staff}", "week", Role.BRANCH_MANAGER),
    ("/reports/progress", "month", Role.BRANCH_MANAGER),
    ("/reports/monthly", "month", Role.BRANCH_MANAGER),
    ("/reports/monthly.xlsx", "month", Role.BRANCH_MANAGER),
    ("/reports/weekly", "week", Role.BRANCH_MANAGER),
    ("/reports/region", "month", Role.ADMIN),
    ("/schedule/", "day", Role.RETAIL_AM),
    ("/schedule/week", "start", Role.RETAIL_AM),
    ("/schedule/new", "day", Role.RETAIL_AM),
    ("/referrals/ledger", "date", Role.BRANCH_MANAGER),
]
FAR = {"month": ("9999-12", "0001-01"), "day": ("9999-12-31", "0001-01-01")}


def test_the_list_holds_every_page_with_a_date_parameter(app):
    """A new page reading ?day= or ?month= must be added above (the fuzz finds it too)."""
    listed = {(path.split("{")[0].rstrip("/"), name) for path, name, _ in DATED_PAGES}
    for rule, params in date_param_routes(app):
        for name in params:
            prefix = rule.rule.split("<")[0].rstrip("/")
            assert any(p.startswith(prefix) and n == name for p, n in listed), (rule.rule, name)


@pytest.mark.parametrize(("path", "name", "role"), DATED_PAGES)
def test_a_date_beyond_the_calendar_is_a_translated_400(client, login_as, branch, path, name, role):
    """9999-12-31 and 0001-01-01 (and their months) answer 400 with the range, in Chinese."""
    person = make_staff(Role.RETAIL_AM, branch)
    login_as(role)
    kind = "month" if name == "month" else "day"
    for value in FAR[kind]:
        response = client.get(path.format(staff=person.id), query_string={name: value})
        assert response.status_code == 400, (path, value)
        assert "日期须在1900-01-01至2999-12-31之间" in text_of(response)
        fragment = client.get(
            path.format(staff=person.id), query_string={name: value}, headers={"HX-Request": "1"}
        )
        assert fragment.status_code == 400
        assert "日期须在1900-01-01至2999-12-31之间" in text_of(fragment)


def test_the_edges_of_the_range_still_show(client, login_as):
    """The first and last days BranchKit shows are pages, not errors."""
    login_as(Role.BRANCH_MANAGER)
    for month in ("1900-01", "2999-12"):
        assert client.get("/reports/monthly", query_string={"month": month}).status_code == 200
    login_as(Role.RETAIL_AM)
    for day in ("1900-01-01", "2999-12-31"):
        assert client.get("/schedule/", query_string={"day": day}).status_code == 200
        assert client.get("/schedule/week", query_string={"start": day}).status_code == 200
