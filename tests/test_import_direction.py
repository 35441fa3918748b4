"""Which part of webapp/ may import which, walked with `ast` over every module (imports inside
functions count: a lazy import is still a dependency, only a later one).

The layering is declared once, in webapp.DOMAINS: a domain package imports only the domains
listed before it. Below every domain sit the base modules (BASE), which import no domain; above
every domain sit the loaders (the app factory, the CLI and the demo data), which may import any.
"""

import ast
from functools import cache
from pathlib import Path

from webapp import DOMAINS

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"

# What every template, form and domain stands on: they know no domain, so any domain can use
# them without a cycle.
BASE = frozenset(
    {
        "config",
        "errors",
        "extensions",
        "fragments",
        "htmx",
        "i18n",
        "inputs",
        "names",
        "numbers",
        "security",
        "signals",
        "static_files",
        "templating",
        "timeutil",
        "transactions",
    }
)
# Above every domain: they put the domains together (ops checks a deployment, push keys included).
LOADERS = frozenset({"", "cli", "demo", "ops", "wsgi"})


@cache
def _modules() -> dict[str, Path]:
    """Every module of webapp/ by dotted name."""
    found = {}
    for path in sorted(WEBAPP.rglob("*.py")):
        parts = path.relative_to(WEBAPP.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


@cache
def imports() -> tuple[tuple[str, str], ...]:
    """(importer, imported) for every import of a webapp module by another, the imported name
    being the module itself when `from package import module` names one."""
    modules = _modules()
    edges = set()
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            else:
                continue
            edges.update((name, t) for t in targets if t in modules and t != name)
    return tuple(sorted(edges))


def part(module: str) -> str:
    """The top-level part of webapp a module belongs to: "lobby", "templating", "" (the root)."""
    return module.split(".")[1] if "." in module else ""


def test_every_part_of_webapp_is_declared():
    """A new package or module is placed in a layer before it can be checked."""
    parts = {part(m) for m in _modules()}
    assert parts - set(DOMAINS) - BASE - LOADERS == set(), "add it to DOMAINS or BASE"
    assert not BASE & set(DOMAINS)


def test_base_modules_import_no_domain():
    """extensions, timeutil, i18n, templating...: every page stands on them, so they name no
    domain (templating.py does not read auth's access rules nor a domain's model)."""
    wrong = [f"{a} imports {b}" for a, b in imports() if part(a) in BASE and part(b) not in BASE]
    assert wrong == [], "\n".join(wrong)


def test_domains_import_only_the_domains_below_them():
    """A domain imports only those listed before it in webapp.DOMAINS, so no two import each
    other (lobby and referrals, coaching and figures...), however indirectly."""
    rank = {name: i for i, name in enumerate(DOMAINS)}
    wrong = [
        f"{a} imports {b}: {part(b)} is listed after {part(a)} in webapp.DOMAINS"
        for a, b in imports()
        if part(a) in rank and part(b) in rank and rank[part(b)] > rank[part(a)]
    ]
    assert wrong == [], "\n".join(wrong)


def test_no_cycle_between_domains():
    """Whatever order DOMAINS is in, no chain of imports leads from a domain back to itself."""
    graph: dict[str, set[str]] = {}
    for a, b in imports():
        if part(a) in DOMAINS and part(b) in DOMAINS and part(a) != part(b):
            graph.setdefault(part(a), set()).add(part(b))

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            here = stack.pop()
            for there in graph.get(here, ()):
                if there == goal:
                    return True
                if there not in seen:
                    seen.add(there)
                    stack.append(there)
        return False

    wrong = [
        f"{a} imports {b}, and {part(b)} leads back to {part(a)}"
        for a, b in imports()
        if part(a) in DOMAINS
        and part(b) in DOMAINS
        and part(a) != part(b)
        and reaches(part(b), part(a))
    ]
    assert wrong == [], "\n".join(wrong)


# Directions the order of DOMAINS alone would allow, refused for a reason of their own.
FORBIDDEN = (
    # (importer, imported, why): prefixes of module names
    ("webapp.figures", "webapp.coaching", "figures are read by coaching, never the reverse"),
    ("webapp.figures", "webapp.home", "figures are read by the home pages, never the reverse"),
    ("webapp.lobby", "webapp.referrals", "referrals are made from check-ins, not the reverse"),
)


def test_no_forbidden_direction():
    """The listed directions stay closed, whatever the order of DOMAINS."""
    wrong = [
        f"{a} imports {b}: {why}"
        for a, b in imports()
        for importer, imported, why in FORBIDDEN
        if (a == importer or a.startswith(importer + "."))
        and (b == imported or b.startswith(imported + "."))
    ]
    assert wrong == [], "\n".join(wrong)


def test_push_reads_other_domains_models_only():
    """Push listens to the domains' signals: of another domain it may read the models (a
    reminder's appointment), never call its services or tasks."""
    wrong = [
        f"{a} imports {b}: send a signal from {part(b)} instead"
        for a, b in imports()
        if part(a) == "push"
        and part(b) in DOMAINS
        and part(b) not in ("push", "auth")
        and not b.endswith(".models")
    ]
    assert wrong == [], "\n".join(wrong)


def test_charts_are_drawn_by_figures_only():
    """Coaching (and any other domain) draws its charts through webapp.figures.charts."""
    charts = [m for m in _modules() if m.rpartition(".")[2] == "charts"]
    assert charts == ["webapp.figures.charts"]
    wrong = [
        f"{a} imports {b}"
        for a, b in imports()
        if part(a) == "coaching" and b.rpartition(".")[2] == "charts" and part(b) != "figures"
    ]
    assert wrong == [], "\n".join(wrong)


def test_may_a_role_open_a_page_is_written_once():
    """The navigation and the offline page list ask auth.access.may_open; no other module reads
    a view's access rule itself."""
    wrong = [
        f"{a} imports {b}"
        for a, b in imports()
        if b == "webapp.auth.access" and part(a) != "auth" and _names(a, b) & {"rule_for"}
    ]
    assert wrong == [], "\n".join(wrong)
    users = {a for a, b in imports() if b == "webapp.auth.access" and "may_open" in _names(a, b)}
    assert {"webapp.sync.routes", "webapp.home.nav"} <= users


def _names(importer: str, imported: str) -> set[str]:
    """The names `importer` takes from `imported` with `from imported import ...`."""
    tree = ast.parse(_modules()[importer].read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == imported
        for alias in node.names
    }
