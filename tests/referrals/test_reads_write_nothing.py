"""No writes behind reads (issue 18, item 8): a referral past its branch's limit shows as overdue
on every list that shows it, computed from its times; no page view writes a row for it, and
the branch's criteria exist from the branch's creation. The worker's pass tells the manager."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import section_text
from tests.factories import make_branch
from tests.querycount import count_statements
from tests.referrals.conftest import refer
from webapp.lobby.models import Need
from webapp.lobby.services import check_in_visitor
from webapp.push.models import Kind, Notification
from webapp.referrals.models import Referral, ReferralCriteria, ReferralEvent

HX = {"HX-Request": "true"}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def _late_referral(app, db, team) -> int:
    """A lobby check-in referred 30 minutes ago to a wealth manager who has not accepted."""
    with app.test_request_context():
        visit = check_in_visitor(
            staff=team.get("lobby"), first_need=Need.WEALTH, customer_id=team.customer
        )
        referral = refer(team, check_in=visit)
        referral.created_at -= timedelta(minutes=30)
        db.session.commit()
        return referral.id


def _writes(db, app, get) -> list[str]:
    """The INSERT, UPDATE and DELETE statements run while `get()` runs."""
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as statements:
        response = get()
    assert response.status_code == 200
    return [s for s in statements if WRITE.match(s)]


def test_lobby_board_and_managers_pages_show_overdue_and_write_nothing(
    app, db, client, login_as, team
):
    """The lobby board, its polled rows, the manager's referral list and the referrals panel
    of Today show the late referral as overdue (超时未接收) and run no INSERT or UPDATE."""
    referral_id = _late_referral(app, db, team)
    with app.app_context():
        staff = (team.get("lobby"), team.get("manager"))
    login_as(staff[0])
    board = []
    assert _writes(db, app, lambda: board.append(client.get("/lobby/")) or board[-1]) == []
    rows = []
    assert (
        _writes(db, app, lambda: rows.append(client.get("/lobby/rows", headers=HX)) or rows[-1])
        == []
    )
    assert "超时未接收" in rows[-1].get_data(as_text=True)
    login_as(staff[1])
    pages = {}
    for url, headers in (
        ("/referrals/", {}),
        ("/referrals/?which=overdue", {}),
        ("/today", {}),
        (f"/referrals/{referral_id}", {}),
    ):
        got = _writes(
            db, app, lambda u=url, h=headers: pages.setdefault(u, client.get(u, headers=h))
        )
        assert got == [], url
    assert "超时未接收" in pages["/referrals/?which=overdue"].get_data(as_text=True)
    assert "超时未接收" in section_text(pages["/today"], "referral-inbox")
    assert "已超时：10分钟内未接收" in pages[f"/referrals/{referral_id}"].get_data(as_text=True)
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        assert referral.overdue_flagged_at is None
        assert db.session.scalar(select(func.count(ReferralEvent.id))) == 1  # "created" only
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.kind == Kind.REFERRAL_OVERDUE)) == 0  # fmt: skip


def test_a_branch_has_its_criteria_from_its_creation(app, db):
    """A branch made by the factory (as the demo makes its branches) has its criteria before
    anyone reads them."""
    branch = make_branch("新开支行")
    with app.app_context():
        criteria = db.session.scalar(
            select(ReferralCriteria).where(ReferralCriteria.branch_id == branch.id)
        )
        assert criteria is not None and criteria.accept_minutes == 10


def test_a_branch_without_criteria_reads_the_defaults_and_writes_nothing(app, db):
    """A branch made outside the app (no criteria row): reading its criteria gives the seed's
    defaults and adds no row."""
    from webapp.auth.models import Branch
    from webapp.referrals.criteria import criteria_for

    with app.app_context():
        bare = Branch(code="BARE", name="无标准支行")
        db.session.add(bare)
        db.session.commit()
        assert criteria_for(bare.id).accept_minutes == 10
        db.session.commit()
        count = select(func.count(ReferralCriteria.id)).where(ReferralCriteria.branch_id == bare.id)
        assert db.session.scalar(count) == 0


def test_the_workers_pass_tells_the_manager_once(app, db, team):
    """The push worker's pass (the referrals domain's task) notifies the manager of the late
    referral, once, and records when."""
    from webapp.push.scheduler import run_scheduled
    from webapp.timeutil import now_naive

    referral_id = _late_referral(app, db, team)
    with app.app_context():
        assert run_scheduled(now_naive())["overdue_referrals"] == 1
        assert run_scheduled(now_naive())["overdue_referrals"] == 0
        overdue = db.session.scalars(
            select(Notification).where(Notification.kind == Kind.REFERRAL_OVERDUE)
        ).all()
        assert [n.staff_id for n in overdue] == [team.manager]
        assert db.session.get(Referral, referral_id).overdue_flagged_at is not None
