"""Demo step: prospect lists in every stage, some overdue, some won (recorded as sales)."""

from datetime import timedelta

from webapp.auth.models import SALES_ROLES
from webapp.demo.kits import fits
from webapp.extensions import db
from webapp.prospects import services
from webapp.prospects.models import OPEN_STAGES, Prospect, Stage, StageChange
from webapp.sales.models import ProductCategory

WHY = [
    "年底有一笔存款到期",
    "孩子出国需要换汇和理财",
    "企业新开户，代发待落地",
    "他行理财到期，有意转入",
    "大堂转介，资金 50 万以上",
    "老客户介绍的朋友",
    "刚卖房，有闲置资金",
]
LOST = ["收益率不及他行", "客户资金另有安排", "决策人不同意", "已在他行办理"]
# Plausible amounts in yuan by category; accounts and cards are one each, with no amount.
AMOUNTS = {
    ProductCategory.DEPOSIT: [50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000],
    ProductCategory.WEALTH_MANAGEMENT: [50_000, 100_000, 200_000, 300_000, 500_000],
    ProductCategory.INSURANCE: [10_000, 20_000, 50_000, 100_000],
    ProductCategory.FUND: [10_000, 20_000, 50_000, 100_000],
    ProductCategory.LOAN: [100_000, 200_000, 300_000, 500_000, 1_000_000],
}


def load(ctx) -> None:
    """About fifteen prospects per salesperson of the demo branch, a few in the second branch."""
    today = ctx.now.date()
    products = list(getattr(ctx, "products", {}).values())
    made = 0
    for key, per_person in (("home", 15), ("second", 6)):
        for owner in ctx.staff_of(key, *SALES_ROLES):
            own = [c for c in ctx.customers[key] if c.owner_id == owner.id] or ctx.customers[key]
            for i in range(per_person):
                customer = ctx.rng.choice(own)
                suitable = [p for p in products if fits(p.name, customer.kind)]
                product = ctx.rng.choice(suitable) if suitable else None
                created = ctx.now - timedelta(
                    days=ctx.rng.randint(3, 42), hours=ctx.rng.randint(0, 8)
                )
                target = _target_stage(ctx.rng, i)
                prospect = Prospect(
                    branch_id=customer.branch_id,
                    customer=customer,
                    owner_id=owner.id,
                    category=product.category if product else ProductCategory.DEPOSIT,
                    product_name=product.name if product else "",
                    expected_amount_fen=_amount(ctx.rng, product) * 100,
                    potential=ctx.rng.choice(WHY),
                    created_at=created,
                    updated_at=created,
                    stage=Stage.NEW,
                )
                # A third of the open ones are overdue; the rest due in the next ten days.
                offset = (
                    ctx.rng.randint(-6, -1) if ctx.rng.random() < 0.33 else ctx.rng.randint(0, 10)
                )
                prospect.next_follow_up = today + timedelta(days=offset)
                db.session.add(prospect)
                prospect.history.append(
                    StageChange(
                        staff_id=owner.id, from_stage=None, to_stage=Stage.NEW, changed_at=created
                    )
                )
                db.session.flush()
                services.sync_follow_up(prospect)
                at = created
                path = (
                    list(OPEN_STAGES[1 : OPEN_STAGES.index(target) + 1])
                    if target in OPEN_STAGES
                    else list(OPEN_STAGES[1:])
                )
                for stage in path[
                    : ctx.rng.randint(len(path) - 1, len(path))
                    if target not in OPEN_STAGES
                    else len(path)
                ]:
                    at = min(
                        at + timedelta(days=ctx.rng.randint(1, 5)), ctx.now - timedelta(hours=1)
                    )
                    services.move_stage(prospect, stage, owner, at=at)
                if target in (Stage.WON, Stage.LOST):
                    at = min(
                        at + timedelta(days=ctx.rng.randint(1, 5)), ctx.now - timedelta(hours=1)
                    )
                    reason = ctx.rng.choice(LOST) if target == Stage.LOST else ""
                    services.move_stage(prospect, target, owner, reason=reason, at=at)
                prospect.updated_at = at
                made += 1
    ctx.made["prospects"] = made


def _amount(rng, product) -> int:
    """An expected amount in yuan that suits the product; 0 for an account or a card."""
    category = product.category if product else ProductCategory.DEPOSIT
    return rng.choice(AMOUNTS[category]) if category in AMOUNTS else 0


def _target_stage(rng, i: int) -> Stage:
    """Every stage appears for each person; more open than closed."""
    stages = [*OPEN_STAGES, Stage.WON, Stage.LOST]
    if i < len(stages):
        return stages[i]
    return rng.choice([*OPEN_STAGES, *OPEN_STAGES, Stage.WON, Stage.LOST])
