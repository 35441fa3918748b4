"""Where a visit's outcome leads: the next form, prefilled from the visit and its stop.

A visit saved offline gets the same links on the phone (static/js/field.js, `nextSteps`), from
the form's values; keep the two alike (tests/browser/test_field_loop.py compares them)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l

from webapp.field.models import Outcome, Visit

# The source of a customer made from a visit (webapp/customers: Acquisition.MARKET_RUNNING).
MARKET_RUNNING = "market_running"

LABELS = {
    "appointment": _l("Book the appointment"),
    "referral": _l("Refer to a colleague"),
    "prospect": _l("Add prospect"),
    "sme_sheet": _l("Start an SME sheet"),
}
# The step an outcome offers first; the others that apply follow.
BY_OUTCOME = {
    Outcome.APPOINTMENT: "appointment",
    Outcome.LEAD: "referral",
    Outcome.INTERESTED: "prospect",
    Outcome.SME_SHEET: "sme_sheet",
}
# What each outcome offers: a visit with no interest offers nothing.
OFFERED = {
    Outcome.NOT_INTERESTED: (),
    Outcome.INFO_COLLECTED: ("sme_sheet",),
    Outcome.SME_SHEET: ("sme_sheet",),
    Outcome.APPOINTMENT: ("appointment", "sme_sheet"),
    Outcome.LEAD: ("referral", "sme_sheet"),
    Outcome.INTERESTED: ("prospect", "appointment", "sme_sheet"),
}


@dataclass(frozen=True)
class NextStep:
    """A link to the form that follows an outcome."""

    key: str
    label: str
    url: str


def _url(endpoint: str, query: dict) -> str:
    """The endpoint's address with the non-empty values as its query."""
    return url_for(endpoint) + "?" + urlencode({k: v for k, v in query.items() if v})


def customer_id_of(visit: Visit) -> int | None:
    """The customer the visit's stop is, if any."""
    return visit.stop.customer_id if visit.stop is not None else None


def urls(visit: Visit, customer_id: int | None) -> dict[str, str]:
    """Each next form's address, prefilled: the customer when there is one, else the contact
    met as a new customer; the SME sheet and a prospect for whichever applies."""
    who = (
        {"customer_id": customer_id}
        if customer_id
        else {
            "new_name": visit.contact_name or visit.business_name,
            "new_mobile": visit.contact_mobile,
        }
    )
    found = {
        "appointment": _url(
            "appointments.new",
            {"via": "in_person", "place": visit.place or visit.business_name} | who,
        ),
        "referral": _url("referrals.new", who | {"via": MARKET_RUNNING, "note": note_of(visit)}),
    }
    if customer_id:
        found["prospect"] = _url("prospects.new", {"customer_id": customer_id})
    else:
        found["sme_sheet"] = sme_sheet_url(visit)
    return found


def sme_sheet_url(visit: Visit) -> str:
    """The new SME sheet, prefilled under the sheet's own field names (the page kept on the
    phone fills itself from them), its source market running."""
    return _url(
        "customers.new_sme",
        {
            "via": MARKET_RUNNING,
            "acquired_via": MARKET_RUNNING,
            "name": visit.business_name,
            "address": visit.place,
            "industry": visit.industry,
            "contact_name": visit.contact_name,
            "mobile": visit.contact_mobile,
        },
    )


def next_steps(visit: Visit) -> list[NextStep]:
    """The outcome's own next step first, then the others it offers that apply."""
    found = urls(visit, customer_id_of(visit))
    first = BY_OUTCOME.get(visit.outcome)
    keys = [first] if first else []
    keys += [k for k in OFFERED.get(visit.outcome, ()) if k != first]
    return [NextStep(k, str(LABELS[k]), found[k]) for k in keys if k in found]


def offers_contact(visit: Visit) -> bool:
    """Whether the contact met can be made a customer: named, at no customer's stop, and not
    turned away."""
    return bool(
        visit.contact_name
        and customer_id_of(visit) is None
        and visit.outcome != Outcome.NOT_INTERESTED
    )


def note_of(visit: Visit) -> str:
    """What the colleague reads about the lead: where it was met and what was said."""
    return " · ".join(x for x in (visit.business_name, visit.place, visit.notes) if x)[:200]


def after_contact(customer_id: int, place: str) -> list[NextStep]:
    """Once the contact is a customer: a prospect for them, or the appointment."""
    return [
        NextStep(
            "prospect", str(LABELS["prospect"]), _url("prospects.new", {"customer_id": customer_id})
        ),
        NextStep(
            "appointment",
            str(LABELS["appointment"]),
            _url(
                "appointments.new", {"via": "in_person", "place": place, "customer_id": customer_id}
            ),
        ),
    ]
