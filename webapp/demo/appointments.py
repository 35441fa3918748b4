"""Demo step: value statements and appointments in every state over the past weeks."""

from datetime import timedelta

from webapp.appointments.models import Appointment, Reason, State, ValueStatement
from webapp.appointments.services import schedule_appointment
from webapp.auth.models import SALES_ROLES, Role
from webapp.extensions import db

STATEMENTS = (
    (
        "理财 · 中高端客户",
        "我们为您这样的客户准备了一份资产配置方案，20分钟就能帮您把现有存款和理财的收益、风险梳理清楚。",
    ),
    (
        "贷款 · 小微企业",
        "针对您这样的经营户，我们的经营贷最快三天放款，随借随还，按日计息，正好应对进货旺季的资金需要。",
    ),
    (
        "存款 · 大额存单",
        "本月我们有一期大额存单额度，利率高于普通定期，见面时我帮您算一下到期收益。",
    ),
    (
        "对公 · 新开企业",
        "新企业开户、代发工资和收款码可以一次办好，我可以带齐材料上门，帮您省去来回跑。",
    ),
    ("保险 · 家庭保障", "很多家庭的保障有缺口自己却不知道，见面时我帮您做一次免费的家庭保障检视。"),
)
URGENCY = (
    "本月活动额度有限，先到先得。",
    "这期产品周五截止认购。",
    "旺季前把额度批下来更从容。",
    "",
)
PLACES = ("陆家嘴支行二楼贵宾室", "客户公司会议室", "陆家嘴支行理财室", "东昌路客户店铺")


def load(ctx) -> None:
    """Five statements for the demo branch; about forty appointments in every state."""
    branch = ctx.branches["home"]
    for topic, text in STATEMENTS:
        db.session.add(ValueStatement(branch_id=branch.id, topic=topic, text=text))
    callers = ctx.staff_of("home", *SALES_ROLES, Role.LOBBY_MANAGER, Role.TELLER)
    meeters = ctx.staff_of("home", *SALES_ROLES)
    customers = ctx.customers["home"]
    made = 0
    for i in range(42):
        caller = ctx.rng.choice(callers)
        meeter = (
            caller
            if caller.role in SALES_ROLES and ctx.rng.random() < 0.5
            else ctx.rng.choice(meeters)
        )
        created = ctx.now - timedelta(days=ctx.rng.randint(0, 42), hours=ctx.rng.randint(0, 8))
        first = (created + timedelta(days=ctx.rng.randint(1, 6))).replace(
            hour=ctx.rng.choice((1, 2, 3, 6, 7)),
            minute=ctx.rng.choice((0, 30)),
            second=0,
            microsecond=0,
        )
        second = first + timedelta(days=1, hours=ctx.rng.choice((-1, 0, 2)))
        chosen = ctx.rng.choice((1, 2))
        starts = first if chosen == 1 else second
        if starts > ctx.now:
            state = State.CONFIRMED if i % 7 else State.RESCHEDULED
        else:
            state = ctx.rng.choices(
                [State.HELD, State.NO_SHOW, State.RESCHEDULED, State.CANCELLED, State.CONFIRMED],
                [8, 2, 2, 1, 1],
            )[0]
        topic, text = ctx.rng.choice(STATEMENTS)
        appointment = Appointment(
            branch_id=branch.id,
            created_by_id=caller.id,
            staff_id=meeter.id,
            customer_id=ctx.rng.choice(customers).id,
            reason=ctx.rng.choice(list(Reason)),
            greeting=f"您好，我是{branch.name}的{caller.title}{caller.name}。",
            value_statement=text,
            urgency=ctx.rng.choice(URGENCY),
            option_1=first,
            option_2=second,
            chosen_option=chosen,
            starts_at=starts + (timedelta(days=3) if state == State.RESCHEDULED else timedelta()),
            reconfirmed=True,
            place=ctx.rng.choice(PLACES),
            state=state,
            state_note="客户临时出差，改到下周" if state == State.RESCHEDULED else "",
            created_at=created,
        )
        db.session.add(appointment)
        db.session.flush()
        schedule_appointment(appointment)  # in the meeter's schedule, as a real capture does
        made += 1
    ctx.made["appointments"] = made
