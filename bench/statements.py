"""What PostgreSQL spends per statement under load (not a test): `bench/statements.py [PAGE ...]`.

Serves the app under gunicorn (2 sync workers) and drives each main page of bench/pages.py with
wrk, then prints pg_stat_statements for that page alone: calls, how many times PostgreSQL
planned the statement, and the mean planning and execution milliseconds. A statement planned on
every call (plans = calls) pays its planning each request, which EXPLAIN ANALYZE of one run
(bench/explain.py) and the in-process timings (bench/timing.py) do not show: that is how the
lobby board's 0.59 ms of planning for 0.01 ms of running was found.

With --database-url the server must load the extension (shared_preload_libraries =
pg_stat_statements, pg_stat_statements.track_planning = on); without it, a throwaway cluster is
started with both and the small demo loaded. PAGE keeps the pages whose label holds the word.
"""

import argparse
import re
import shutil
import tempfile
from pathlib import Path

from pages import HEADERS, PAGES, prepare, sign_in, wrk
from serve import Cluster, gunicorn
from sqlalchemy import create_engine, text

PRELOAD = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
STATS = text(
    "SELECT calls, plans, total_plan_time / calls, total_exec_time / calls,"
    " regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements"
    " WHERE calls >= :least ORDER BY total_plan_time + total_exec_time DESC LIMIT :top"
)


def main() -> None:
    """Start what is needed, drive each page, print its statements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database whose server preloads the extension")
    parser.add_argument("--seconds", type=int, default=6, help="per page (default 6)")
    parser.add_argument("--top", type=int, default=6, help="statements per page (default 6)")
    parser.add_argument("--as", dest="users", nargs="*", default=[], help="demo-user=other-user")
    parser.add_argument("pages", nargs="*", help="words of the labels to keep")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    stand_in = dict(pair.split("=") for pair in args.users)
    instance = Path(tempfile.mkdtemp(prefix="branchkit-statements-"))
    cluster = None
    if args.database_url:
        url = args.database_url
    else:
        cluster = Cluster().start(PRELOAD)
        url = cluster.create_database("branchkit_statements")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        prepare(url, instance, "small")
        with engine.connect() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
        process, base = gunicorn(url, instance)
        try:
            for label, user, path, _kind in PAGES:
                if args.pages and not any(w.lower() in label.lower() for w in args.pages):
                    continue
                cookie, _id = sign_in(base, stand_in.get(user, user))
                # "{retail1}" in a manager's page: that demo user's (or stand-in's) id.
                ids = {
                    n: sign_in(base, stand_in.get(n, n))[1] for n in re.findall(r"\{(\w+)\}", path)
                }
                url_path = base + path.format(**ids)
                headers = HEADERS.get(label)
                wrk(url_path, cookie, 2, 32, headers)  # warm-up: connections prepare statements
                with engine.connect() as connection:
                    connection.execute(text("SELECT pg_stat_statements_reset()"))
                rps, *_ = wrk(url_path, cookie, args.seconds, 32, headers)
                with engine.connect() as connection:
                    rows = connection.execute(STATS, {"least": 10, "top": args.top}).all()
                print(f"\n{label} ({path}, {rps:.0f} req/s)")
                print(f"  {'calls':>7} {'plans':>7} {'plan ms':>8} {'exec ms':>8}  statement")
                for calls, plans, plan_ms, exec_ms, query in rows:
                    print(f"  {calls:7d} {plans:7d} {plan_ms:8.3f} {exec_ms:8.3f}  {query[:90]}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        engine.dispose()
        if cluster:
            cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
