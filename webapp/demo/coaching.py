"""Demo step: sales (when none exist yet), targets, huddles, one-on-ones and action plans."""

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.auth.models import SALES_ROLES, Role
from webapp.coaching.models import (
    COMMITMENT_FIELDS,
    ActionPlan,
    ActionPlanNote,
    Commitment,
    HuddleKind,
    HuddleNote,
    OneOnOne,
    PlanItem,
    PlanStatus,
)
from webapp.extensions import db
from webapp.figures.models import NEW_CUSTOMERS, REFERRALS, Target
from webapp.figures.periods import month_start, previous_month
from webapp.sales.models import ProductCategory, Sale
from webapp.sales.services import record_sale
from webapp.timeutil import day_start_utc, local_today, week_start

# The products of the sales history this step makes, with amounts in yuan.
PRODUCTS = {
    ProductCategory.DEPOSIT: (("整存整取三年期", 50_000, 500_000),),
    ProductCategory.WEALTH_MANAGEMENT: (("稳盈季季享理财", 50_000, 1_000_000),),
    ProductCategory.INSURANCE: (("安享年金保险", 10_000, 100_000),),
    ProductCategory.FUND: (("沪深300指数基金定投", 10_000, 200_000),),
    ProductCategory.LOAN: (("小微经营贷", 100_000, 1_000_000),),
    ProductCategory.CORPORATE_SETTLEMENT: (("对公结算套餐", 10_000, 50_000),),
}
FOCUS = {
    Role.WEALTH_MANAGER: (
        ProductCategory.WEALTH_MANAGEMENT,
        ProductCategory.FUND,
        ProductCategory.INSURANCE,
    ),
    Role.RETAIL_AM: (
        ProductCategory.DEPOSIT,
        ProductCategory.WEALTH_MANAGEMENT,
        ProductCategory.INSURANCE,
    ),
    Role.CREDIT_AM: (ProductCategory.LOAN, ProductCategory.DEPOSIT),
    Role.CORPORATE_AM: (
        ProductCategory.CORPORATE_SETTLEMENT,
        ProductCategory.LOAN,
        ProductCategory.DEPOSIT,
    ),
}
NOTES = (
    "开场白很自然，继续用两个时间选项约见。",
    "昨天两位客户没有跟进，今天先电话约见。",
    "理财产品介绍太长，试着一句话讲清客户收益。",
    "主动问一句“您最近有没有资金安排”，机会更多。",
    "转介很及时，继续保持。",
    "外勤前先把销售包准备好。",
)
PLAN_ACTIONS = (
    "电话约见，介绍季季享理财",
    "上门送达保险方案",
    "跟进贷款资料",
    "邀请参加理财沙龙",
    "回访到期存款",
)


def load(ctx) -> None:
    """Make the rhythm's history for the demo branch and a little for the second one."""
    today = local_today()
    if db.session.scalar(select(func.count(Sale.id))) == 0:
        _sales(ctx, "home", today, per_day=0.8)
        _sales(ctx, "second", today, per_day=0.5)
        db.session.flush()
    for key in ("home", "second"):
        _targets(ctx, key, month_start(today))
        _targets(ctx, key, previous_month(month_start(today)))
    _huddles(ctx, today)
    _one_on_ones(ctx, today)
    _action_plans(ctx, today)


