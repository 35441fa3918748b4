"""Demo step: the lobby as a service station. The branches' scripts (话术) per need, written
from the seed (greet with a short professional line; when referring, introduce the
professional, not the product), and today's appointment handshake on the board: a customer
with an appointment checked in and waiting, another met by the owner this morning."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func

from webapp import timeutil
from webapp.appointments.models import Appointment, AppointmentChange, Reason, State
from webapp.appointments.services import schedule_appointment
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.lobby.models import CheckIn, Need, Script, VisitState

# Greeting, then referral line, per need: short, and about the person, not the product.
SCRIPTS = {
    Need.DEPOSIT: (
        "您好，欢迎光临！请问今天办理存取款吗？我先帮您取个号，大额的话我们有专门的柜台。",
        "您这笔资金数额不小，我们行的理财经理专门做家庭资产配置，从业多年，很多客户都找她"
        "打理。她就在旁边贵宾室，我带您过去聊十分钟，不耽误您办业务。",
    ),
    Need.TRANSFER: (
        "您好！转账汇款这边请，我先看看您的单据填好了没有，能帮您节省排队时间。",
        "经常给家人或生意伙伴转款的话，我们的客户经理可以帮您把日常结算安排得更省心，"
        "她对这块很熟，我请她过来跟您简单说两句。",
    ),
    Need.ACCOUNT_OPENING: (
        "您好，欢迎来我们支行开户！请带好身份证，我帮您看看需要准备的材料。",
        "开好户以后，我们的客户经理会作为您的专属联系人，以后有任何问题找她就行。"
        "我给您介绍一下，认识一下以后办事方便。",
    ),
    Need.CARD: (
        "您好！办卡还是补卡？我先帮您确认一下需要的证件，节省您的时间。",
        "我们的客户经理很了解各类卡的用途，能按您平时的用法帮您挑合适的，我请她来给您讲清楚。",
    ),
    Need.E_BANKING: (
        "您好！手机银行的问题我来帮您，很快就好，您先坐。",
        "手机银行弄好了。您平时闲钱多的话，我们的理财经理可以帮您看看怎么安排更合适，"
        "她今天在行里，要不要认识一下？",
    ),
    Need.WEALTH: (
        "您好，欢迎！想了解理财是吗？我们有专业的理财经理，我先帮您登记一下。",
        "这是我们的理财经理，她取得了专业资格，专门帮客户做资产规划，很多老客户都是"
        "她一直在服务。您有什么想法可以直接跟她聊。",
    ),
    Need.LOAN: (
        "您好！贷款业务请到这边，我先了解一下您大概的需求，好请对的人来接待您。",
        "我们的信贷客户经理专门做个人和小微企业贷款，流程她最熟悉，我请她跟您当面聊，能少跑几趟。",
    ),
    Need.FEATURED: (
        "您好！您是看到我们门口的活动来的吧？我先帮您登记，马上给您详细介绍。",
        "这个活动由我们的理财经理负责，她能按您的情况讲清楚适不适合您，我带您过去。",
    ),
    Need.ENQUIRY: (
        "您好，请问有什么可以帮您？您先说说情况，我帮您找最合适的人。",
        "这个问题我们的客户经理更专业，我请她过来给您一个准确的答复。",
    ),
    Need.OTHER: (
        "您好，欢迎光临！请问今天需要办理什么业务？",
        "",
    ),
}


def load(ctx) -> None:
    """Scripts for both demo branches; today's handshake at the home branch."""
    manager = ctx.staff_of("home", Role.BRANCH_MANAGER)[0]
    for key in ("home", "second"):
        for need, (greeting, referral) in SCRIPTS.items():
            db.session.add(
                Script(
                    branch_id=ctx.branches[key].id, need=need, greeting=greeting,
                    referral=referral, updated_by_id=manager.id,
                )
            )  # fmt: skip
    ctx.made["scripts"] = 2 * len(SCRIPTS)
    _handshake(ctx)
    _just_ended(ctx)


