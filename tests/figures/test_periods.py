"""One convention for a range of days (issue 18, item 7): in code, every range is half-open,
[start, end) in the branch's local days; a last day is only ever shown."""

from datetime import UTC, date, datetime

import time_machine

from tests.conftest import text_of
from tests.factories import make_customer
from webapp.auth.models import Role
from webapp.prospects.models import Prospect, Stage
from webapp.sales.models import ProductCategory

WEDNESDAY = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, week of Mon 2 Nov


def test_the_one_on_one_counts_stale_follow_ups_as_the_prospect_list_does(
    app, db, branch, client, login_as
):
    """Mid-week, the one-on-one's stale follow-ups are the ones the prospect list calls
    overdue: a follow-up due today or later in the week is not stale yet. A week that has
    ended counts them as they stood at its end (the next Monday's 00:00)."""
    with time_machine.travel(WEDNESDAY, tick=False):
        am = login_as(Role.RETAIL_AM, locale="en")
        customer = make_customer(branch)
        with app.app_context():
            for due in (1, 3, 4, 6, 9):  # Sun 1 Nov, Tue, today, Fri, next Monday
                db.session.add(
                    Prospect(branch_id=branch.id, customer_id=customer.id, owner_id=am.id,
                             category=ProductCategory.FUND, stage=Stage.CONTACTED,
                             next_follow_up=date(2026, 11, due))
                )  # fmt: skip
            db.session.commit()
        listing = text_of(client.get("/prospects/"))
        assert "2 follow-ups are overdue." in listing
        this_week = text_of(client.get(f"/coaching/one-on-ones/{am.id}?week=2026-11-02"))
        assert "Stale follow-ups on the prospect list 2 " in this_week
        last_week = text_of(client.get(f"/coaching/one-on-ones/{am.id}?week=2026-10-26"))
        assert "Stale follow-ups on the prospect list 1 " in last_week
