"""The load balancer's health check, and the WSGI entry point it checks."""

import os
import subprocess
import sys

from webapp import ROOT, create_app
from webapp.config import TestConfig


def test_healthz_answers_ok_when_the_database_answers(client):
    """200 and a small JSON body when the database is reachable."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    """503 when the database cannot be reached."""
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite"
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] is False


def test_the_wsgi_entry_point_serves_with_its_startup_objects_frozen(tmp_path):
    """webapp.wsgi:app (what gunicorn loads) answers, its startup objects out of the GC's reach."""
    code = (
        "import gc, webapp.wsgi as w; r = w.app.test_client().get('/healthz');"
        "print(r.status_code, gc.get_freeze_count())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/wsgi.db",
        "BRANCHKIT_INSTANCE": str(tmp_path),
        "SECRET_KEY": "x",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    status, frozen = done.stdout.split()
    assert status == "200" and int(frozen) > 50_000, done.stderr
