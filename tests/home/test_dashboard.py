"""The branch manager's dashboard opens the lobby and the referrals waiting, lazily."""

from tests.conftest import text_of
from webapp.auth.models import Role


def test_dashboard_loads_the_lobby_now_and_referrals_waiting(client, login_as):
    """The referrals panel comes with the page; the lobby rows refresh from their endpoint."""
    login_as(Role.BRANCH_MANAGER)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'hx-get="/lobby/rows"' in page and 'id="referral-inbox"' in page
    assert "大堂实时" in page
    rows = client.get("/lobby/rows", headers={"HX-Request": "true"})
    panel = client.get("/referrals/today-panel", headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.get_data(as_text=True)
    assert panel.status_code == 200 and "转介" in text_of(panel)
