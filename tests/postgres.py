"""A throwaway PostgreSQL cluster for the test session: the PostgreSQL variants run against a
real server, made and removed here."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# The server's own time zone, as a Shanghai bank would set it (the app fixes its connections').
SHANGHAI = "-c TimeZone=Asia/Shanghai"


def available() -> bool:
    """Whether the PostgreSQL server binaries are on this machine."""
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb + pg_ctl start in a temporary folder; stop() removes it all."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="branchkit-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.dir)

    def start(self, options: str = "") -> "Cluster":
        """Create and start the cluster, listening on 127.0.0.1 only (plus any server options,
        as `-c name=value` words)."""
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            PG_BIN / "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )
        server = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off {options}"
        self._run(
            PG_BIN / "pg_ctl", "-D", self.data, "-w", "-l", self.dir / "log", "-o", server, "start"
        )
        return self

    def create_database(self, name: str) -> str:
        """Create a database and return its SQLAlchemy URL."""
        self._run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
