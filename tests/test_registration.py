"""Template filters and globals, CLI commands and offline pages are declared by the package that
owns them (`template_filters`, `template_globals`, `commands`, `offline_pages`) and registered in
one place, webapp/__init__.py's _declare: a new one is found where its domain is."""

import re
from pathlib import Path

import pytest

from webapp import DOMAINS, cli, templating

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
ONE_PLACE = WEBAPP / "__init__.py"

REGISTERING = re.compile(
    r"(app_|add_|\.)template_(filter|global)\b|jinja_env\.filters|jinja_env\.globals\.update"
    r"|add_command|\.cli\.(command|group)|\bbp\.cli\b|OFFLINE_PAGES|OFFLINE_URL_PROVIDERS"
)


def test_registered_in_one_place_only():
    """No module but webapp/__init__.py registers a filter, a global, a command or an offline
    page (i18n installs Babel's gettext callables, which are no filter)."""
    wrong = [
        f"{path.relative_to(WEBAPP.parent)}:{number}: {line.strip()}"
        for path in sorted(WEBAPP.rglob("*.py"))
        if path != ONE_PLACE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if REGISTERING.search(line)
    ]
    assert wrong == [], "declare it in the package instead:\n" + "\n".join(wrong)


def _declaring():
    import importlib

    return [templating, cli, *(importlib.import_module(f"webapp.{n}") for n in DOMAINS)]


def test_what_each_package_declares_is_registered(app):
    """Every declared filter, global, command and offline page reaches the app."""
    for module in _declaring():
        for name, function in getattr(module, "template_filters", {}).items():
            assert app.jinja_env.filters[name] is function, (module.__name__, name)
        for name, function in getattr(module, "template_globals", {}).items():
            assert app.jinja_env.globals[name] is function, (module.__name__, name)
        for command in getattr(module, "commands", ()):
            assert app.cli.commands[command.name] is command, (module.__name__, command.name)
        for page in getattr(module, "offline_pages", ()):
            assert page in app.extensions["offline_pages"], (module.__name__, page)


def test_no_name_is_declared_twice():
    """Two packages declaring one filter name would replace each other's silently."""
    for kind in ("template_filters", "template_globals"):
        names = [n for m in _declaring() for n in getattr(m, kind, {})]
        assert len(names) == len(set(names)), kind


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["demo-data", "--help"], "--if-empty"),
        (["push", "--help"], "init-keys"),
        (["referrals", "--help"], "flag-overdue"),
    ],
)
def test_the_commands_answer(app, args, shown):
    """`flask demo-data`, `flask push ...` and `flask referrals ...` are there as before."""
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert shown in result.output
