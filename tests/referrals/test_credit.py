"""The phased credit split: every phase and its boundary days, manual allocation, the policy rules."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.referrals.conftest import refer
from tests.referrals.test_lifecycle import _staff
from webapp.extensions import db
from webapp.referrals import criteria as policy
from webapp.referrals import services
from webapp.referrals.models import CreditState, SplitPhase
from webapp.sales.models import CreditRole, ProductCategory, Sale

START = date(2026, 1, 1)  # phase 1: Jan-Mar 80%, phase 2: Apr-Jun 60%, phase 3: from 1 July 50%


def _won(team, referred_on: date, amount_fen=100_000_01, **kwargs):
    """A referral made on a given day, accepted and won by the wealth manager."""
    policy.ensure_policy(team.get("manager").branch_id, START)
    referral = refer(team, **kwargs)
    referral.referred_on = referred_on
    services.accept(referral, team.get("wealth"))
    services.win(referral, team.get("wealth"), category=ProductCategory.WEALTH_MANAGEMENT,
                 product="稳健理财90天", amount_fen=amount_fen)  # fmt: skip
    db.session.commit()  # the test's own unit of work, as a request's would be
    return referral


@pytest.mark.parametrize(
    ("day", "referrer_bp"),
    [
        (date(2026, 1, 1), 8000),  # first day of phase 1
        (date(2026, 3, 31), 8000),  # last day of phase 1
        (date(2026, 4, 1), 6000),  # first day of phase 2
        (date(2026, 6, 30), 6000),  # last day of phase 2
        (date(2026, 7, 1), 5000),  # first day of phase 3 (open-ended)
        (date(2027, 12, 31), 5000),
    ],
)
def test_split_in_every_phase_including_boundary_days(app, db, team, day, referrer_bp):
    """The phase in force on the referral's day applies; lines add up to the sale in fen."""
    with app.test_request_context():
        referral = _won(team, day)
        sale = db.session.get(Sale, referral.sale_id)
        lines = [(line.staff_id, line.role, line.share_bp) for line in sale.credit_lines]
        assert lines == [
            (team.lobby, CreditRole.REFERRER, referrer_bp),
            (team.wealth, CreditRole.SELLER, 10_000 - referrer_bp),
        ]
        assert sum(line.amount_fen for line in sale.credit_lines) == sale.amount_fen == 100_000_01
        assert referral.credit_state is CreditState.SETTLED and referral.phase.covers(day)


def test_policy_gap_waits_for_the_manager_who_allocates_with_a_reason(
    app, db, client, login_as, team
):
    """Before the programme started no phase applies: no sale until the manager allocates."""
    with app.test_request_context():
        referral = _won(team, START - timedelta(days=1), amount_fen=30_000_00)
        assert referral.credit_state is CreditState.PENDING and referral.sale_id is None
        referral_id = referral.id
    login_as(_staff(app, team.manager))
    page = text_of(client.get(f"/referrals/{referral_id}"))
    assert "没有适用的分润阶段" in page
    bad = client.post_form(
        f"/referrals/{referral_id}/allocate",
        {f"share_{team.lobby}": "70", f"share_{team.wealth}": "20", "reason": "按贡献"},
        page=f"/referrals/{referral_id}",
    )
    assert "合计必须正好" in text_of(bad)
    no_reason = client.post_form(
        f"/referrals/{referral_id}/allocate",
        {f"share_{team.lobby}": "70", f"share_{team.wealth}": "30"},
        page=f"/referrals/{referral_id}",
    )
    assert "请说明分配理由" in text_of(no_reason)
    letters = client.post_form(
        f"/referrals/{referral_id}/allocate",
        {f"share_{team.lobby}": "七十", f"share_{team.wealth}": "30", "reason": "x"},
        page=f"/referrals/{referral_id}",
    )
    assert "请按数字填写" in text_of(letters)
    done = client.post_form(
        f"/referrals/{referral_id}/allocate",
        {
            f"share_{team.lobby}": "66.67",
            f"share_{team.wealth}": "33.33",
            "reason": "大堂经理全程陪同",
        },
        page=f"/referrals/{referral_id}",
        follow_redirects=True,
    )
    assert "大堂经理全程陪同" in text_of(done)
    with app.app_context():
        sale = db.session.scalar(select(Sale))
        assert [(ln.role, ln.share_bp, ln.amount_fen, ln.reason) for ln in sale.credit_lines] == [
            (CreditRole.MANUAL, 6667, 20_001_00, "大堂经理全程陪同"),
            (CreditRole.MANUAL, 3333, 9_999_00, "大堂经理全程陪同"),
        ]


