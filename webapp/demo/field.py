"""Demo step: weeks of market running by the account managers of the demo branch."""

from datetime import timedelta

from webapp.customers.models import CustomerKind
from webapp.demo import names
from webapp.demo.customers import company_name, person_name
from webapp.extensions import db
from webapp.field.models import AreaKind, Outcome, PositionStatus, Stop, Sweep, Visit
from webapp.timeutil import day_start_utc, local_date

AREAS = (
    ("陆家嘴环路沿街商铺", AreaKind.STREET, (31.2397, 121.4998)),
    ("东昌路菜市场", AreaKind.MARKET, (31.2339, 121.5080)),
    ("张江高科技园区", AreaKind.INDUSTRIAL_PARK, (31.2050, 121.5900)),
    ("世纪公园社区", AreaKind.COMMUNITY, (31.2156, 121.5471)),
    ("浦东南路小商品街", AreaKind.STREET, (31.2270, 121.5140)),
)
OUTCOME_WEIGHTS = {
    Outcome.NOT_INTERESTED: 5,
    Outcome.INFO_COLLECTED: 4,
    Outcome.SME_SHEET: 2,
    Outcome.APPOINTMENT: 2,
    Outcome.LEAD: 1,
}
SHOWN = (
    "小微企业经营贷",
    "收单POS与聚合支付",
    "对公结算账户",
    "代发工资",
    "大额存单",
    "个人养老金",
)


def load(ctx) -> None:
    """Two sweeps a week for six weeks per field salesperson, and one planned for today."""
    smes = [c for c in ctx.customers["home"] if c.kind == CustomerKind.SME]
    today = local_date(ctx.now)
    sweeps = visits = 0
    for username in ("retail1", "credit1", "corporate1"):
        staff = ctx.staff[username]
        for week in range(6, -1, -1):
            for weekday in (1, 3):
                day = today - timedelta(days=week * 7 + weekday)
                if week == 0 and weekday == 1:
                    day = today  # today's sweep, partly done
                area, kind, (lat, lng) = ctx.rng.choice(AREAS)
                sweep = Sweep(
                    branch_id=staff.branch_id, staff_id=staff.id, area=area, area_kind=kind, day=day
                )
                for position in range(ctx.rng.randint(5, 8)):
                    if smes and ctx.rng.random() < 0.3:
                        customer = ctx.rng.choice(smes)
                        stop = Stop(position=position, customer_id=customer.id, name=customer.name)
                    else:
                        name = (
                            company_name(ctx.rng)
                            if ctx.rng.random() < 0.7
                            else person_name(ctx.rng) + "家"
                        )
                        stop = Stop(
                            position=position,
                            name=name,
                            address=f"{area}{ctx.rng.randint(1, 300)}号",
                        )
                    sweep.stops.append(stop)
                db.session.add(sweep)
                db.session.flush()
                sweeps += 1
                done = len(sweep.stops) if day < today else 2
                # 09:30 at the branch, stored as naive UTC.
                start = day_start_utc(day) + timedelta(hours=9, minutes=30)
                for i, stop in enumerate(sweep.stops[:done]):
                    if ctx.rng.random() < 0.1 and day < today:
                        continue  # closed, nobody there
                    located = ctx.rng.random() > 0.12
                    industry, _ = ctx.rng.choice(names.INDUSTRIES)
                    db.session.add(
                        Visit(
                            branch_id=staff.branch_id,
                            staff_id=staff.id,
                            sweep_id=sweep.id,
                            stop_id=stop.id,
                            business_name=stop.name,
                            place=stop.address,
                            industry=industry,
                            contact_name=person_name(ctx.rng) if ctx.rng.random() < 0.5 else "",
                            latitude=lat + ctx.rng.uniform(-0.004, 0.004) if located else None,
                            longitude=lng + ctx.rng.uniform(-0.004, 0.004) if located else None,
                            accuracy_m=ctx.rng.choice((8, 12, 20, 35, 65)) if located else None,
                            position_status=PositionStatus.OK
                            if located
                            else ctx.rng.choice(
                                (PositionStatus.REFUSED, PositionStatus.UNAVAILABLE)
                            ),
                            checked_in_at=min(
                                start + timedelta(minutes=25 * i + ctx.rng.randint(0, 15)), ctx.now
                            ),
                            shown="、".join(ctx.rng.sample(SHOWN, ctx.rng.randint(0, 2))),
                            outcome=ctx.rng.choices(
                                list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
                            )[0],
                            notes=ctx.rng.choice(
                                (
                                    "",
                                    "老板不在，明天再来",
                                    "对收款码费率感兴趣",
                                    "刚开业，需要对公账户",
                                    "已有他行贷款",
                                )
                            ),
                        )
                    )
                    visits += 1
    ctx.made.update(sweeps=sweeps, visits=visits)
