"""Where a page's Python time goes (not a test): `bench/timing.py --database-url URL [PAGE ...]`.

Requests each main page of bench/pages.py in-process (Flask test client, CSRF on as in
production) N times, prints the mean milliseconds per request, and with --profile the
functions that took the most cumulative and own time under cProfile. PAGE filters by a word of
the label ("lobby", "ledger"); "healthz" and "bare" (a signed-in page that renders only the
layout) are the references.
"""

import argparse
import cProfile
import pstats
import re
import time

from pages import HEADERS, PAGES, PASSWORD
from serve import ROOT  # noqa: F401 - puts the project on sys.path
from sqlalchemy import select

from webapp import create_app
from webapp.auth.models import Staff
from webapp.config import Config
from webapp.extensions import db

REFERENCES = (
    ("healthz", None, "/healthz", "reference"),
    ("bare signed-in page", "retail1", "/me", "reference"),
)


def main() -> None:
    """Time (and optionally profile) the chosen pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--as", dest="users", nargs="*", help="username=demo-user pairs")
    parser.add_argument("pages", nargs="*", help="words of the labels to keep")
    args = parser.parse_args()
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=args.database_url, SECRET_KEY="x")
    stand_in = dict(pair.split("=") for pair in args.users or [])
    with app.app_context():
        ids = {s.username: s.id for s in db.session.scalars(select(Staff))}
    for label, user, path, _kind in REFERENCES + PAGES:
        if args.pages and not any(word.lower() in label.lower() for word in args.pages):
            continue
        client = app.test_client()
        if user:
            username = stand_in.get(user, user)
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post(
                "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
            )
        names = {n: ids[stand_in.get(n, n)] for n in re.findall(r"\{(\w+)\}", path)}
        url = path.format(**names)
        headers = HEADERS.get(label, {})
        for _ in range(10):
            assert client.get(url, headers=headers).status_code == 200, url
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(args.n):
            client.get(url, headers=headers)
        if profiler:
            profiler.disable()
        ms = (time.perf_counter() - started) * 1000 / args.n
        print(f"{label:32} {url:40} {ms:6.2f} ms")
        if profiler:
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
