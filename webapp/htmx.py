"""htmx conventions: when to answer with a fragment instead of the whole page."""

from webapp.extensions import htmx


def is_fragment() -> bool:
    """True for a plain htmx request; boosted and history-restore requests get the page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
