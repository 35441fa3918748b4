"""The demo data gives the referral screens weeks of plausible history."""

from sqlalchemy import func, select

from webapp.lobby.models import CheckIn
from webapp.referrals.models import Referral, ReferralCriteria, SplitPhase
from webapp.sales.models import CreditLine, CreditRole, Sale, SaleSource


def test_demo_has_check_ins_referrals_in_many_states_and_exact_credit(app, db):
    """Weeks of check-ins, referrals won/lost/declined/met, phases, credit lines adding up."""
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) > 200
        days = db.session.scalar(select(func.count(func.distinct(func.date(CheckIn.created_at)))))
        assert days >= 20
        states = set(db.session.scalars(select(Referral.state).distinct()))
        assert {"won", "lost", "declined", "met"} <= {str(s) for s in states}
        assert db.session.scalar(select(func.count(SplitPhase.id))) == 6
        # Criteria come with the branches (the region's too), before any page reads them.
        assert db.session.scalar(select(func.count(ReferralCriteria.id))) == 3
        sums = db.session.execute(
            select(Sale.amount_fen, func.sum(CreditLine.amount_fen), func.sum(CreditLine.share_bp))
            .join(CreditLine, CreditLine.sale_id == Sale.id)
            .where(Sale.source == SaleSource.REFERRAL)
            .group_by(Sale.id, Sale.amount_fen)
        ).all()
        assert len(sums) > 20 and all(a == s and bp == 10_000 for a, s, bp in sums)
        roles = set(db.session.scalars(select(CreditLine.role).distinct()))
        assert {CreditRole.REFERRER, CreditRole.SELLER, CreditRole.MANUAL} <= roles
