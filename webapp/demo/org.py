"""Demo step: the region, its two branches and their staff."""

from datetime import timedelta

from webapp import timeutil
from webapp.auth.models import Branch, Role, Staff, UnitKind
from webapp.extensions import db
from webapp.referrals.criteria import create_criteria

HOME_STAFF = (
    # username, name, role, title
    ("manager", "周建华", Role.BRANCH_MANAGER, "支行长"),
    ("wealth1", "林晓燕", Role.WEALTH_MANAGER, "理财经理"),
    ("wealth2", "陈思远", Role.WEALTH_MANAGER, "理财经理"),
    ("retail1", "王磊", Role.RETAIL_AM, "零售客户经理"),
    ("credit1", "刘海燕", Role.CREDIT_AM, "信贷客户经理"),
    ("corporate1", "赵志强", Role.CORPORATE_AM, "对公客户经理"),
    ("lobby1", "孙婷婷", Role.LOBBY_MANAGER, "大堂经理"),
    ("teller1", "吴佳琪", Role.TELLER, "综合柜员"),
    ("teller2", "郑浩然", Role.TELLER, "综合柜员"),
)
SECOND_STAFF = (
    ("zj_manager", "黄立新", Role.BRANCH_MANAGER, "支行长"),
    ("zj_wealth1", "许雨桐", Role.WEALTH_MANAGER, "理财经理"),
    ("zj_retail1", "何俊杰", Role.RETAIL_AM, "零售客户经理"),
    ("zj_lobby1", "梁春梅", Role.LOBBY_MANAGER, "大堂经理"),
)
REGION_STAFF = (("admin", "管理员", Role.ADMIN, "管辖行管理员"),)


def load(ctx) -> None:
    """Create the region, the demo branch (陆家嘴支行) and a second branch (张江支行)."""
    from webapp.demo import DEMO_PASSWORD

    region = Branch(code="SH-PD", name="浦东管辖行", kind=UnitKind.REGION)
    home = Branch(code="SH-PD-LJZ", name="陆家嘴支行", parent=region)
    second = Branch(code="SH-PD-ZJ", name="张江支行", parent=region)
    db.session.add_all([region, home, second])
    db.session.flush()
    ctx.branches.update(region=region, home=home, second=second)
    # Each branch comes with its referral criteria and a split policy begun four months ago
    # (the region sells nothing: criteria only).
    policy_start = timeutil.local_date(ctx.now) - timedelta(days=120)
    create_criteria(region.id, None)
    for branch in (home, second):
        create_criteria(branch.id, policy_start)

    probe = Staff()
    probe.set_password(DEMO_PASSWORD)  # one hash shared by all demo accounts: scrypt is slow
    for rows, branch in ((HOME_STAFF, home), (SECOND_STAFF, second), (REGION_STAFF, region)):
        for i, (username, name, role, title) in enumerate(rows):
            member = Staff(
                username=username,
                name=name,
                role=role,
                title=title,
                branch_id=branch.id,
                password_hash=probe.password_hash,
                mobile=f"139{branch.id:02d}{i:02d}{5600 + i:04d}",
            )
            db.session.add(member)
            ctx.staff[username] = member
    db.session.flush()
    ctx.made.update(branches=3, staff=len(ctx.staff))
    _sign_in_failures(ctx)


def _sign_in_failures(ctx) -> None:
    """What the administrator's failure list shows: a teller who mistyped twice this morning,
    a lobby manager's wrong second-factor code, and someone trying a name nobody has."""
    from webapp.auth.models import SignInFailure

    tries = [
        ("teller1", ctx.staff["teller1"].id, "10.12.3.41", False, timedelta(hours=3, minutes=2)),
        ("teller1", ctx.staff["teller1"].id, "10.12.3.41", False, timedelta(hours=3)),
        ("lobby1", ctx.staff["lobby1"].id, "10.12.3.40", True, timedelta(days=1, hours=2)),
        ("zhangwei", None, "10.12.7.18", False, timedelta(days=2, hours=5)),
        ("zhangwei", None, "10.12.7.18", False, timedelta(days=2, hours=5, minutes=-1)),
    ]
    db.session.add_all(
        SignInFailure(username=name, staff_id=staff_id, address=address, second_factor=code,
                      at=ctx.now - ago)
        for name, staff_id, address, code, ago in tries
    )  # fmt: skip
