"""Demo step: two weeks of notification history (real devices cannot be faked, history can)."""

from datetime import datetime, timedelta

from flask_babel import force_locale, format_time, gettext, ngettext

from webapp.auth.models import Role
from webapp.extensions import db
from webapp.push.models import Kind, Notification, Status
from webapp.push.services import DELIVERY

NEEDS = ("大额存款", "理财咨询", "基金定投", "个人贷款", "保险规划", "外汇业务")
BROADCASTS = ("晨会 5 分钟后开始。", "夕会 5 分钟后开始。", "大堂客户较多，请到大堂支援。")


def load(ctx) -> None:
    """Referrals received, overdue alerts, reminders and huddle calls over the last 14 days."""
    rng, home = ctx.rng, ctx.branches["home"]
    staff = ctx.staff_of("home")
    manager = next(s for s in staff if s.role == Role.BRANCH_MANAGER)
    receivers = [s for s in staff if s.role == Role.WEALTH_MANAGER]
    referrers = [s for s in staff if s.role in (Role.TELLER, Role.LOBBY_MANAGER)]
    field_staff = [
        s for s in staff if s.role in (Role.RETAIL_AM, Role.CREDIT_AM, Role.CORPORATE_AM)
    ]
    customers = ctx.customers["home"]
    rows = []

    def add(member, kind, title, body, url, at: datetime, status=Status.SENT, by=None):
        ttl, urgency = DELIVERY[kind]
        rows.append(
            Notification(
                staff_id=member.id,
                branch_id=home.id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                urgency=urgency,
                ttl_seconds=ttl,
                created_at=at,
                due_at=at,
                status=status,
                attempts=0 if status == Status.NO_DEVICE else 1,
                sent_at=at + timedelta(seconds=rng.randint(1, 4))
                if status == Status.SENT
                else None,
                created_by_id=by.id if by else None,
            )
        )

    with force_locale("zh_CN"):
        for days_ago in range(14, 0, -1):
            day = (ctx.now - timedelta(days=days_ago)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            # Morning huddle call at 08:25 local (00:25 UTC) on working days.
            if day.weekday() < 5:
                at = day + timedelta(minutes=25)
                for member in staff:
                    if member is not manager:
                        add(
                            member,
                            Kind.BRANCH_BROADCAST,
                            manager.name,
                            BROADCASTS[0],
                            "/",
                            at,
                            by=manager,
                        )
            for _ in range(rng.randint(2, 5)):
                customer = rng.choice(customers)
                at = day + timedelta(hours=rng.randint(1, 8), minutes=rng.randint(0, 59))
                receiver, referrer = rng.choice(receivers), rng.choice(referrers)
                need = rng.choice(NEEDS)
                who = f"{customer.name} {customer.masked_mobile}"
                add(
                    receiver,
                    Kind.REFERRAL_RECEIVED,
                    gettext("Referral: %(customer)s", customer=who),
                    gettext(
                        "%(need)s · referred by %(referrer)s · waiting since %(time)s",
                        need=need,
                        referrer=referrer.name,
                        time=format_time(at, "short"),
                    ),
                    "/referrals/",
                    at,
                )
                if rng.random() < 0.2:
                    add(
                        manager,
                        Kind.REFERRAL_OVERDUE,
                        gettext("Referral not accepted: %(customer)s", customer=who),
                        gettext(
                            "%(need)s · sent to %(receiver)s · waiting %(minutes)d min",
                            need=need,
                            receiver=receiver.name,
                            minutes=rng.randint(20, 40),
                        ),
                        "/referrals/",
                        at + timedelta(minutes=20),
                    )
            for member in field_staff:
                if rng.random() < 0.5:
                    count = rng.randint(1, 3)
                    add(
                        member,
                        Kind.FIELD_VISIT_MORNING,
                        ngettext("%(num)d field visit today", "%(num)d field visits today", count),
                        gettext(
                            "First: %(time)s %(customer)s",
                            time=format_time(day + timedelta(hours=2), "short"),
                            customer=rng.choice(customers).name,
                        ),
                        "/",
                        day - timedelta(minutes=30),
                        status=rng.choice([Status.SENT, Status.SENT, Status.SENT, Status.EXPIRED]),
                    )
                if rng.random() < 0.6:
                    customer = rng.choice(customers)
                    starts = day + timedelta(hours=rng.randint(1, 8))
                    add(
                        member,
                        Kind.APPOINTMENT_REMINDER,
                        gettext(
                            "Appointment at %(time)s: %(customer)s",
                            time=format_time(starts, "short"),
                            customer=f"{customer.name} {customer.masked_mobile}",
                        ),
                        rng.choice(("网点贵宾室", "客户公司", "理财室")),
                        "/",
                        starts - timedelta(minutes=30),
                    )
    db.session.add_all(rows)
    ctx.made["notifications"] = len(rows)
