"""Importing 10,000 customers (not a test): `bench/import_10k.py [--postgres | --database-url URL]`.

Writes a 10,000-row .xlsx with openpyxl (tests/imports/helpers.py, no bad rows), uploads it
through the form (in-process test client, CSRF on), runs the check job and the import job as
the worker runs them (webapp.jobs.runner), and prints the seconds of each step. The reference
is /healthz requested in the same run: the ratio says how many health checks the import costs,
so figures from a busy machine compare. By default a fresh SQLite file is used; --postgres
starts a throw-away PostgreSQL cluster (tests/postgres.py: fsync off); --database-url uses a
migrated database of yours (it adds a branch BENCH-IMP and 10,000 customers to it).
"""

import argparse
import io
import re
import tempfile
import time
from pathlib import Path

from serve import ROOT, Cluster  # noqa: F401 - ROOT puts the project on sys.path
from sqlalchemy import func, select

from tests.imports.helpers import write_customer_workbook
from webapp import create_app
from webapp.auth.models import Branch, Role, Staff
from webapp.config import Config
from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.imports.models import CustomerImport
from webapp.jobs import runner

ROWS = 10_000
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    """Time the preview and the import of a 10,000-row workbook."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true", help="a throw-away cluster")
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    cluster = Cluster().start() if args.postgres else None
    try:
        url = args.database_url or (
            cluster.create_database("bench") if cluster else f"sqlite:///{work / 'bench.db'}"
        )
        run(url, args.rows, work, migrate=args.database_url is None)
    finally:
        if cluster is not None:
            cluster.stop()


def run(url: str, rows: int, work: Path, migrate: bool) -> None:
    """Upload, check and import the workbook; print the figures."""
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench")
    with app.app_context():
        if migrate:
            from flask_migrate import upgrade

            upgrade()
        manager, owner = _people()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = manager
        session["_fresh"] = True

    start = time.perf_counter()
    for _ in range(200):
        client.get("/healthz")
    reference = (time.perf_counter() - start) / 200

    path = work / "customers.xlsx"
    start = time.perf_counter()
    write_customer_workbook(path, rows=rows, bad=0, owner_username=owner, start=500_000)
    written = time.perf_counter() - start

    start = time.perf_counter()
    token = CSRF_RE.search(client.get("/imports/").get_data(as_text=True)).group(1)
    response = client.post(
        "/imports/",
        data={
            "csrf_token": token,
            "kind": "individual",
            "file": (io.BytesIO(path.read_bytes()), "customers.xlsx"),
        },
        content_type="multipart/form-data",
    )
    import_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    uploaded = time.perf_counter() - start
    with app.app_context():
        start = time.perf_counter()
        runner.run_pending()
        checked = time.perf_counter() - start
        record = db.session.get(CustomerImport, import_id)
        assert record.new_rows == rows, (record.new_rows, record.error_rows)
    page = f"/imports/{import_id}"
    token = CSRF_RE.search(client.get(page).get_data(as_text=True)).group(1)
    client.post(f"{page}/confirm", data={"csrf_token": token})
    with app.app_context():
        start = time.perf_counter()
        runner.run_pending()
        imported = time.perf_counter() - start
        record = db.session.get(CustomerImport, import_id)
        count = db.session.scalar(select(func.count(Customer.id)))
    total = uploaded + checked + imported
    print(f"database           {url.split(':', 1)[0]}")
    print(f"healthz reference  {reference * 1000:.2f} ms")
    print(f"write .xlsx        {written:.2f} s (the test's openpyxl, not BranchKit)")
    print(f"upload             {uploaded:.2f} s")
    print(f"check (preview)    {checked:.2f} s")
    print(
        f"import             {imported:.2f} s  ({record.created_count} created, {count} customers)"
    )
    print(f"upload+check+import {total:.2f} s  = {total / reference:,.0f} x healthz")


def _people() -> tuple[str, str]:
    """A branch with a manager (who imports) and an account manager (who owns); session id of
    the manager and username of the owner."""
    branch = Branch(code="BENCH-IMP", name="导入基准支行")
    db.session.add(branch)
    db.session.flush()
    manager = Staff(
        username="bench-manager", name="经理", role=Role.BRANCH_MANAGER, branch_id=branch.id
    )
    owner = Staff(username="bench-owner", name="客户经理", role=Role.RETAIL_AM, branch_id=branch.id)
    for person in (manager, owner):
        person.set_password("bench-password-1")
        person.session_token = person.username
        db.session.add(person)
    db.session.commit()
    return manager.get_id(), owner.username


if __name__ == "__main__":
    main()
