"""Background jobs: a table of work the worker process runs, resumable and cancellable."""
