"""The branch manager's dashboard holds the referrals waiting; the lobby rows load after it."""

from tests.conftest import section_text
from webapp.auth.models import Role


def test_dashboard_loads_the_lobby_now_and_referrals_waiting(client, login_as):
    """The referrals panel comes with the page; the lobby rows refresh from their endpoint."""
    login_as(Role.BRANCH_MANAGER)
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert 'hx-get="/lobby/rows"' in page
    assert "大堂实时" in page
    rows = client.get("/lobby/rows", headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.get_data(as_text=True)
    assert "转介" in section_text(response, "referral-inbox")
