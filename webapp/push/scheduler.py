"""Scheduled reminders, written to the outbox by the worker on every pass.

Each source is one small function `source(now) -> int` (now: naive UTC; returns how many
notifications it wrote). A source reads another domain's table through a lazy import and
returns 0 while that domain is not installed; the part that decides *who* gets *what*
*when* is a separate function over plain objects, so it is tested without that table.
Every reminder carries a dedupe key, so passes can run as often as they like, from one
worker or several, and still write each reminder once.

| source                 | reads                                   | fires (local time)            |
|------------------------|-----------------------------------------|-------------------------------|
| appointment_reminders  | appointments.models.Appointment          | lead_minutes before starts_at |
| field_visit_mornings   | field.models.FieldVisit (planned today)  | PUSH_FIELD_MORNING_AT..+3 h   |
| commitment_nudges      | coaching.models.Commitment (staff_id, day) | PUSH_NUDGE_MINUTES before the morning huddle |

A domain with scheduled work of its own (referrals: flag the overdue ones) answers
signals.worker_pass, so the worker runs it without naming the domain.
The lobby answers it too (walk-ins waiting past the branch's limit are told once).
"""

import importlib
import os
from collections import defaultdict
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale, format_time, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import signals, timeutil
from webapp.auth.models import Role, Staff
from webapp.extensions import db
from webapp.push.listeners import customer_line
from webapp.push.models import Kind
from webapp.push.services import enqueue, path_for, preferences_for

MAX_LEAD = timedelta(hours=2)  # the longest lead time the settings page offers
FIELD_MORNING_WINDOW = timedelta(hours=3)


def run_scheduled(now: datetime) -> dict[str, int]:
    """Run every source once and commit; return how many reminders each wrote."""
    made = {}
    for source in SOURCES:
        made[source.__name__] = source(now)
        db.session.commit()
    # The domains' own work for the pass (referrals: the overdue ones), by the receiver's name.
    for receiver, count in signals.worker_pass.send(now):
        made[receiver.__name__] = count
    db.session.commit()
    return made


def _model(module: str, name: str):
    """Another domain's model, or None while that domain is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _setting(key: str, default: str) -> str:
    """A schedule setting: app config, else the environment, else the default (0 is a value)."""
    for value in (current_app.config.get(key), os.environ.get(key)):
        if value is not None and value != "":
            return str(value)
    return default


def _setting_time(key: str, default: str) -> time:
    return time.fromisoformat(_setting(key, default))


# -- appointments -------------------------------------------------------------------------


def appointment_reminders(now: datetime) -> int:
    """Confirmed or rescheduled appointments starting within the longest lead time."""
    from webapp.appointments.models import Appointment, State

    rows = db.session.scalars(
        select(Appointment).where(
            Appointment.starts_at > now,
            Appointment.starts_at <= now + MAX_LEAD,
            Appointment.state.in_([State.CONFIRMED, State.RESCHEDULED]),
        )
    ).all()
    return remind_appointments(rows, now)


def remind_appointments(appointments, now: datetime) -> int:
    """Write a reminder for each appointment whose person's lead time has begun."""
    staff = _staff_by_id({a.staff_id for a in appointments})
    preferences = preferences_for(staff)
    made = 0
    for item in appointments:
        member, preference = staff.get(item.staff_id), preferences.get(item.staff_id)
        if member is None or now < item.starts_at - timedelta(minutes=preference.lead_minutes):
            continue
        with force_locale(member.locale):
            title = gettext(
                "Appointment at %(time)s: %(customer)s",
                time=format_time(item.starts_at, "short"),
                customer=customer_line(item.customer),
            )
            body = item.place or ""
        made += bool(
            enqueue(
                member,
                Kind.APPOINTMENT_REMINDER,
                title,
                body,
                path_for(
                    "appointments.detail",
                    "/appointments/{appointment_id}",
                    appointment_id=item.id,
                ),
                expires_at=item.starts_at,
                dedupe_key=f"appointment:{item.id}:{item.starts_at:%Y%m%d%H%M}",
                preference=preference,
                now=now,
            )
        )
    return made


# -- field visits --------------------------------------------------------------------------


def field_visit_mornings(now: datetime) -> int:
    """Today's market-running sweeps: one reminder per person with the number of stops."""
    from webapp.field.models import Sweep

    rows = db.session.scalars(
        select(Sweep)
        .where(Sweep.day == timeutil.local_date(now))
        .options(selectinload(Sweep.stops))
        .order_by(Sweep.id)
    ).all()
    return remind_field_days(rows, now)


