"""A job: one piece of background work, its progress and the worker's heartbeat."""

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db, enum_column
from webapp.timeutil import now_naive


class JobStatus(enum.StrEnum):
    """Where a job is: waiting, being run, or finished one way or another."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the job will not run again."""
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(db.Model):
    """Work handed to the worker: `kind` names the handler, `ref_id` the row it works on.

    `done` counts the units the handler has committed, so a job picked up again after its
    worker died carries on from there instead of repeating them.
    """

    __table_args__ = (Index("ix_job_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref_id: Mapped[int] = mapped_column()
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, 12), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_naive)
    heartbeat_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    @property
    def percent(self) -> int:
        """How far the job has come, 0-100."""
        if self.status is JobStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0
