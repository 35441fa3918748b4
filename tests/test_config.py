"""Configuration: the secret key is never in the repo; one is made per instance on first start."""

import stat

from webapp import create_app
from webapp.config import Config


def test_secret_key_is_generated_into_the_instance_folder_once(tmp_path, monkeypatch):
    """With no SECRET_KEY, the first start writes a private key file and later starts reuse it."""
    monkeypatch.setenv("BRANCHKIT_INSTANCE", str(tmp_path))
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    first = create_app(Config, SQLALCHEMY_DATABASE_URI="sqlite://")
    second = create_app(Config, SQLALCHEMY_DATABASE_URI="sqlite://")
    key_file = tmp_path / "secret_key"
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    """No DATABASE_URL: the embedded SQLite file under instance/."""
    monkeypatch.setenv("BRANCHKIT_INSTANCE", str(tmp_path))
    monkeypatch.setattr(Config, "SQLALCHEMY_DATABASE_URI", None)
    app = create_app(Config, SECRET_KEY="x")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'branchkit.db'}"
