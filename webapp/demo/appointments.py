"""Demo step: value statements, appointments in every state and the calls behind them."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from webapp import timeutil
from webapp.appointments.models import (
    Appointment,
    AppointmentChange,
    Call,
    Outcome,
    Reason,
    State,
    ValueStatement,
    Via,
)
from webapp.appointments.services import log_fixing_call, schedule_appointment
from webapp.auth.models import SALES_ROLES, Role
from webapp.coaching.models import Commitment
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
CALL_NOTES = {
    Outcome.CALL_BACK: ("客户在开会，约好明天下午再打", "下周发工资后再联系", "要和家人商量"),
    Outcome.NO_ANSWER: ("", "", "关机"),
    Outcome.DECLINED: ("刚在他行买了理财", "近期没有资金安排", ""),
}


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
            via=Via.IN_PERSON if i % 6 == 5 else Via.CALL,
            state=state,
            state_note="客户临时出差，改到下周" if state == State.RESCHEDULED else "",
            created_at=created,
        )
        db.session.add(appointment)
        db.session.flush()
        schedule_appointment(appointment)  # in the meeter's schedule, as a real capture does
        if state != State.CONFIRMED:  # moved by its owner, as the appointment's page shows
            db.session.add(
                AppointmentChange(
                    appointment_id=appointment.id, staff_id=meeter.id,
                    changed_at=min(starts, ctx.now), from_state=State.CONFIRMED, to_state=state,
                    from_starts_at=starts, to_starts_at=appointment.starts_at,
                    note=appointment.state_note,
                )
            )  # fmt: skip
        log_fixing_call(appointment)  # and the call that fixed it, as a real capture logs
        made += 1
    ctx.made["appointments"] = made
    _calls(ctx)


def _calls(ctx) -> None:
    """The calls that fixed no meeting, on each day with a commitment: about what was committed,
    some fall short (the calls that fixed the appointments above come on top); today only up
    to now."""
    branch, rng = ctx.branches["home"], ctx.rng
    customers = ctx.customers["home"]
    today = timeutil.local_date(ctx.now)
    made = 0
    commitments = db.session.scalars(
        select(Commitment).where(Commitment.branch_id == branch.id, Commitment.calls > 0)
    ).all()
    for commitment in commitments:
        own = [c for c in customers if c.owner_id == commitment.staff_id] or customers
        calls = max(commitment.calls - rng.choice((0, 0, 0, 1, 2, 4)), 0)
        for _ in range(calls):
            at = timeutil.local_to_utc(
                datetime.combine(commitment.day, time(9, 30))
                + timedelta(minutes=rng.randint(0, 8 * 60))
            )
            if commitment.day == today and at > ctx.now:
                continue
            outcome = rng.choices(
                (Outcome.CALL_BACK, Outcome.NO_ANSWER, Outcome.DECLINED), (40, 40, 20)
            )[0]
            db.session.add(
                Call(
                    branch_id=branch.id,
                    staff_id=commitment.staff_id,
                    customer_id=rng.choice(own).id,
                    outcome=outcome,
                    note=rng.choice(CALL_NOTES[outcome]),
                    called_at=at,
                )
            )
            made += 1
    ctx.made["calls"] = made
