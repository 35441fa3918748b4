"""The general audit log: events that have no table of their own (sign-ins, owner changes,
role changes, hand-overs). Domains with their own audit table are read by audit/sources.py."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.timeutil import now_naive


class AuditEvent(db.Model):
    """One event: its kind (a key of audit.sources.EVENT_KINDS), who did it, in which branch,
    about which person or customer, and a short detail (the address, "甲 → 乙")."""

    __table_args__ = (Index("ix_audit_event_branch_at", "branch_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(default=now_naive)