def _sales(ctx, key: str, today: date, per_day: float) -> None:
    """About `per_day` sales per salesperson per day over eight weeks, credited to the seller
    alone: the referred sales, with the referrer's share, come from the referral step."""
    branch = ctx.branches[key]
    sellers = ctx.staff_of(key, *SALES_ROLES)
    customers = [c for c in ctx.customers[key]]
    made = 0
    for days_ago in range(56, -1, -1):
        day = today - timedelta(days=days_ago)
        for seller in sellers:
            if ctx.rng.random() > per_day:
                continue
            category = ctx.rng.choice(FOCUS[seller.role])
            name, low, high = ctx.rng.choice(PRODUCTS[category])
            # 09:00-17:59 at the branch, stored as naive UTC.
            sold_at = day_start_utc(day) + timedelta(
                hours=9 + ctx.rng.randint(0, 8), minutes=ctx.rng.randint(0, 59)
            )
            if sold_at > ctx.now:
                sold_at = ctx.now - timedelta(minutes=ctx.rng.randint(1, 60))
            eligible = [c for c in customers if c.created_at <= sold_at]
            if not eligible:
                continue
            customer = ctx.rng.choice(eligible)
            record_sale(
                branch_id=branch.id,
                customer_id=customer.id,
                seller_id=seller.id,
                category=category,
                product_name=name,
                amount_fen=ctx.rng.randrange(low, high, 1000) * 100,
                sold_at=sold_at,
            )
            made += 1
    ctx.made["sales"] = ctx.made.get("sales", 0) + made


def _targets(ctx, key: str, month: date) -> None:
    """Branch and personal targets for a month, in line with what the team usually sells."""
    branch = ctx.branches[key]
    manager = ctx.staff_of(key, Role.BRANCH_MANAGER)[0]
    totals: dict[str, int] = {}
    for person in ctx.staff_of(key, *SALES_ROLES, Role.TELLER, Role.LOBBY_MANAGER):
        cells = {NEW_CUSTOMERS: ctx.rng.randint(4, 12), REFERRALS: ctx.rng.randint(5, 20)}
        for category in FOCUS.get(person.role, ()):
            cells[category.value] = ctx.rng.randint(150, 450) * 10_000 * 100
        for metric, value in cells.items():
            db.session.add(
                Target(
                    branch_id=branch.id,
                    staff_id=person.id,
                    month=month,
                    metric=metric,
                    value=value,
                    set_by_id=manager.id,
                )
            )
            totals[metric] = totals.get(metric, 0) + value
    for metric, value in totals.items():
        db.session.add(
            Target(
                branch_id=branch.id,
                staff_id=None,
                month=month,
                metric=metric,
                value=value,
                set_by_id=manager.id,
            )
        )


def _huddles(ctx, today: date) -> None:
    """Three weeks of commitments with morning and evening coaching notes (demo branch)."""
    branch = ctx.branches["home"]
    manager = ctx.staff["manager"]
    people = ctx.staff_of("home", *SALES_ROLES, Role.TELLER, Role.LOBBY_MANAGER)
    made = 0
    for days_ago in range(20, -1, -1):
        day = today - timedelta(days=days_ago)
        for person in people:
            if days_ago == 0 and ctx.rng.random() < 0.3:
                continue  # a few have not entered today's commitment yet
            if day.weekday() >= 5 and days_ago and ctx.rng.random() < 0.4:
                continue  # a weekend: some of the team are off
            seller = person.role in SALES_ROLES
            values = {
                "calls": ctx.rng.randint(3, 10) if seller else 0,
                "appointments": ctx.rng.randint(1, 3) if seller else 0,
                "referrals": 0 if seller else ctx.rng.randint(2, 6),
                "visits": ctx.rng.randint(0, 3)
                if person.role in (Role.CREDIT_AM, Role.CORPORATE_AM, Role.RETAIL_AM)
                else 0,
                "sales": ctx.rng.randint(1, 2) if seller else 0,
            }
            db.session.add(
                Commitment(
                    branch_id=branch.id,
                    staff_id=person.id,
                    day=day,
                    entered_by_id=person.id,
                    **values,
                )
            )
            made += 1
            for kind in (HuddleKind.MORNING, HuddleKind.EVENING):
                if (days_ago == 0 and kind == HuddleKind.EVENING) or ctx.rng.random() < 0.5:
                    continue
                db.session.add(
                    HuddleNote(
                        branch_id=branch.id,
                        staff_id=person.id,
                        day=day,
                        kind=kind,
                        note=ctx.rng.choice(NOTES),
                        author_id=manager.id,
                    )
                )
    assert set(COMMITMENT_FIELDS) == set(values)
    ctx.made["commitments"] = made


