"""`flask push init-keys | worker | deliver-due | send-test`: keys and the outbox worker (which
also runs the background jobs, webapp/jobs)."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp import signals
from webapp.auth.models import Staff
from webapp.extensions import db
from webapp.push import keys

push_cli = AppGroup("push", help="Web push: keys and the outbox worker.")


@push_cli.command("init-keys")
@click.option(
    "--force", is_flag=True, help="Replace an existing key (devices must subscribe again)."
)
def init_keys(force: bool) -> None:
    """Write a VAPID key pair to the instance folder (kept out of the repository)."""
    path = keys.write_keys(force=force)
    if path is None:
        click.echo(f"VAPID key already in {keys.key_path()}; nothing written (use --force).")
    else:
        click.echo(f"VAPID key written to {path}.")
    click.echo(f"Public key: {keys.public_key()}")


def one_pass(now=None) -> dict:
    """Write the due reminders, then deliver what is due; the counts of both."""
    from webapp.push.delivery import deliver_due, prune
    from webapp.push.scheduler import run_scheduled
    from webapp.timeutil import now_naive

    now = now or now_naive()
    made = run_scheduled(now)
    try:
        sent = deliver_due(now)
    except keys.KeysMissing as error:
        raise click.ClickException(str(error)) from error
    return {"reminders": sum(made.values()), **sent, "pruned": prune(now)}


@push_cli.command("deliver-due")
def deliver_due_command() -> None:
    """One pass of reminders and deliveries (for cron)."""
    counts = one_pass()
    done = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    click.echo("push: " + (done or "nothing due"))


@push_cli.command("worker")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def worker(interval: float) -> None:
    """Deliver and schedule in a loop, and run background jobs, until SIGTERM or Ctrl-C."""
    import time

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"push worker: a pass every {interval:g} s, jobs every {JOB_POLL:g} s")
    next_pass = 0.0
    while not stop.is_set():
        if time.monotonic() >= next_pass:
            next_pass = time.monotonic() + interval
            _guarded("push worker pass", _push_pass)
        # Background jobs (imports) answer the tick: polled often so a progress bar moves.
        _guarded("job run", lambda: signals.worker_tick.send(None))
        stop.wait(JOB_POLL)


# Seconds between looks at the jobs table.
JOB_POLL = 1.0


def _push_pass() -> None:
    counts = one_pass()
    if any(counts.values()):
        click.echo("push: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))


def _guarded(what: str, function) -> None:
    """Run one step of the loop; a failure is logged and the next turn retries."""
    try:
        function()
    except Exception:  # keep the loop alive
        db.session.rollback()
        current_app.logger.exception("%s failed", what)
    finally:
        db.session.remove()


@push_cli.command("send-test")
@click.argument("username")
def send_test_command(username: str) -> None:
    """Queue a test notification for someone's devices."""
    from webapp.push.services import send_test

    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise click.ClickException(f"no staff named {username}")
    send_test(staff, "BranchKit", "Test notification")
    db.session.commit()  # a command is its own unit of work
    click.echo("Queued; the worker delivers it.")
