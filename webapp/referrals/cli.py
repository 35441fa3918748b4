"""`flask referrals flag-overdue`: the overdue pass of the push worker, by hand."""

import click
from flask import current_app
from flask.cli import AppGroup

from webapp import timeutil
from webapp.extensions import db

referrals_cli = AppGroup("referrals", help="Referrals: the overdue pass.")


@referrals_cli.command("flag-overdue")
def flag_overdue_command() -> None:
    """Tell the managers of referrals not accepted in time, as the push worker's pass does."""
    from webapp.referrals.tasks import notify_overdue

    # Listeners build links with url_for and translate labels: give them a request context.
    with current_app.test_request_context():
        late = notify_overdue(timeutil.now_naive())
        db.session.commit()
    click.echo(f"{late} referral(s) newly overdue.")
