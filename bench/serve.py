"""What the benchmarks share: a free port, the app under gunicorn, a PostgreSQL cluster."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.postgres import Cluster  # noqa: E402 - after the path is set

__all__ = ["Cluster", "cpu_seconds", "free_port", "gunicorn", "rss_mb", "worker_pids"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(database_url: str, instance: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """Start the app under gunicorn (sync workers, as in production); return it and its URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BRANCHKIT_INSTANCE": str(instance),
        "SECRET_KEY": "bench-secret",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webapp.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start within 60 s")


def worker_pids(master: int) -> list[int]:
    """The process ids of a gunicorn master's workers (its children)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


_TICK = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds a process has used, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def cpu_seconds(master: int) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn master's workers and by every PostgreSQL process
    on this machine (the server and its backends), in that order."""
    app = sum(_process_cpu(pid) for pid in worker_pids(master))
    database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                database += _process_cpu(int(entry.name))
        except OSError:  # the process ended while we looked
            continue
    return app, database