def remind_field_days(sweeps, now: datetime) -> int:
    """From PUSH_FIELD_MORNING_AT for three hours, tell each person today's planned stops.

    `sweeps` have staff_id, area and stops (a list).
    """
    today = timeutil.local_date(now)
    morning = timeutil.local_to_utc(
        datetime.combine(today, _setting_time("PUSH_FIELD_MORNING_AT", "07:30"))
    )
    if not morning <= now < morning + FIELD_MORNING_WINDOW:
        return 0
    by_staff = defaultdict(list)
    for sweep in sweeps:
        by_staff[sweep.staff_id].append(sweep)
    staff = _staff_by_id(by_staff)
    preferences = preferences_for(staff)
    made = 0
    for staff_id, items in by_staff.items():
        member = staff.get(staff_id)
        if member is None:
            continue
        stops = sum(max(len(sweep.stops), 1) for sweep in items)
        with force_locale(member.locale):
            title = ngettext("%(num)d field visit today", "%(num)d field visits today", stops)
            body = gettext(
                "Market running: %(areas)s", areas="、".join(sweep.area for sweep in items)
            )
        made += bool(
            enqueue(
                member,
                Kind.FIELD_VISIT_MORNING,
                title,
                body,
                path_for("field.index", "/field/"),
                expires_at=now + FIELD_MORNING_WINDOW,
                dedupe_key=f"field-morning:{staff_id}:{today.isoformat()}",
                preference=preferences[staff_id],
                now=now,
            )
        )
    return made


# -- commitments before the morning huddle ---------------------------------------------

COMMITTING_ROLES = frozenset(Role) - {Role.BRANCH_MANAGER, Role.ADMIN}


def commitment_nudges(now: datetime) -> int:
    """Staff without a commitment for today (Commitment with staff_id and a `day` date)."""
    commitment = _model("webapp.coaching.models", "Commitment")
    if commitment is None or _huddle_ahead(now) is None:
        return 0  # no queries outside the nudge window: this runs every pass
    today = timeutil.local_date(now)
    committed = set(
        db.session.scalars(select(commitment.staff_id).where(commitment.day == today)).all()
    )
    staff = db.session.scalars(
        select(Staff).where(Staff.active.is_(True), Staff.role.in_(COMMITTING_ROLES))
    ).all()
    return nudge_uncommitted(staff, committed, now)


def nudge_uncommitted(staff, committed_ids: set[int], now: datetime) -> int:
    """In the PUSH_NUDGE_MINUTES before PUSH_MORNING_HUDDLE_AT, nudge those not yet committed
    (PUSH_NUDGE_MINUTES=0: no nudges)."""
    huddle = _huddle_ahead(now)
    if huddle is None:
        return 0
    today = timeutil.local_date(now)
    waiting = [s for s in staff if s.id not in committed_ids]
    preferences = preferences_for([s.id for s in waiting])
    made = 0
    for member in waiting:
        with force_locale(member.locale):
            title = gettext("Today's commitment")
            body = gettext(
                "The morning huddle starts at %(time)s: enter your commitment for today.",
                time=format_time(huddle, "short"),
            )
        made += bool(
            enqueue(
                member,
                Kind.COMMITMENT_NUDGE,
                title,
                body,
                path_for("coaching.commitment", "/coaching/commitment"),
                expires_at=huddle,
                dedupe_key=f"commitment:{member.id}:{today.isoformat()}",
                preference=preferences[member.id],
                now=now,
            )
        )
    return made


def _huddle_ahead(now: datetime) -> datetime | None:
    """Today's morning huddle (naive UTC) when `now` is in the nudge window before it."""
    huddle = timeutil.local_to_utc(
        datetime.combine(timeutil.local_date(now), _setting_time("PUSH_MORNING_HUDDLE_AT", "08:30"))
    )
    lead = timedelta(minutes=int(_setting("PUSH_NUDGE_MINUTES", "15")))
    return huddle if huddle - lead <= now < huddle else None


def _staff_by_id(ids) -> dict[int, Staff]:
    ids = list(ids)
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Staff).where(Staff.id.in_(ids)))}


SOURCES = (appointment_reminders, field_visit_mornings, commitment_nudges)
