"""A prospect list's row, rendered from the values it shows (fragments.pure_fragment)."""

from datetime import date

from flask_login import current_user
from markupsafe import Markup

from webapp.auth.models import Role
from webapp.fragments import pure_fragment
from webapp.prospects.models import Prospect, is_overdue


def prospect_row(prospect: Prospect, today: date) -> Markup:
    """One prospect's row for the signed-in user: rendered again only when what it shows
    changed (a list page is 50 rows, most of them as they were on the last visit). `prospect`
    is a Prospect or a row of queries.open_prospects' plain columns (the same names)."""
    mine = prospect.owner_id == current_user.id
    stage = prospect.stage
    return pure_fragment(
        "prospects/_row.html",
        id=prospect.id,
        customer=prospect.customer_name,
        category=prospect.category,
        product=prospect.product_name,
        amount_fen=prospect.expected_amount_fen,
        owner=None if mine else prospect.owner_name,
        stage=stage,
        potential=prospect.potential,
        follow_up=prospect.next_follow_up,
        overdue=is_overdue(stage, prospect.next_follow_up, today),
        movable=bool(
            stage.is_open and stage.next and (mine or current_user.role == Role.BRANCH_MANAGER)
        ),
    )
