"""The load balancer's health check."""

from webapp import create_app
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