def test_two_referrers_fix_the_seller_and_leave_the_referrer_share_open(app, db, team):
    """Phase 1: the seller keeps 20%; the manager splits the open 80% between the two referrers."""
    with app.test_request_context():
        referral = _won(
            team, date(2026, 2, 1), amount_fen=10_000_00, second_referrer=team.get("teller")
        )
        assert referral.credit_state is CreditState.PENDING
        with pytest.raises(services.ReferralError):
            services.allocate(
                referral, team.get("manager"), {team.lobby: 5000, team.teller: 5000}, "各半"
            )
        with pytest.raises(services.ReferralError):
            services.allocate(
                referral, team.get("manager"), {team.lobby: 12000, team.teller: -4000}, "越界"
            )
        services.allocate(
            referral, team.get("manager"), {team.lobby: 5000, team.teller: 3000}, "柜员先发现"
        )
        sale = db.session.get(Sale, referral.sale_id)
        assert [(ln.staff_id, ln.role, ln.share_bp, ln.amount_fen) for ln in sale.credit_lines] == [
            (team.wealth, CreditRole.SELLER, 2000, 2_000_00),
            (team.lobby, CreditRole.MANUAL, 5000, 5_000_00),
            (team.teller, CreditRole.MANUAL, 3000, 3_000_00),
        ]


def test_disputed_referral_waits_for_the_manager(app, db, team):
    """A disputed referral is not split by the rule."""
    with app.test_request_context():
        policy.ensure_policy(team.get("manager").branch_id, START)
        referral = refer(team)
        services.dispute(referral, team.get("manager"), "两位员工都说是自己推荐的")
        services.accept(referral, team.get("wealth"))
        services.win(
            referral,
            team.get("wealth"),
            category=ProductCategory.FUND,
            product="基金定投",
            amount_fen=5_000_00,
        )
        assert referral.credit_state is CreditState.PENDING and referral.sale_id is None


def test_phases_refuse_overlaps_gaps_and_shares_outside_0_to_100(app, db, team):
    """Clear errors for each; a valid phase closes the open one the day before."""
    with app.test_request_context():
        manager = team.get("manager")
        policy.ensure_policy(manager.branch_id, START)

        def add(**kw):
            return policy.add_phase(
                branch_id=manager.branch_id, staff=manager, name="第四阶段", ends_on=None, **kw
            )

        with pytest.raises(policy.PolicyError, match="重叠"):
            add(starts_on=date(2026, 7, 1), referrer_bp=4000)
        with pytest.raises(policy.PolicyError, match="0至100%"):
            add(starts_on=date(2027, 1, 1), referrer_bp=10_001)
        with pytest.raises(policy.PolicyError, match="0至100%"):
            add(starts_on=date(2027, 1, 1), referrer_bp=-1)
        phase = add(starts_on=date(2027, 1, 1), referrer_bp=4000)
        phases = policy.phases(manager.branch_id)
        assert phases[-2].ends_on == date(2026, 12, 31) and phases[-1].id == phase.id
        phase.ends_on = date(2027, 6, 30)
        db.session.commit()
        with pytest.raises(policy.PolicyError, match="空档"):
            add(starts_on=date(2027, 8, 1), referrer_bp=4000)


def test_applied_phases_cannot_change_retroactively(app, db, team):
    """A phase with a settled referral cannot be removed, nor closed before that referral."""
    with app.test_request_context():
        _won(team, date(2026, 9, 1))  # settled under phase 3
        manager = team.get("manager")
        third = policy.phases(manager.branch_id)[-1]
        with pytest.raises(policy.PolicyError, match="已用于"):
            policy.delete_phase(third)
        with pytest.raises(policy.PolicyError, match="已用于"):
            policy.add_phase(
                branch_id=manager.branch_id,
                staff=manager,
                name="新阶段",
                starts_on=date(2026, 8, 1),
                ends_on=None,
                referrer_bp=4000,
            )
        policy.add_phase(
            branch_id=manager.branch_id,
            staff=manager,
            name="新阶段",
            starts_on=date(2026, 9, 2),
            ends_on=None,
            referrer_bp=4000,
        )
        newest = policy.phases(manager.branch_id)[-1]
        policy.delete_phase(newest)  # never applied: removable, and phase 3 reopens
        assert policy.phases(manager.branch_id)[-1].ends_on is None