def _one_on_ones(ctx, today: date) -> None:
    """Weekly one-on-ones for the last four weeks, with plan items done or not."""
    branch = ctx.branches["home"]
    manager = ctx.staff["manager"]
    this_week = week_start(today)
    customers = ctx.customers["home"]
    for person in ctx.staff_of("home", *SALES_ROLES):
        own = [c for c in customers if c.owner_id == person.id] or customers
        for weeks_ago in range(4, -1, -1):
            week = this_week - timedelta(weeks=weeks_ago)
            if weeks_ago == 0 and ctx.rng.random() < 0.5:
                continue  # some are still due this week
            meeting = OneOnOne(
                branch_id=branch.id,
                staff_id=person.id,
                manager_id=manager.id,
                week=week,
                manager_notes=ctx.rng.choice(NOTES),
                own_notes="本周重点跟进到期客户。",
                career_notes="希望明年考取AFP证书，向高级理财经理发展。" if weeks_ago == 4 else "",
                folder_checked=ctx.rng.random() < 0.7,
            )
            db.session.add(meeting)
            db.session.flush()
            for _ in range(ctx.rng.randint(2, 4)):
                due = week + timedelta(days=7 + ctx.rng.randint(0, 4))
                db.session.add(
                    PlanItem(
                        branch_id=branch.id,
                        staff_id=person.id,
                        one_on_one_id=meeting.id,
                        week=week + timedelta(days=7),
                        customer_id=ctx.rng.choice(own).id,
                        action=ctx.rng.choice(PLAN_ACTIONS),
                        due_on=due,
                        done=due < today and ctx.rng.random() < 0.7,
                    )
                )


def _action_plans(ctx, today: date) -> None:
    """Branch action plans, open and closed (demo branch)."""
    branch = ctx.branches["home"]
    manager = ctx.staff["manager"]
    rows = (
        (
            "wealth1",
            10,
            "周末在小区开展理财沙龙",
            "邀约30位客户，成交理财500万元",
            PlanStatus.OPEN,
            "",
            "appointments_set",
            (),
        ),
        (
            "lobby1",
            5,
            "大堂高峰时段增加一名引导人员，识别转介机会",
            "每天内部转介增加5笔",
            PlanStatus.IN_PROGRESS,
            "",
            "referrals_given",
            ("高峰时段已安排引导人员，本周识别转介机会12次", "周二、周五转介最多，继续保持"),
        ),
        (
            "corporate1",
            14,
            "走访陆家嘴商圈20家小微企业，使用销售包",
            "新开对公结算账户5户",
            PlanStatus.OPEN,
            "",
            "visits_made",
            (),
        ),
        (
            "retail1",
            -20,
            "到期定期存款客户逐一电话回访",
            "到期资金留存率达到80%",
            PlanStatus.CLOSED,
            "回访42户，留存率83%，达到预期。",
            "calls_made",
            ("已回访20户，其中3户资金转他行", "回访完成42户"),
        ),
        (
            "teller1",
            -35,
            "柜面推广转介标准，每笔大额业务提示转介",
            "柜员转介每周不少于10笔",
            PlanStatus.CLOSED,
            "每周平均8笔，未完全达到，下月继续。",
            "referrals_given",
            ("大额业务提示转介已贴在柜台",),
        ),
    )
    for username, days, what, effect, status, result, metric, notes in rows:
        created = ctx.now - timedelta(days=abs(days) + 14)
        plan = ActionPlan(
            metric=metric,
            branch_id=branch.id,
            owner_id=ctx.staff[username].id,
            due_on=today + timedelta(days=days),
            what=what,
            expected_effect=effect,
            status=status,
            result=result,
            created_by_id=manager.id,
            created_at=created,
            closed_at=ctx.now - timedelta(days=abs(days)) if status == PlanStatus.CLOSED else None,
        )
        db.session.add(plan)
        for i, note in enumerate(notes):
            plan.notes.append(
                ActionPlanNote(
                    staff_id=ctx.staff[username].id,
                    note=note,
                    created_at=created + timedelta(days=4 * (i + 1), hours=2),
                )
            )
    ctx.made["action_plans"] = len(rows)
