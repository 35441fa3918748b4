"""Command-line commands: `flask --app webapp demo-data | setup | check`."""

import time

import click
from flask.cli import with_appcontext

from webapp import demo, ops
from webapp.admin import organisation
from webapp.demo import large, org
from webapp.extensions import db


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load only when the database has no branch yet.")
@click.option(
    "--scale",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: the demo region with two branches. large: the same plus a regional bank's "
    "worth of generated branches and two years of history (see webapp/demo/large.py).",
)
@click.option(
    "--counts",
    default="",
    help='With --scale large: other totals than the defaults, e.g. "branches=5,customers=900" '
    "(for tests and trials).",
)
def demo_data(if_empty: bool, scale: str, counts: str) -> None:
    """Load the demo region, branches, staff and customers."""
    if not demo.database_is_empty():
        if if_empty:
            click.echo("Demo data: the database already has data; nothing loaded.")
            return
        raise click.ClickException(
            "The database already has data; demo-data loads only into an empty one."
        )
    if scale == "large":
        started = time.monotonic()
        made = large.generate(large.Counts.parse(counts), echo=click.echo)
        db.session.commit()
        large.analyse()
        click.echo(f"Generated in {time.monotonic() - started:.0f} s.")
    else:
        made = demo.load_demo()
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in made.items()) + ".")
    click.echo(
        f"Sign in with any of: {', '.join(u for u, *_ in org.HOME_STAFF)}, admin "
        f"(second branch: {', '.join(u for u, *_ in org.SECOND_STAFF)})"
    )
    click.echo(f"Password for all: {demo.DEMO_PASSWORD}")


def _regions(regions: tuple[str, ...], branches: tuple[str, ...]) -> dict[str, list[str]]:
    """Regions with their branches: "Region/Branch" names its region, a bare name goes to the
    first region."""
    found: dict[str, list[str]] = {name.strip(): [] for name in regions if name.strip()}
    for item in branches:
        region, _, name = item.rpartition("/")
        region = region.strip() or next(iter(found), "")
        if region not in found:
            raise click.BadParameter(f"{item}: no region named {region!r}.", param_hint="--branch")
        if name.strip():
            found[region].append(name.strip())
    return found


def _split(answer: str) -> tuple[str, ...]:
    """The names typed at a prompt, separated by commas (Chinese or not)."""
    return tuple(n.strip() for n in answer.replace("，", ",").split(",") if n.strip())


@click.command("setup")
@with_appcontext
@click.option("--head-office", default="总行", show_default=True, help="The bank's head office.")
@click.option("--region", "regions", multiple=True, help="A region (管辖行); repeat for more.")
@click.option(
    "--branch",
    "branches",
    multiple=True,
    help='A branch (网点): "Region/Branch", or just "Branch" for the first region; repeat.',
)
@click.option("--admin-username", help="The first administrator's username.")
@click.option("--admin-name", help="The first administrator's name.")
def setup(head_office, regions, branches, admin_username, admin_name) -> None:
    """Start with your own data: on an empty database, create the head office, regions,
    branches and the first administrator (asked for what the options do not give)."""
    if not demo.database_is_empty():
        raise click.ClickException(
            "The database already has data; setup runs only on an empty one "
            "(administrators add units and staff on the Organisation and Staff pages)."
        )
    if not regions:
        regions = _split(click.prompt("Regions (管辖行), separated by commas"))
    if not branches:
        branches = _split(
            click.prompt(
                'Branches (网点), separated by commas ("Region/Branch" for another region)'
            )
        )
    admin_username = admin_username or click.prompt("First administrator's username")
    admin_name = admin_name or click.prompt("First administrator's name")
    structure = _regions(regions, branches)
    try:
        admin, password = organisation.setup_bank(
            head_office, structure, admin_username, admin_name
        )
    except organisation.OrganisationError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {head_office}:")
    for region, names in structure.items():
        click.echo(f"  {region}: {', '.join(names) or '(no branch yet)'}")
    click.echo(f"First administrator: {admin.username} ({admin.name})")
    click.echo(f"One-time password: {password}")
    click.echo("It works once: they choose their own password at the first sign-in.")


@click.command("check")
@with_appcontext
def check() -> None:
    """Check a deployment before it starts; exit code 1 when something is wrong."""
    findings = ops.check_deployment()
    for finding in findings:
        mark = "ok  " if finding.ok else "FAIL"
        click.echo(f"{mark} {finding.what}: {finding.detail}")
    failed = [f for f in findings if not f.ok]
    if failed:
        click.echo(f"{len(failed)} problem(s): fix them before starting BranchKit.")
        raise SystemExit(1)
    click.echo("Ready to start.")


commands = (demo_data, setup, check)  # registered by webapp/__init__.py
