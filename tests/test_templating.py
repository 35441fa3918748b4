"""Template helpers that stand in for slower ones write exactly what those would: select
options as WTForms' widget, row URLs as url_for."""

import re
from pathlib import Path

from flask import url_for
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from webapp.templating import id_url, select_options

OPTION = re.compile(r"<option([^>]*)>([^<]*)</option>")


def _parsed(html: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option, whatever the order of the attributes."""
    return [
        (re.search(r'value="([^"]*)"', attrs).group(1), label, " selected" in f" {attrs}")
        for attrs, label in OPTION.findall(str(html))
    ]


def test_options_match_the_wtforms_widget(app):
    """Integer choices with one selected, text choices, bare values, declared SelectChoices, and
    markup in labels."""

    class Form(FlaskForm):
        customer = SelectField(coerce=int)
        kind = SelectField()
        plain = SelectField()
        declared = SelectField(coerce=int)

    with app.test_request_context():
        form = Form(meta={"csrf": False}, data={"customer": 7, "kind": "b", "declared": 15})
        form.customer.choices = [(0, "(none)"), (7, '王 <b>"&"</b>'), (9, "李")]
        form.kind.choices = [("a", "A"), ("b", "B & C")]
        form.plain.choices = ["x", "y"]
        form.declared.choices = [SelectChoice(5, "5 分钟"), SelectChoice(15, "15 分钟")]
        for field in (form.customer, form.kind, form.plain, form.declared):
            ours = _parsed(select_options(field))
            theirs = _parsed(field())
            assert ours == theirs and ours
        assert ("7", "王 &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;", True) in _parsed(
            select_options(form.customer)
        )


def test_row_urls_are_those_of_url_for(app):
    """Path ids, query-string ids and fixed values (escaped as url_for does), ids of any length."""
    with app.test_request_context():
        for ident in (1, 42, 1234567):
            assert id_url("lobby.change", "check_in_id", ident, action="serve") == url_for(
                "lobby.change", check_in_id=ident, action="serve"
            )
            assert id_url("referrals.new", "check_in", ident) == url_for(
                "referrals.new", check_in=ident
            )
            assert id_url("prospects.detail", "prospect_id", ident) == url_for(
                "prospects.detail", prospect_id=ident
            )
        assert id_url("lobby.change", "check_in_id", 7, action="done").endswith("/7/done")
        assert id_url("prospects.index", "owner", 5, q="王") == url_for(
            "prospects.index", owner=5, q="王"
        )


BLOCK_IN_PARAGRAPH = re.compile(
    r"<p[\s>](?:(?!</p>).)*?<(form|div|ul|ol|section|table|h[1-6]|p[\s>]|details|fieldset)",
    re.S,
)


def test_no_paragraph_holds_a_block():
    """A <p> holding a form, list, heading or box is ended early by the browser: the block falls
    out of the paragraph's row and a stray empty paragraph opens a gap (Today's referral panel
    showed 我在外勤 under its link with a blank strip)."""
    found = []
    for path in sorted((Path(__file__).parents[1] / "templates").rglob("*.html")):
        for match in BLOCK_IN_PARAGRAPH.finditer(path.read_text()):
            found.append(f"{path}: <{match.group(1)}> in a <p>")
    assert found == []