def test_policy_page_is_the_managers_and_shows_errors_beside_fields(
    app, db, client, login_as, team
):
    """Others get 403; a share of 120% is refused beside the field; a good phase is listed."""
    login_as(_staff(app, team.wealth))
    assert client.get("/referrals/policy").status_code == 403
    login_as(_staff(app, team.manager))
    with app.app_context():  # the programme comes with the branch (here: its default phases)
        policy.ensure_policy(team.get("manager").branch_id, START)
        db.session.commit()
    page = text_of(client.get("/referrals/policy"))
    assert "80%" in page and "60%" in page and "50%" in page
    with app.app_context():
        last_start = db.session.scalars(
            select(SplitPhase.starts_on).order_by(SplitPhase.starts_on.desc())
        ).first()
    bad = client.post_form(
        "/referrals/policy",
        {
            "name": "第四阶段",
            "starts_on": (last_start + timedelta(days=30)).isoformat(),
            "referrer_share": "120",
        },
    )
    assert "请输入0至100之间的比例" in text_of(bad)
    good = client.post_form(
        "/referrals/policy",
        {
            "name": "第四阶段",
            "starts_on": (last_start + timedelta(days=30)).isoformat(),
            "referrer_share": "45",
        },
        follow_redirects=True,
    )
    assert "第四阶段" in text_of(good) and "45%" in text_of(good)


def test_allocation_form_offers_only_the_open_share_holders(app, db, client, login_as, team):
    """Two referrers: the seller's share is fixed, so only the referrers get an input."""
    with app.test_request_context():
        referral_id = _won(team, date(2026, 2, 1), second_referrer=team.get("teller")).id
    login_as(_staff(app, team.manager))
    html = client.get(f"/referrals/{referral_id}").get_data(as_text=True)
    assert f'name="share_{team.lobby}"' in html and f'name="share_{team.teller}"' in html
    assert f'name="share_{team.wealth}"' not in html
    assert "两位同事共同推荐了该客户" in text_of(client.get(f"/referrals/{referral_id}"))


def test_removing_an_applied_phase_on_the_page_is_refused_with_a_message(
    app, db, client, login_as, team
):
    """The manager sees why: add a new phase instead; the phase stays."""
    with app.test_request_context():
        _won(team, date(2026, 9, 1))
        third_id = policy.phases(team.get("manager").branch_id)[-1].id
    login_as(_staff(app, team.manager))
    page = client.post_form(
        f"/referrals/policy/{third_id}/delete", {}, page="/referrals/policy", follow_redirects=True
    )
    assert "请新增阶段" in text_of(page) and "已使用" in text_of(page)
    with app.app_context():
        assert db.session.get(SplitPhase, third_id) is not None


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ("Infinity", "请按数字填写"),
        ("-Infinity", "请按数字填写"),
        ("NaN", "请按数字填写"),
        ("sNaN", "请按数字填写"),
        ("1e999999999", "每人比例须在0至100%之间"),
        ("-1e999999999", "每人比例须在0至100%之间"),
        ("100.01", "每人比例须在0至100%之间"),
        ("33.333", "请按数字填写"),
    ],
)
def test_allocation_shares_that_are_not_numbers_get_a_message_not_a_500(
    app, db, client, login_as, team, share, message
):
    """Infinity, NaN, sNaN and a billion-digit exponent: the form again with a message,
    what was typed kept, no sale recorded."""
    with app.test_request_context():
        referral_id = _won(team, START - timedelta(days=1), amount_fen=30_000_00).id
    login_as(_staff(app, team.manager))
    response = client.post_form(
        f"/referrals/{referral_id}/allocate",
        {f"share_{team.lobby}": share, f"share_{team.wealth}": "30", "reason": "按贡献"},
        page=f"/referrals/{referral_id}",
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert f'value="{share}"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Sale)) is None