def _just_ended(ctx) -> None:
    """A walk-in the first wealth manager ended on her phone eight minutes ago, not yet rated:
    her Today asks 您对本次服务满意吗 (when forty minutes ago was still today)."""
    branch = ctx.branches["home"]
    lobby = ctx.staff_of("home", Role.LOBBY_MANAGER)[0]
    server = ctx.staff_of("home", Role.WEALTH_MANAGER)[0]
    arrived = ctx.now - timedelta(minutes=40)
    today = timeutil.local_date(ctx.now)
    if timeutil.local_date(arrived) != today:
        return
    ticket = (
        db.session.query(func.max(CheckIn.ticket))
        .filter(CheckIn.branch_id == branch.id, CheckIn.created_at >= timeutil.day_start_utc(today))
        .scalar()
        or 0
    )
    customer = random.Random(f"just-ended:{ctx.now.date()}").choice(ctx.customers["home"])
    db.session.add(
        CheckIn(
            branch_id=branch.id, ticket=ticket + 1, customer_id=customer.id,
            first_need=Need.WEALTH, checked_in_by_id=lobby.id, created_at=arrived,
            served_by_id=server.id, served_at=arrived + timedelta(minutes=6),
            state=VisitState.DONE, done_at=ctx.now - timedelta(minutes=8),
        )
    )  # fmt: skip
    ctx.made["check_ins"] = ctx.made.get("check_ins", 0) + 1


def _handshake(ctx) -> None:
    """One customer met by the owner this morning (已见面), one checked in and waiting for an
    appointment later today (有约见 on the board), so the lobby shows both ends of it."""
    rng = random.Random(f"handshake:{ctx.now.date()}")
    branch = ctx.branches["home"]
    lobby = ctx.staff_of("home", Role.LOBBY_MANAGER)[0]
    owners = ctx.staff_of("home", Role.WEALTH_MANAGER)
    customers = rng.sample(ctx.customers["home"], 2)
    today = timeutil.local_date(ctx.now)
    local_now = timeutil.utc_to_local(ctx.now)
    morning = timeutil.local_to_utc(datetime.combine(today, time(9, 30)))
    soon = max(ctx.now, morning + timedelta(hours=1)) + timedelta(minutes=20)
    ticket = (
        db.session.query(func.max(CheckIn.ticket))
        .filter(CheckIn.branch_id == branch.id, CheckIn.created_at >= timeutil.day_start_utc(today))
        .scalar()
        or 0
    )
    plans = [(customers[1], owners[-1], soon, soon - timedelta(minutes=12), False)]
    if local_now.hour >= 10:  # a held one only once the morning has begun
        plans.insert(0, (customers[0], owners[0], morning, morning - timedelta(minutes=8), True))
    for customer, owner, starts, arrived, held in plans:
        appointment = Appointment(
            branch_id=branch.id, created_by_id=lobby.id, staff_id=owner.id,
            customer_id=customer.id, reason=Reason.INTERNAL_REFERRAL,
            greeting=f"您好，我是{branch.name}的{lobby.title}{lobby.name}。",
            value_statement="二十分钟帮您梳理一下存款和理财的安排。", urgency="",
            option_1=starts, option_2=starts + timedelta(days=1), chosen_option=1,
            starts_at=starts, reconfirmed=True, place="贵宾室",
            state=State.HELD if held else State.CONFIRMED,
            created_at=starts - timedelta(days=2),
        )  # fmt: skip
        db.session.add(appointment)
        db.session.flush()
        ticket += 1
        visit = CheckIn(
            branch_id=branch.id, ticket=ticket, customer_id=customer.id, first_need=Need.WEALTH,
            checked_in_by_id=lobby.id, created_at=min(arrived, ctx.now - timedelta(minutes=3)),
            state=VisitState.SERVING if held else VisitState.WAITING,
            appointment_id=appointment.id, appointment_at=starts, appointment_staff_id=owner.id,
        )  # fmt: skip
        if held:
            visit.served_by_id, visit.served_at = owner.id, arrived + timedelta(minutes=6)
            visit.state, visit.done_at = VisitState.DONE, arrived + timedelta(minutes=48)
            db.session.add(
                AppointmentChange(
                    appointment_id=appointment.id, staff_id=owner.id,
                    changed_at=visit.served_at, from_state=State.CONFIRMED,
                    to_state=State.HELD, from_starts_at=starts, to_starts_at=starts,
                )
            )  # fmt: skip
        db.session.add(visit)
        schedule_appointment(appointment)
        ctx.made["check_ins"] = ctx.made.get("check_ins", 0) + 1
