"""Where a page's time goes in the database (not a test): `bench/explain.py --database-url URL`.

Requests each main page of bench/pages.py in-process (Flask test client) against an existing
PostgreSQL database, records every statement it runs with its parameters, then runs
EXPLAIN (ANALYZE, BUFFERS) on each and prints them slowest first with their plans. This is how
the indexes of migration "indexes from the main pages' queries" were chosen.
"""

import argparse
import re

from pages import HEADERS, PAGES, PASSWORD
from serve import ROOT  # noqa: F401 - puts the project on sys.path
from sqlalchemy import event, select

from webapp import create_app
from webapp.auth.models import Staff
from webapp.config import Config
from webapp.extensions import db


class Recorder:
    """Collects (statement, parameters) from the engine while switched on."""

    def __init__(self, engine):
        self.rows: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.rows.append((statement, parameters))


def main() -> None:
    """Request the pages, then explain what they ran."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--top", type=int, default=15, help="plans to print (default 15)")
    parser.add_argument("--as", dest="users", nargs="*", help="username=demo-user pairs")
    args = parser.parse_args()
    app = create_app(
        Config, SQLALCHEMY_DATABASE_URI=args.database_url, WTF_CSRF_ENABLED=False, SECRET_KEY="x"
    )
    stand_in = dict(pair.split("=") for pair in args.users or [])
    with app.app_context():
        ids = {s.username: s.id for s in db.session.scalars(select(Staff))}
        recorder = Recorder(db.engine)
    measured = []
    for label, user, path, _kind in PAGES:
        username = stand_in.get(user, user)
        names = {name: ids[stand_in.get(name, name)] for name in re.findall(r"\{(\w+)\}", path)}
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD})
        url = path.format(**names)
        headers = HEADERS.get(label, {})
        client.get(url, headers=headers)  # warm caches
        with app.app_context():
            recorder.rows.clear()
            recorder.on = True
            status = client.get(url, headers=headers).status_code
            recorder.on = False
            cursor = db.session.connection().connection.cursor()  # the driver's own
            for statement, parameters in recorder.rows:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
                ms = float(re.search(r"Execution Time: ([\d.]+) ms", lines[-1]).group(1))
                measured.append((ms, label, statement, lines))
            db.session.rollback()
        print(f"{label:32} {url:40} {status} {len(recorder.rows)} statements")
    measured.sort(key=lambda row: -row[0])
    print(f"\nSlowest {args.top} statements:")
    for ms, label, statement, lines in measured[: args.top]:
        flat = re.sub(r"\s+", " ", statement)[:400]
        print(f"\n--- {ms:.2f} ms · {label}\n{flat}")
        print("\n".join("    " + line for line in lines))


if __name__ == "__main__":
    main()
