"""Demo step: four weeks of planned and done activities, this week planned ahead."""

from datetime import datetime, time, timedelta

from webapp.auth.models import SALES_ROLES, Role
from webapp.schedule.models import EntryKind
from webapp.schedule.services import add_entry
from webapp.timeutil import local_to_utc, utc_to_local, week_start

PLANS = {
    EntryKind.FIELD_VISIT: ["拜访{c}", "上门收集{c}资料", "跑市场：张杨路商圈"],
    EntryKind.APPOINTMENT: ["约见{c}谈理财规划", "约见{c}：代发工资方案"],
    EntryKind.MEETING: ["周例会", "产品培训：养老金融"],
    EntryKind.LOBBY_DUTY: ["大堂值班"],
    EntryKind.OTHER: ["整理客户信息表"],
}


def load(ctx) -> None:
    """Each person plans 2-4 activities a weekday, 1-2 on a weekend they work: four weeks."""
    today = utc_to_local(ctx.now).date()
    first_monday = week_start(today) - timedelta(weeks=3)
    made = 0
    for key in ("home", "second"):
        people = ctx.staff_of(key, *SALES_ROLES, Role.LOBBY_MANAGER, Role.BRANCH_MANAGER)
        customers = ctx.customers[key]
        for person in people:
            done_rate = ctx.rng.uniform(0.55, 0.95)
            for day_no in range(4 * 7):
                day = first_monday + timedelta(days=day_no)
                weekend = day.weekday() >= 5  # open every day; fewer plans at weekends
                if weekend and day != today and ctx.rng.random() < 0.5:
                    continue
                slots = ctx.rng.randint(1, 2) if weekend else ctx.rng.randint(2, 4)
                for slot in sorted(ctx.rng.sample([9, 10, 11, 14, 15, 16], slots)):
                    kind = _kind(ctx.rng, person.role, slot)
                    customer = (
                        ctx.rng.choice(customers)
                        if kind in (EntryKind.FIELD_VISIT, EntryKind.APPOINTMENT)
                        else None
                    )
                    title = ctx.rng.choice(PLANS[kind]).format(c=customer.name if customer else "")
                    starts = local_to_utc(
                        datetime.combine(day, time(slot, ctx.rng.choice((0, 30))))
                    )
                    entry = add_entry(
                        staff_id=person.id,
                        branch_id=person.branch_id,
                        kind=kind,
                        title=title,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=60),
                        customer_id=customer.id if customer else None,
                    )
                    entry.created_at = starts - timedelta(days=ctx.rng.randint(1, 6))
                    if starts < ctx.now and ctx.rng.random() < done_rate:
                        entry.done_at = starts + timedelta(minutes=50)
                    made += 1
    ctx.made["schedule entries"] = made


def _kind(rng, role: Role, slot: int) -> EntryKind:
    if role == Role.LOBBY_MANAGER:
        return EntryKind.LOBBY_DUTY if rng.random() < 0.7 else EntryKind.MEETING
    if role == Role.BRANCH_MANAGER:
        return EntryKind.MEETING if rng.random() < 0.6 else EntryKind.FIELD_VISIT
    return rng.choices(
        [
            EntryKind.FIELD_VISIT,
            EntryKind.APPOINTMENT,
            EntryKind.MEETING,
            EntryKind.LOBBY_DUTY,
            EntryKind.OTHER,
        ],
        [4, 3, 1, 1, 1],
    )[0]
