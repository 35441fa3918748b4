"""The referral ledger per person (SQL aggregates), its page, and the today panel."""

from datetime import date, timedelta

from tests.conftest import section_text, text_of
from tests.referrals.conftest import refer
from tests.referrals.test_lifecycle import _staff
from webapp import timeutil
from webapp.referrals import criteria as policy
from webapp.referrals import queries, services
from webapp.sales.models import ProductCategory


def test_ledger_counts_given_accepted_won_value_and_credit(app, db, team):
    """Today: the lobby gave 2 (1 won), the wealth manager accepted 2 and sold 100,000."""
    with app.test_request_context():
        today = timeutil.local_date()
        policy.ensure_policy(
            team.get("manager").branch_id, today - timedelta(days=10)
        )  # phase 1: 80%
        won = refer(team)
        services.accept(won, team.get("wealth"))
        services.win(
            won,
            team.get("wealth"),
            category=ProductCategory.FUND,
            product="基金",
            amount_fen=100_000_00,
        )
        other = refer(team, receiver="wealth2", referrer="teller")
        services.accept(other, team.get("wealth2"))
        refer(team)
        ledger, totals = queries.ledger(won.branch_id, today, today + timedelta(days=1))
        rows = {r.name: r for r in ledger}
        # The branch line: the won referral once, though referrer and seller both took part.
        assert totals == {
            "given": 3, "accepted": 2, "won": 1, "value_fen": 100_000_00, "credit_fen": 100_000_00
        }  # fmt: skip
        assert (rows["孙婷婷"].given, rows["孙婷婷"].won, rows["孙婷婷"].credit_fen) == (
            2,
            1,
            80_000_00,
        )
        assert (rows["林晓燕"].received, rows["林晓燕"].accepted, rows["林晓燕"].won) == (2, 1, 1)
        assert rows["林晓燕"].value_fen == 100_000_00 and rows["林晓燕"].credit_fen == 20_000_00
        assert (rows["吴佳琪"].given, rows["陈思远"].accepted, rows["陈思远"].credit_fen) == (
            1,
            1,
            0,
        )
        earlier, totals = queries.ledger(won.branch_id, today - timedelta(days=3), today)
        assert earlier[0].given == 0 and totals["won"] == totals["value_fen"] == 0
        # A branch whose staff have all left still shows the referrals it won.
        from webapp.auth.models import Staff
        from webapp.extensions import db as _db

        _db.session.execute(
            Staff.__table__.update().where(Staff.branch_id == won.branch_id).values(active=False)
        )
        ledger, totals = queries.ledger(won.branch_id, today, today + timedelta(days=1))
        assert ledger == [] and (totals["won"], totals["value_fen"]) == (1, 100_000_00)


def test_period_bounds_day_week_month():
    """Weeks start on Monday; every period is half-open, [first day, the day after the last)."""
    assert queries.period_bounds("day", date(2026, 11, 25)) == (
        date(2026, 11, 25),
        date(2026, 11, 26),
    )
    assert queries.period_bounds("week", date(2026, 11, 25)) == (
        date(2026, 11, 23),
        date(2026, 11, 30),
    )
    assert queries.period_bounds("month", date(2026, 2, 10)) == (
        date(2026, 2, 1),
        date(2026, 3, 1),
    )


def test_ledger_page_and_today_panel(app, db, client, login_as, team):
    """The ledger lists the branch's people; the panel lists only referrals waiting for me."""
    with app.test_request_context():
        refer(team, note="理财咨询")
    login_as(_staff(app, team.wealth))
    ledger = text_of(client.get("/referrals/ledger?period=week"))
    assert "孙婷婷" in ledger and "林晓燕" in ledger
    assert "孙婷婷" in text_of(client.get("/referrals/ledger?period=bogus&date=not-a-date"))
    assert "钱多多" in section_text(client.get("/today"), "referral-inbox")
    login_as(_staff(app, team.wealth2))
    assert "钱多多" not in section_text(client.get("/today"), "referral-inbox")


def test_only_the_manager_allocates(app, db, client, login_as, team):
    """The receiver cannot allocate credit: 403."""
    with app.test_request_context():
        referral_id = refer(team).id
    login_as(_staff(app, team.wealth))
    response = client.post_form(
        f"/referrals/{referral_id}/allocate", {"reason": "x"}, page="/referrals/"
    )
    assert response.status_code == 403
