"""The jobs' answer to the worker's tick: run what is queued (the worker names no domain)."""

from webapp import signals
from webapp.jobs.runner import run_pending


@signals.worker_tick.connect
def run_jobs(sender, **kwargs) -> int:
    """Run the queued jobs; how many ran."""
    return run_pending()
