"""Issue 19, the lobby as a service station: the customer's one-tap rating at 办结 (满意 / 一般 /
不满意, a reason required on 不满意)."""

from sqlalchemy import select

from tests.conftest import text_of
from webapp.auth.models import Role
from webapp.extensions import db as _db
from webapp.lobby.models import CheckIn, Rating, RatingReason

HX = {"HX-Request": "true"}


def _done_visit(app, client) -> int:
    """A walk-in checked in and let go (办结) from the board; its id."""
    client.post_form("/lobby/check-ins", {"first_need": "deposit"}, page="/lobby/", headers=HX)
    with app.app_context():
        visit_id = _db.session.scalar(select(CheckIn.id))
    client.post_form(f"/lobby/check-ins/{visit_id}/serve", {}, page="/lobby/", headers=HX)
    client.post_form(f"/lobby/check-ins/{visit_id}/done", {}, page="/lobby/", headers=HX)
    return visit_id


def _rate(client, visit_id, **data):
    return client.post_form(f"/lobby/check-ins/{visit_id}/rating", data, page="/lobby/", headers=HX)


def test_done_offers_the_rating_and_one_tap_keeps_it(app, db, client, login_as):
    """After 办结 the row asks 您对本次服务满意吗 with 满意 / 一般 / 不满意; tapping 满意 keeps it,
    and the row then says so instead of asking again."""
    login_as(Role.LOBBY_MANAGER)
    visit_id = _done_visit(app, client)
    rows = text_of(client.get("/lobby/rows", headers=HX))
    assert "您对本次服务满意吗？" in rows
    assert "满意" in rows and "一般" in rows and "不满意" in rows
    answer = _rate(client, visit_id, rating="satisfied")
    assert answer.status_code == 200
    assert "评价：满意" in text_of(answer) and "您对本次服务满意吗？" not in text_of(answer)
    with app.app_context():
        visit = _db.session.get(CheckIn, visit_id)
        assert visit.rating is Rating.SATISFIED and visit.rating_reason is None
        assert visit.rated_at is not None


def test_unsatisfied_needs_a_reason(app, db, client, login_as):
    """不满意 alone is refused and nothing is kept; with 等候太久 both are kept and shown."""
    login_as(Role.LOBBY_MANAGER)
    visit_id = _done_visit(app, client)
    assert _rate(client, visit_id, rating="unsatisfied").status_code == 400
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).rating is None
    answer = _rate(client, visit_id, rating="unsatisfied", reason="wait")
    assert "评价：不满意 · 等候太久" in text_of(answer)
    with app.app_context():
        visit = _db.session.get(CheckIn, visit_id)
        assert visit.rating is Rating.UNSATISFIED and visit.rating_reason is RatingReason.WAIT


def test_no_rating_before_done_nor_a_made_up_one(app, db, client, login_as):
    """A walk-in still waiting cannot be rated; an unknown rating is a 400; nothing is kept."""
    login_as(Role.LOBBY_MANAGER)
    client.post_form("/lobby/check-ins", {"first_need": "card"}, page="/lobby/", headers=HX)
    with app.app_context():
        visit_id = _db.session.scalar(select(CheckIn.id))
    assert "您对本次服务满意吗？" not in text_of(client.get("/lobby/rows", headers=HX))
    assert _rate(client, visit_id, rating="satisfied").status_code == 400
    client.post_form(f"/lobby/check-ins/{visit_id}/done", {}, page="/lobby/", headers=HX)
    assert _rate(client, visit_id, rating="superb").status_code == 400
    assert _rate(client, visit_id, rating="neutral", reason="bogus").status_code == 400
    with app.app_context():
        assert _db.session.get(CheckIn, visit_id).rating is None


def test_a_reason_given_with_satisfied_is_not_kept(app, db, client, login_as):
    """Only 不满意 carries a reason."""
    login_as(Role.LOBBY_MANAGER)
    visit_id = _done_visit(app, client)
    _rate(client, visit_id, rating="neutral", reason="wait")
    with app.app_context():
        visit = _db.session.get(CheckIn, visit_id)
        assert visit.rating is Rating.NEUTRAL and visit.rating_reason is None
