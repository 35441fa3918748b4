"""Command-line commands: `flask --app webapp demo-data`."""

import time

import click
from flask.cli import with_appcontext

from webapp import demo
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


commands = (demo_data,)  # registered by webapp/__init__.py
