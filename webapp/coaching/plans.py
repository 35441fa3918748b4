"""Templates for the action plans the seed describes (网点行动计划: 什么人 什么时间 做什么事 达到什么
效果), each tied to the figure that shows whether it worked."""

from flask_babel import lazy_gettext as _l

PLAN_TEMPLATES = {
    "referrals": {
        "name": _l("More internal referrals"),
        "what": _l(
            "Ask every counter customer one needs question and refer two customers a day to the right colleague"
        ),
        "effect": _l("Ten internal referrals a week"),
        "metric": "referrals_given",
    },
    "appointments": {
        "name": _l("Appointments from the customer list"),
        "what": _l("Call five customers from the sheets each day and offer two meeting times"),
        "effect": _l("Five appointments set a week"),
        "metric": "appointments_set",
    },
    "market": {
        "name": _l("Market running in the new area"),
        "what": _l("Run the market twice a week, eight shops or SMEs a sweep, with the sales kit"),
        "effect": _l("Sixteen visits a week"),
        "metric": "visits_made",
    },
    "prospects": {
        "name": _l("Follow up the prospect list"),
        "what": _l("Follow up every prospect by its date and move each on or close it"),
        "effect": _l("Ten prospects moved forward a week"),
        "metric": "prospects_moved_forward",
    },
    "new_customers": {
        "name": _l("New customers from the lobby"),
        "what": _l(
            "Greet walk-ins in the lobby at peak hours and fill a sheet for each new customer"
        ),
        "effect": _l("Five new customers a week"),
        "metric": "new_customers",
    },
}
