"""How is this counted (issue 18): every screen that shows a figure offers its one-sentence
definition beside it, and the words come from the one registry next to the code
(webapp/figures/metrics.py HOW_COUNTED), in the user's language."""

import re
from datetime import datetime
from html import unescape

from flask_babel import force_locale

from tests.factories import make_customer, make_sale, make_staff
from webapp.auth.models import Role
from webapp.figures.metrics import HOW_COUNTED
from webapp.sales.models import ProductCategory

DEFINITION = re.compile(
    r'<(details|li) class="how-counted[^"]*"[^>]*data-figure="(\w+)"[^>]*>(.*?)</\1>', re.S
)

# Each screen and the figures it shows.
PAGES = {
    "/reports/progress?month=2026-10": {
        "branch_achieved", "credit", "units", "new_customers", "referrals", "target", "percent",
        "pace",
    },
    "/reports/monthly?month=2026-10": {
        "sales_in_yuan", "target", "branch_achieved", "units", "percent", "month_sales_target",
        "credit", "referral_credit", "behaviours",
    },
    "/reports/weekly?week=2026-10-05": {
        "branch_sales", "sales_in_yuan", "units", "new_customers", "credit_by_week",
    },
    "/reports/credit?month=2026-10": {"credit", "referral_credit"},
    "/referrals/ledger?start=2026-10-01&end=2026-10-31": {
        "referrals_given", "referrals_accepted", "referrals", "referral_value", "referral_credit",
    },
    "/dashboard": {"sales_in_yuan", "target", "percent"},
}  # fmt: skip


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _definitions(html: str) -> dict[str, str]:
    """{figure: the words shown for it} on a page (the toggle's hidden label left out)."""
    found = {}
    for _tag, key, inner in DEFINITION.findall(html):
        inner = re.sub(r"<summary.*?</summary>", "", inner, flags=re.S)
        found[key] = _text(inner)
    return found


def _branch(app, branch):
    manager = make_staff(Role.BRANCH_MANAGER, branch, locale="zh_CN")
    wang = make_staff(Role.WEALTH_MANAGER, branch)
    customer = make_customer(branch)
    make_sale(branch, wang, customer, 6_000_00, sold_at=datetime(2026, 10, 6, 2))
    make_sale(
        branch, wang, customer, 0, category=ProductCategory.CARD, sold_at=datetime(2026, 10, 7, 2)
    )
    return manager, wang


def test_every_figure_has_its_definition_beside_it(app, db, branch, client, login_as):
    """Each screen carries the definition of each figure it shows, word for word the
    registry's, translated (Chinese for this manager)."""
    manager, _wang = _branch(app, branch)
    login_as(manager)
    with app.test_request_context(), force_locale("zh_CN"):
        words = {key: str(text) for key, text in HOW_COUNTED.items()}
    for url, figures in PAGES.items():
        html = client.get(url).get_data(as_text=True)
        shown = _definitions(html)
        assert figures <= set(shown), (url, figures - set(shown))
        for key, text in shown.items():
            assert text == words[key], (url, key)


def test_one_on_one_figures_each_carry_their_definition(app, db, branch, client, login_as):
    """The one-on-one's figures and tool use: every figure's value is followed by its
    definition, so no figure is shown without one."""
    manager, wang = _branch(app, branch)
    login_as(manager)
    html = client.get(f"/coaching/one-on-ones/{wang.id}?week=2026-10-05").get_data(as_text=True)
    for section in re.findall(r'<dl class="facts facts--figures">(.*?)</dl>', html, re.S):
        values = re.findall(r"<dd[^>]*>(.*?)</dd>", section, re.S)
        assert values and all('class="how-counted' in value for value in values)
    assert {"sales_count", "referrals_won", "credit", "sheet_completeness"} <= set(
        _definitions(html)
    )


def test_every_registered_definition_is_one_translated_sentence(app):
    """The registry holds one sentence per figure, each translated."""
    with app.test_request_context(), force_locale("zh_CN"):
        for key, text in HOW_COUNTED.items():
            english = text._args[0] if hasattr(text, "_args") else str(text)
            assert english.endswith(".") and english.count(". ") == 0, key
            assert str(text) != english, f"{key} is not translated"
