"""Running jobs in the worker: claim one, call its handler, keep the heartbeat.

A handler is registered per kind (`@handler("imports.check")`) and called with the job; it
commits its own work in batches through `progress()`, which also beats the heart and answers
whether the job was cancelled. A job whose heartbeat is older than STALE_AFTER was left by a
worker that died: the next worker claims it again and the handler resumes from `job.done`.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.timeutil import now_naive

STALE_AFTER = timedelta(seconds=60)
# A job that failed this many times (its worker died each time) is given up.
MAX_ATTEMPTS = 3

HANDLERS: dict[str, Callable[[Job], None]] = {}


class Cancelled(Exception):
    """The job was cancelled while it ran; the handler stops at its last commit."""


def handler(kind: str) -> Callable:
    """Register the function that runs jobs of this kind."""

    def register(function: Callable[[Job], None]) -> Callable[[Job], None]:
        HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, ref_id: int, total: int = 0) -> Job:
    """Queue a job (the caller's unit of work commits it)."""
    job = Job(kind=kind, ref_id=ref_id, total=total)
    db.session.add(job)
    db.session.flush()
    return job


def request_cancel(job: Job) -> None:
    """Ask for the job to stop: a queued job is cancelled now, a running one at its next batch."""
    if job.status is JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED
        job.finished_at = now_naive()
    elif not job.status.finished:
        job.cancel_requested = True
    db.session.flush()


def progress(job: Job, done: int) -> None:
    """Commit the handler's batch with the job's progress and heartbeat; Cancelled when asked."""
    job.done = done
    job.heartbeat_at = now_naive()
    db.session.commit()  # the worker is its own unit of work: one commit per batch
    db.session.refresh(job, ["cancel_requested"])
    if job.cancel_requested:
        raise Cancelled


def claim(now=None) -> Job | None:
    """Take the oldest queued job, or one left running by a dead worker; None when idle."""
    now = now or now_naive()
    stale = now - STALE_AFTER
    candidates = db.session.scalars(
        select(Job)
        .where(
            or_(
                Job.status == JobStatus.QUEUED,
                (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < stale),
            )
        )
        .order_by(Job.id)
        .limit(5)
    ).all()
    for job in candidates:
        # Compare-and-set on the heartbeat: of two workers only one wins the row.
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == job.status)
            .where(
                Job.heartbeat_at.is_(None)
                if job.heartbeat_at is None
                else Job.heartbeat_at == job.heartbeat_at
            )
            .values(status=JobStatus.RUNNING, heartbeat_at=now, attempts=Job.attempts + 1)
        ).rowcount
        db.session.commit()
        if claimed:
            db.session.refresh(job)
            return job
    return None


def run_one(now=None) -> Job | None:
    """Claim and run one job to its end; the job, or None when there was nothing to do."""
    job = claim(now)
    if job is None:
        return None
    if job.attempts > MAX_ATTEMPTS or job.kind not in HANDLERS:
        _finish(job, JobStatus.FAILED, "gave up" if job.kind in HANDLERS else "unknown kind")
        return job
    try:
        HANDLERS[job.kind](job)
    except Cancelled:
        _finish(job, JobStatus.CANCELLED)
    except Exception as error:  # the job fails, the worker goes on
        db.session.rollback()
        current_app.logger.exception("job %s failed", job.id)
        _finish(job, JobStatus.FAILED, str(error)[:500])
    else:
        _finish(job, JobStatus.DONE)
    return job


def run_pending(limit: int = 100) -> int:
    """Run queued jobs until none is left (or `limit`); how many ran. The worker's hook."""
    ran = 0
    while ran < limit and run_one() is not None:
        ran += 1
    return ran


def _finish(job: Job, status: JobStatus, error: str = "") -> None:
    job = db.session.get(Job, job.id)
    job.status = status
    job.error = error
    job.finished_at = now_naive()
    hook = FINISH_HOOKS.get(job.kind)
    if hook is not None:
        hook(job)
    db.session.commit()


# Called in the job's last transaction with its final status (e.g. to mark what it worked on).
FINISH_HOOKS: dict[str, Callable[[Job], None]] = {}


def on_finish(kind: str) -> Callable:
    """Register what to do when a job of this kind ends, however it ends."""

    def register(function: Callable[[Job], None]) -> Callable[[Job], None]:
        FINISH_HOOKS[kind] = function
        return function

    return register
