"""Every figure people are coached and paid by, defined once: targets, the metrics, the sales
progress table, the weekly meeting, the monthly report and its workbook, the region roll-up, the
charts and the credit statement. Coaching and the home pages read their figures from here."""

from flask import Blueprint

bp = Blueprint("figures", __name__, url_prefix="/reports")


def percent(value: int | None) -> str:
    """A rate's percent, or a dash when nothing was counted."""
    return "—" if value is None else f"{value}%"


def minutes(value: float | None) -> str:
    """Minutes to one decimal, or a dash when there were none."""
    return "—" if value is None else f"{value:.1f}"


# The definitions beside every figure (templates/figures/_how_counted.html), on every page that
# shows one, the home and coaching pages included.
from webapp.figures.metrics import how_counted  # noqa: E402

template_filters = {"percent": percent, "minutes": minutes}
template_globals = {"figure_definition": how_counted}
