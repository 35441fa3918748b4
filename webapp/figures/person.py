"""One person's figures: a week's for the one-on-one, and the weeks' trend."""

from datetime import date, timedelta

from webapp.auth.models import Staff
from webapp.figures import metrics
from webapp.figures.periods import bounds, next_month
from webapp.sales.queries import Credit, credit_of


def week_figures(person: Staff, week: date) -> dict:
    """A one-on-one's figures from one statement: the week's figures and use of the four sales tools 销售四宝 as (label, value) pairs, and the
    month's credit (fen) against the sales target (None when none is set)."""
    from flask_babel import gettext as _

    ids, end, month = [person.id], week + timedelta(days=7), week.replace(day=1)
    figures = (
        (_("Calls"), metrics.calls_made),
        (_("Visits"), metrics.visits_made),
        (_("Visits with an outcome"), metrics.visit_outcomes),
        (_("Appointments set"), metrics.appointments_set),
        (_("Appointments held"), metrics.appointments_held),
        (_("Referrals given"), metrics.referrals_given),
        (_("Referrals received"), metrics.referrals_received),
        (_("Referrals given and won"), metrics.referrals_won),
        (_("Referrals received and won"), metrics.referrals_received_won),
        (_("Prospects moved forward"), metrics.prospects_moved_forward),
        (_("Sales made"), metrics.sales_count),
        (_("New customers"), metrics.new_customers),
    )
    tools = (
        (_("Days with a planned schedule"), metrics.schedule_days_planned),
        (_("Stale follow-ups on the prospect list"), metrics.stale_follow_ups),
        (_("Customer sheet completeness (%)"), metrics.sheet_completeness),
    )
    month_figures = (metrics.month_sales_target,)
    values = metrics.together(
        [fig for _label, fig in figures + tools] + list(month_figures), ids, week, end, month
    )

    def read(pairs):
        # (label, value, the figure's key in the definitions beside it: metrics.HOW_COUNTED)
        return [(label, values[fig].get(person.id, 0), fig.__name__) for label, fig in pairs]

    return {
        "figures": read(figures),
        "tools": read(tools),
        # The month's credit as every screen reads it (the same lines, the same function).
        "credit": credit_of(ids, *bounds(month, next_month(month))).get(person.id, Credit()).total,
        "target": values[metrics.month_sales_target].get(person.id),
    }


def trend(person: Staff, week: date, weeks: int = 8) -> list[dict]:
    """The person's key figures for the `weeks` weeks ending with `week`, oldest first."""
    first = week - timedelta(weeks=weeks - 1)
    credit, sales = metrics.credit_and_sales_by_week(person.id, first, weeks)
    return [
        {"week": first + timedelta(weeks=i), "credit_fen": credit[i], "sales": sales[i]}
        for i in range(weeks)
    ]
