"""Push subscriptions (one per device), preferences per person, and the notification outbox."""

import enum
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Staff
from webapp.extensions import db, enum_column
from webapp.i18n import Labels
from webapp.timeutil import now_naive


class Kind(enum.StrEnum):
    """What a notification is about; each kind can be turned off per person."""

    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_OVERDUE = "referral_overdue"
    APPOINTMENT_REMINDER = "appointment_reminder"
    APPOINTMENT_ARRIVED = "appointment_arrived"
    FIELD_VISIT_MORNING = "field_visit_morning"
    COMMITMENT_NUDGE = "commitment_nudge"
    BRANCH_BROADCAST = "branch_broadcast"
    LOBBY_LONG_WAIT = "lobby_long_wait"
    HAND_OVER = "hand_over"
    TEST = "test"

    @property
    def label(self) -> str:
        return KIND_LABELS.text(self)


KIND_LABELS = Labels(
    {
        Kind.REFERRAL_RECEIVED: _l("A referral is sent to me"),
        Kind.REFERRAL_OVERDUE: _l("A referral waits too long (managers)"),
        Kind.APPOINTMENT_REMINDER: _l("Before each appointment"),
        Kind.APPOINTMENT_ARRIVED: _l("My appointment's customer checks in at the lobby"),
        Kind.FIELD_VISIT_MORNING: _l("Morning of a day with field visits"),
        Kind.COMMITMENT_NUDGE: _l("Today's commitment missing before the morning huddle"),
        Kind.BRANCH_BROADCAST: _l("Messages from the branch manager"),
        Kind.LOBBY_LONG_WAIT: _l("A walk-in waits too long (lobby)"),
        Kind.HAND_OVER: _l("A colleague's book is handed over to me"),
        Kind.TEST: _l("Test notification"),
    }
)


ALWAYS_SENT = frozenset({Kind.TEST, Kind.HAND_OVER})


class Status(enum.StrEnum):
    """Where a notification is in the outbox."""

    PENDING = "pending"  # waiting for its due time (or its next retry)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"  # at least one device accepted it
    NO_DEVICE = "no_device"  # the person had no subscribed device
    FAILED = "failed"  # retries exhausted, or every device gone
    EXPIRED = "expired"  # too late to be useful (after quiet hours, say)

    @property
    def label(self) -> str:
        return STATUS_LABELS.text(self)


STATUS_LABELS = Labels(
    {
        Status.PENDING: _l("Waiting to send"),
        Status.SENDING: _l("Sending"),
        Status.SENT: _l("Delivered"),
        Status.NO_DEVICE: _l("No device"),
        Status.FAILED: _l("Failed"),
        Status.EXPIRED: _l("Expired"),
    }
)


class DeliveryStatus(enum.StrEnum):
    """One device's part of a notification."""

    SENDING = "sending"  # written and committed before the request goes out
    SENT = "sent"
    FAILED = "failed"  # a retryable error: tried again on the next attempt
    GONE = "gone"  # 404/410: the subscription was deleted
    UNKNOWN = "unknown"  # the worker died mid-request: never sent again (at most once)


class PushSubscription(db.Model):
    """A browser's push subscription (one device of one member of staff)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    last_success_at: Mapped[datetime | None] = mapped_column()

    staff: Mapped[Staff] = relationship()

    def info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Preference(db.Model):
    """Which kinds a person receives, the appointment lead time and quiet hours (local time)."""

    __tablename__ = "push_preference"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    referral_received: Mapped[bool] = mapped_column(default=True)
    referral_overdue: Mapped[bool] = mapped_column(default=True)
    appointment_reminder: Mapped[bool] = mapped_column(default=True)
    appointment_arrived: Mapped[bool] = mapped_column(default=True, server_default="1")
    field_visit_morning: Mapped[bool] = mapped_column(default=True)
    commitment_nudge: Mapped[bool] = mapped_column(default=True)
    branch_broadcast: Mapped[bool] = mapped_column(default=True)
    lobby_long_wait: Mapped[bool] = mapped_column(default=True, server_default="1")
    lead_minutes: Mapped[int] = mapped_column(default=30)
    quiet_start: Mapped[time | None] = mapped_column()
    quiet_end: Mapped[time | None] = mapped_column()

    def wants(self, kind: Kind) -> bool:
        """Whether this kind is turned on (a test notification and a hand-over, which is work
        the person must pick up, always are)."""
        return kind in ALWAYS_SENT or bool(getattr(self, kind.value))


class Notification(db.Model):
    """The outbox: one notification for one person, written in the event's transaction."""

    __tablename__ = "push_notification"
    __table_args__ = (
        Index("ix_push_notification_status_due", "status", "due_at"),
        Index("ix_push_notification_staff_created", "staff_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 30))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(300), default="/")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    ttl_seconds: Mapped[int] = mapped_column(default=3600)
    # Scheduled reminders carry a key so two passes (or two workers) never write one twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    due_at: Mapped[datetime] = mapped_column(default=now_naive)
    expires_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(200), default="")

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])


class Delivery(db.Model):
    """One device's delivery of one notification; the unique pair makes sending at most once."""

    __tablename__ = "push_delivery"
    __table_args__ = (UniqueConstraint("notification_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("push_notification.id"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL")
    )
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus))
    status_code: Mapped[int | None] = mapped_column()
    attempted_at: Mapped[datetime] = mapped_column(default=now_naive)
