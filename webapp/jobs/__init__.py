"""Background jobs: a table of work the worker process runs, resumable and cancellable."""

# The jobs' answer to the worker's tick.
from webapp.jobs import tasks  # noqa: F401
