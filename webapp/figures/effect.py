"""The figure an action plan is meant to move, per week before, during and after the plan.

A plan (网点行动计划: who, when, does what, to achieve what effect) may name one of the figures
below. Its effect is read from the records, never typed: the named person's weekly rate over
the four weeks before the plan started, while it ran (start to due day, or to today), and in
the four weeks after its due day (once they have begun). A rate is the count times seven over
the days of the period, so periods of different lengths compare.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from webapp.figures import metrics
from webapp.i18n import Labels
from webapp.timeutil import local_today

WINDOW = timedelta(weeks=4)

# The figures a plan may be tied to, by the key a plan stores.
TRACKABLE = {
    "referrals_given": metrics.referrals_given,
    "calls_made": metrics.calls_made,
    "appointments_set": metrics.appointments_set,
    "visits_made": metrics.visits_made,
    "sales_count": metrics.sales_count,
    "prospects_moved_forward": metrics.prospects_moved_forward,
    "new_customers": metrics.new_customers,
}
TRACKABLE_LABELS = Labels(
    {
        "referrals_given": _l("Referrals given per week"),
        "calls_made": _l("Calls per week"),
        "appointments_set": _l("Appointments set per week"),
        "visits_made": _l("Market-running visits per week"),
        "sales_count": _l("Sales per week"),
        "prospects_moved_forward": _l("Prospects moved forward per week"),
        "new_customers": _l("New customers per week"),
    }
)


@dataclass(frozen=True)
class Period:
    """One period of a plan's effect: its days [start, end), the count and the weekly rate."""

    start: date
    end: date
    count: int

    @property
    def per_week(self) -> float:
        """The count per seven days of the period."""
        return round(self.count * 7 / max((self.end - self.start).days, 1), 1)


def effect(
    staff_id: int, metric: str, started: date, due: date, today: date | None = None
) -> dict[str, Period | None]:
    """The figure's weekly rate before, during and after a plan for the person it names; a
    period not yet begun is None."""
    figure = TRACKABLE[metric]
    today = today or local_today()
    tomorrow = today + timedelta(days=1)

    def period(start: date, end: date) -> Period | None:
        end = min(end, tomorrow)
        if end <= start:
            return None
        return Period(start, end, figure([staff_id], start, end).get(staff_id, 0))

    after_start = due + timedelta(days=1)
    return {
        "before": period(started - WINDOW, started),
        "during": period(started, after_start),
        "after": period(after_start, after_start + WINDOW),
    }
