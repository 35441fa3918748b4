"""Demo step: four weeks of lobby check-ins, referrals in every state, split phases, credit."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from webapp import timeutil
from webapp.auth.models import Role, Staff
from webapp.customers.models import Acquisition, Customer, CustomerKind
from webapp.demo.customers import person_name, unique_mobile
from webapp.extensions import db
from webapp.lobby.models import Band, CheckIn, Desk, Need, Rating, RatingReason, VisitState
from webapp.referrals.models import (
    CreditState,
    Kind,
    Referral,
    ReferralEvent,
    Rule,
    SplitPhase,
    State,
)
from webapp.sales.models import CreditRole, ProductCategory, SaleSource
from webapp.sales.services import record_sale

NEED_WEIGHTS = {
    Need.DEPOSIT: 30, Need.TRANSFER: 15, Need.ACCOUNT_OPENING: 8, Need.CARD: 10,
    Need.E_BANKING: 10, Need.WEALTH: 8, Need.LOAN: 5, Need.FEATURED: 4, Need.ENQUIRY: 7,
    Need.OTHER: 3,
}  # fmt: skip
# The seed's default bands (referrals.criteria.bands_for of the default criteria).
BAND_WEIGHTS = {
    Band(0, 50_000_00): 50, Band(50_000_00, 100_000_00): 25, Band(100_000_00, 500_000_00): 18,
    Band(500_000_00, None): 7,
}  # fmt: skip
PRODUCTS = (
    (ProductCategory.WEALTH_MANAGEMENT, "稳健理财90天", (50_000, 300_000)),
    (ProductCategory.FUND, "沪深300指数基金定投", (10_000, 100_000)),
    (ProductCategory.INSURANCE, "年金保险", (20_000, 200_000)),
    (ProductCategory.DEPOSIT, "大额存单三年期", (200_000, 1_000_000)),
    (ProductCategory.LOAN, "个人经营贷", (100_000, 500_000)),
)
LOST_REASONS = ("客户已在他行购买", "收益预期不符", "客户暂无资金", "家人不同意")
DECLINE_REASONS = ("客户需求为简单业务，无需转介", "非本人负责的客群，请转对公")
COIS = ("小区物业王经理", "商会李会长", "老客户张阿姨", "菜市场管理处陈主任")


def load(ctx) -> None:
    """Check-ins and referrals (the criteria and split phases come with the branch, demo/org)."""
    ctx.made.update(check_ins=0, referrals=0)
    for key in ("home", "second"):
        _history(ctx, key, per_day=(8, 16) if key == "home" else (3, 6))
        _external(ctx, key, 6 if key == "home" else 2)
    _allocate_one(ctx)
    _closed_today(ctx)
    _long_wait(ctx)


OPEN_TODAY = (State.REFERRED, State.ACCEPTED, State.CONTACTED)


def _closed_today(ctx) -> None:
    """This morning's served walk-ins whose referral was already won or lost: the walk-in is
    done and the receiver free again (closing a referral ends the serving)."""
    home, rng = ctx.branches["home"], ctx.rng
    start, _end = timeutil.day_bounds(timeutil.local_date(ctx.now))
    open_today = (
        db.session.query(Referral)
        .filter(Referral.branch_id == home.id, Referral.created_at >= start,
                Referral.check_in_id.is_not(None), Referral.state.in_(OPEN_TODAY),
                Referral.created_at < ctx.now - timedelta(hours=1))
        .order_by(Referral.created_at)
        .limit(3)
        .all()
    )  # fmt: skip
    open_today += _referred_this_morning(ctx, home, start, 3 - len(open_today))
    for n, referral in enumerate(open_today):
        receiver = db.session.get(Staff, referral.receiver_id)
        events = []
        if referral.state is State.REFERRED:  # taken a few minutes after it was sent
            referral.accepted_at = referral.created_at + timedelta(minutes=rng.randint(2, 8))
            referral.state, referral.overdue_flagged_at = State.ACCEPTED, None
            events.append(
                ("accepted", State.REFERRED, State.ACCEPTED, referral.accepted_at, receiver)
            )
        when = min(referral.accepted_at + timedelta(minutes=rng.randint(20, 45)), ctx.now)
        if n % 3 == 2:
            _close(referral, State.LOST, when, rng.choice(LOST_REASONS), events, receiver)
        else:
            _win(ctx, referral, when, events, receiver)
            if referral.credit_state is CreditState.SETTLED:
                _settle(referral)
        visit = db.session.get(CheckIn, referral.check_in_id)
        visit.state, visit.served_by_id, visit.done_at = VisitState.DONE, receiver.id, when
        visit.served_at = visit.served_at or referral.accepted_at
        for action, before, after, at, who in events:
            db.session.add(ReferralEvent(
                referral_id=referral.id, at=at, by_id=who.id if who else None, action=action, from_state=str(before),
                to_state=str(after), note=referral.reason if action == "lost" else "",
            ))  # fmt: skip
        ctx.made["closed_today"] = ctx.made.get("closed_today", 0) + 1


def _referred_this_morning(ctx, branch, start, count: int) -> list[Referral]:
    """Referrals of this morning's walk-ins that had none, accepted by a wealth manager (so
    there are a few to close on any day the demo is loaded after the morning)."""
    if count <= 0:
        return []
    referred = select(Referral.check_in_id).where(Referral.check_in_id.is_not(None))
    visits = (
        db.session.query(CheckIn)
        .filter(CheckIn.branch_id == branch.id, CheckIn.created_at >= start,
                CheckIn.created_at < ctx.now - timedelta(hours=1),
                CheckIn.customer_id.is_not(None), CheckIn.id.not_in(referred))
        .order_by(CheckIn.created_at)
        .limit(count)
        .all()
    )  # fmt: skip
    receivers = ctx.staff_of("home", Role.WEALTH_MANAGER)
    made = []
    for visit in visits:
        receiver = ctx.rng.choice(receivers)
        accepted = visit.created_at + timedelta(minutes=ctx.rng.randint(3, 9))
        referral = Referral(
            branch_id=branch.id, referrer_id=visit.checked_in_by_id, receiver_id=receiver.id,
            customer_id=visit.customer_id, check_in_id=visit.id, need=Need.WEALTH,
            rule=Rule.CLEAR_INTENT, hot=True, referred_on=timeutil.local_date(visit.created_at),
            created_at=visit.created_at + timedelta(minutes=2), state=State.ACCEPTED,
            accepted_at=accepted,
        )  # fmt: skip
        db.session.add(referral)
        db.session.flush()
        for action, before, after, at, who in (
            ("referred", "", State.REFERRED, referral.created_at, visit.checked_in_by_id),
            ("accepted", State.REFERRED, State.ACCEPTED, accepted, receiver.id),
        ):
            db.session.add(ReferralEvent(referral_id=referral.id, at=at, by_id=who, action=action,
                                         from_state=str(before), to_state=str(after)))  # fmt: skip
        ctx.made["referrals"] += 1
        made.append(referral)
    return made


def _long_wait(ctx) -> None:
    """One walk-in has waited 27 minutes: marked on the board, the lobby manager told once."""
    home = ctx.branches["home"]
    start, _end = timeutil.day_bounds(timeutil.local_date(ctx.now))
    at = max(ctx.now - timedelta(minutes=27), start)
    lobby = ctx.staff_of("home", Role.LOBBY_MANAGER)[0]
    last = (
        db.session.query(func.max(CheckIn.ticket))
        .filter(CheckIn.branch_id == home.id, CheckIn.created_at >= start)
        .scalar()
    )
    visit = CheckIn(
        branch_id=home.id, ticket=(last or 0) + 1, first_need=Need.ACCOUNT_OPENING,
        checked_in_by_id=lobby.id, created_at=at, state=VisitState.WAITING, desk=Desk.LOBBY,
        long_wait_flagged_at=at + timedelta(minutes=15), note="带了孩子，想给孩子开户",
    )  # fmt: skip
    db.session.add(visit)
    ctx.made["check_ins"] += 1


def _allocate_one(ctx) -> None:
    """The manager has already settled one two-referrer case by hand (CreditRole.MANUAL)."""
    home = ctx.branches["home"]
    referral = (
        db.session.query(Referral)
        .filter_by(branch_id=home.id, credit_state=CreditState.PENDING)
        .order_by(Referral.id)
        .first()
    )
    if referral is None:
        return
    phase = _phase_for(referral.branch_id, referral.referred_on)
    half = phase.referrer_bp // 2
    sale = record_sale(
        branch_id=referral.branch_id, customer_id=referral.customer_id,
        seller_id=referral.receiver_id, category=ProductCategory(referral.won_category),
        product_name=referral.won_product, amount_fen=referral.won_amount_fen,
        source=SaleSource.REFERRAL, source_id=referral.id, sold_at=referral.closed_at,
        credit=[(referral.receiver_id, CreditRole.SELLER, phase.seller_bp),
                (referral.referrer_id, CreditRole.MANUAL, phase.referrer_bp - half),
                (referral.second_referrer_id, CreditRole.MANUAL, half)],
    )  # fmt: skip
    reason = "两人同时发现客户需求，按参与度平分推荐人份额"
    for line in sale.credit_lines:
        if line.role is CreditRole.MANUAL:
            line.reason = reason
    db.session.flush()
    referral.sale_id, referral.phase_id = sale.id, phase.id
    referral.credit_state = CreditState.SETTLED
    manager = ctx.staff["manager"]
    db.session.add(ReferralEvent(referral_id=referral.id, at=referral.closed_at + timedelta(hours=20),
                                 by_id=manager.id, action="allocated", from_state="won", to_state="won",
                                 note=reason))  # fmt: skip


def _phase_for(branch_id: int, day):
    for phase in db.session.query(SplitPhase).filter_by(branch_id=branch_id):
        if phase.covers(day):
            return phase
    return None


def _history(ctx, key: str, per_day: tuple[int, int]) -> None:
    rng, branch = ctx.rng, ctx.branches[key]
    greeters = ctx.staff_of(key, Role.LOBBY_MANAGER, Role.TELLER)
    receivers = ctx.staff_of(key, Role.WEALTH_MANAGER) * 3 + ctx.staff_of(key, Role.RETAIL_AM)
    customers = ctx.customers[key]
    today = timeutil.local_date(ctx.now)
    for days_ago in range(27, -1, -1):
        day = today - timedelta(days=days_ago)
        opening = timeutil.day_start_utc(day) + timedelta(hours=9)
        count = rng.randint(*per_day)
        if day.weekday() >= 5:  # open every day, as city branches are; quieter at weekends
            count = max(2, count // 2)
        for ticket in range(1, count + 1):
            at = opening + timedelta(minutes=rng.randint(0, 480))
            if at > ctx.now:  # not yet: earlier today instead (never before today began)
                at = max(
                    ctx.now - timedelta(minutes=rng.randint(1, 90)), timeutil.day_start_utc(day)
                )
            _visit(ctx, branch, ticket, at, days_ago, greeters, receivers, customers)


def _visit(ctx, branch, ticket, at, days_ago, greeters, receivers, customers) -> None:
    rng = ctx.rng
    need = rng.choices(list(NEED_WEIGHTS), list(NEED_WEIGHTS.values()))[0]
    band = (
        rng.choices(list(BAND_WEIGHTS), list(BAND_WEIGHTS.values()))[0]
        if need in (Need.DEPOSIT, Need.TRANSFER, Need.WEALTH)
        else None
    )
    others = rng.sample(
        [Need.WEALTH, Need.CARD, Need.E_BANKING, Need.FEATURED], k=rng.choice((0, 0, 1, 2))
    )
    greeter = rng.choice(greeters)
    desk = Desk.COUNTER if greeter.role is Role.TELLER else Desk.LOBBY
    customer = rng.choice(customers) if rng.random() < 0.7 else None
    visit = CheckIn(
        branch_id=branch.id, ticket=ticket, customer_id=customer.id if customer else None,
        first_need=need, other_needs=",".join(n.value for n in others if n != need),
        band_floor_fen=band and band.floor_fen, band_ceiling_fen=band and band.ceiling_fen,
        flow_fen=rng.choice((None, None, 80_000_00, 150_000_00)),
        desk=desk, checked_in_by_id=greeter.id, created_at=at, state=VisitState.DONE,
        served_by_id=greeter.id, served_at=at + timedelta(minutes=rng.randint(1, 15)),
        done_at=at + timedelta(minutes=rng.randint(16, 40)),
    )  # fmt: skip
    db.session.add(visit)
    ctx.made["check_ins"] += 1
    qualifies = (
        (band and band.floor_fen >= 50_000_00)
        or Need.FEATURED in visit.needs
        or (visit.flow_fen or 0) >= 100_000_00
    )
    visit.met_criterion = bool(qualifies)
    if days_ago == 0 and visit.done_at > ctx.now:
        visit.state = rng.choice((VisitState.WAITING, VisitState.SERVING))
        if visit.state is VisitState.WAITING:
            visit.served_by_id = visit.served_at = None
        visit.done_at = None
    else:
        _rating(visit, random.Random(f"{branch.name}:{days_ago}:{ticket}"))
    if not (qualifies and customer) or rng.random() > 0.75:
        return
    db.session.flush()
    rule = (
        Rule.LARGE_TRANSACTION if band and band.floor_fen >= 50_000_00
        else Rule.FEATURED_INTEREST if Need.FEATURED in visit.needs else Rule.ACCOUNT_FLOW
    )  # fmt: skip
    _referral(ctx, branch, greeter, rng.choice(receivers), customer, visit, rule, at, days_ago)


RATING_WEIGHTS = {Rating.SATISFIED: 78, Rating.NEUTRAL: 16, Rating.UNSATISFIED: 6}
REASON_WEIGHTS = {
    RatingReason.WAIT: 5, RatingReason.NOT_DONE: 2, RatingReason.UNCLEAR: 2,
    RatingReason.ATTITUDE: 1, RatingReason.OTHER: 1,
}  # fmt: skip


def _rating(visit: CheckIn, rng: random.Random) -> None:
    """Most customers tap a rating at 办结; a long wait makes 不满意 likelier. A random source of
    its own keeps the rest of the demo as it was."""
    if rng.random() > 0.65:
        return
    weights = dict(RATING_WEIGHTS)
    if visit.served_at and visit.served_at - visit.created_at > timedelta(minutes=12):
        weights[Rating.UNSATISFIED] *= 3
    visit.rating = rng.choices(list(weights), list(weights.values()))[0]
    if visit.rating is Rating.UNSATISFIED:
        visit.rating_reason = rng.choices(list(REASON_WEIGHTS), list(REASON_WEIGHTS.values()))[0]
    visit.rated_at = visit.done_at


def _referral(
    ctx,
    branch,
    referrer,
    receiver,
    customer,
    visit,
    rule,
    at,
    days_ago,
    kind=Kind.INTERNAL,
    introducer="",
):
    rng = ctx.rng
    referral = Referral(
        branch_id=branch.id, kind=kind, referrer_id=referrer.id, receiver_id=receiver.id,
        customer_id=customer.id, check_in_id=visit.id if visit else None,
        need=visit.first_need if visit else Need.WEALTH, rule=rule, hot=rng.random() < 0.2,
        introducer=introducer, referred_on=timeutil.local_date(at), created_at=at,
        state=State.REFERRED,
    )  # fmt: skip
    events = [("referred", "", State.REFERRED, at, referrer)]
    if days_ago == 0 and rng.random() < 0.75:
        if visit is not None:
            visit.state, visit.done_at = VisitState.REFERRED, None
        if rng.random() < 0.5:  # a callback for the customer in a hurry
            referral.callback_requested = True
            referral.callback_contact = customer.masked_mobile
            referral.callback_at = ctx.now + timedelta(days=1, hours=rng.randint(0, 4))
        if at < ctx.now - timedelta(minutes=10):
            referral.overdue_flagged_at = at + timedelta(minutes=10)
            events.append(
                ("overdue", State.REFERRED, State.REFERRED, referral.overdue_flagged_at, None)
            )
    else:
        t = at + timedelta(minutes=rng.randint(2, 9))
        if rng.random() < 0.06:
            _close(referral, State.DECLINED, t, rng.choice(DECLINE_REASONS), events, receiver)
        else:
            referral.state, referral.accepted_at = State.ACCEPTED, t
            events.append(("accepted", State.REFERRED, State.ACCEPTED, t, receiver))
            path = (
                [State.CONTACTED, State.MET]
                if days_ago > 1
                else rng.choice(([], [State.CONTACTED]))
            )
            for step in path:
                t += timedelta(hours=rng.randint(2, 30))
                events.append((step.value, referral.state, step, t, receiver))
                referral.state = step
            if days_ago > 3:
                outcome = rng.choices((State.WON, State.LOST, State.MET), (45, 25, 30))[0]
                t += timedelta(days=rng.randint(0, 3))
                t = min(t, ctx.now - timedelta(hours=1))
                if outcome is State.WON:
                    _win(ctx, referral, t, events, receiver)
                elif outcome is State.LOST:
                    _close(referral, State.LOST, t, rng.choice(LOST_REASONS), events, receiver)
    db.session.add(referral)
    db.session.flush()
    for action, before, after, when, who in events:
        db.session.add(ReferralEvent(
            referral_id=referral.id, at=when, by_id=who.id if who else None, action=action,
            from_state=str(before), to_state=str(after),
            note=referral.reason if action in ("lost", "declined") else "",
        ))  # fmt: skip
    if referral.state is State.WON and referral.credit_state is CreditState.SETTLED:
        _settle(referral)
    ctx.made["referrals"] += 1


def _close(referral, state, when, reason, events, who):
    events.append((state.value, referral.state, state, when, who))
    referral.state, referral.reason, referral.closed_at = state, reason, when


def _win(ctx, referral, when, events, receiver):
    category, product, (low, high) = ctx.rng.choice(PRODUCTS)
    events.append(("won", referral.state, State.WON, when, receiver))
    referral.state, referral.closed_at = State.WON, when
    referral.won_category, referral.won_product = category.value, product
    referral.won_amount_fen = ctx.rng.randrange(low, high, 1000) * 100
    # Two colleagues spotted the customer: the manager decides. One win in eight, and the
    # demo branch always has two (one settled by hand below, one left for the manager).
    home = referral.branch_id == ctx.branches["home"].id
    if ctx.rng.random() < 0.12 or (home and _pending_credit(referral.branch_id) < 2):
        others = [
            s
            for s in ctx.staff_of(
                "home" if referral.branch_id == ctx.branches["home"].id else "second",
                Role.TELLER,
                Role.LOBBY_MANAGER,
            )
            if s.id != referral.referrer_id
        ]
        if others:
            referral.second_referrer_id = others[0].id
            referral.credit_state = CreditState.PENDING
            events.append(("credit_pending", State.WON, State.WON, when, None))
            return
    referral.credit_state = CreditState.SETTLED


def _pending_credit(branch_id: int) -> int:
    return (
        db.session.query(Referral)
        .filter_by(branch_id=branch_id, credit_state=CreditState.PENDING)
        .count()
    )


def _settle(referral):
    phase = _phase_for(referral.branch_id, referral.referred_on)
    referral.phase_id = phase.id
    sale = record_sale(
        branch_id=referral.branch_id, customer_id=referral.customer_id,
        seller_id=referral.receiver_id, category=ProductCategory(referral.won_category),
        product_name=referral.won_product, amount_fen=referral.won_amount_fen,
        source=SaleSource.REFERRAL, source_id=referral.id, sold_at=referral.closed_at,
        credit=[(referral.referrer_id, CreditRole.REFERRER, phase.referrer_bp),
                (referral.receiver_id, CreditRole.SELLER, phase.seller_bp)],
    )  # fmt: skip
    db.session.flush()
    referral.sale_id = sale.id


def _external(ctx, key: str, count: int) -> None:
    rng, branch = ctx.rng, ctx.branches[key]
    receivers = ctx.staff_of(key, Role.WEALTH_MANAGER, Role.RETAIL_AM)
    used = {c.mobile for c in ctx.customers[key]}
    for _ in range(count):
        days_ago = rng.randint(0, 20)
        at = ctx.now - timedelta(days=days_ago, hours=rng.randint(1, 6))
        introducer = rng.choice(COIS)
        customer = Customer(
            branch_id=branch.id, kind=CustomerKind.INDIVIDUAL, name=person_name(rng),
            mobile=unique_mobile(rng, used), acquired_via=Acquisition.REFERRAL,
            introduced_by=introducer, created_at=at, updated_at=at,
        )  # fmt: skip
        db.session.add(customer)
        db.session.flush()
        referrer = rng.choice(receivers)
        receiver = rng.choice([r for r in receivers if r.id != referrer.id] or receivers)
        _referral(
            ctx,
            branch,
            referrer,
            receiver,
            customer,
            None,
            None,
            at,
            max(days_ago, 1),
            Kind.EXTERNAL,
            introducer,
        )
