"""Translations: every string has its Chinese text; dates and numbers follow the locale."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import text_of
from webapp.auth.models import Role

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "webapp/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    """Extract the strings afresh: each one must have a non-fuzzy zh-CN translation."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id
        and m.string
        and all(m.string if isinstance(m.string, tuple) else [m.string])
        and not m.fuzzy
    }
    assert sorted(wanted - translated) == []


def test_pages_are_in_chinese_by_default_and_english_on_request(client, login_as, app, db):
    """zh-CN first; a user who chose English gets English, dates included."""
    login_as(Role.RETAIL_AM)
    chinese = client.get("/today")
    assert '<html lang="zh-CN">' in chinese.get_data(as_text=True)
    assert "今日" in text_of(chinese) and "年" in text_of(chinese)
    login_as(Role.RETAIL_AM, locale="en")
    english = client.get("/today")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "My customers" in text_of(english) and "今日" not in text_of(english)


def test_template_words_escape_their_values_and_follow_the_language(app):
    """_() and ngettext() in templates: translated in the request's language, values escaped
    (a customer's name typed with markup stays text), plurals chosen by the number."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string(
        "{{ _('No customer matches “%(term)s”.', term=term) }}|"
        "{{ ngettext('%(num)s follow-up is overdue.', '%(num)s follow-ups are overdue.', n) }}"
    )
    with app.test_request_context():
        with force_locale("en"):
            english = template.render(term="<b>王</b>", n=2)
        with force_locale("zh_CN"):
            chinese = template.render(term="<b>王</b>", n=1)
    assert english == ("No customer matches “&lt;b&gt;王&lt;/b&gt;”.|2 follow-ups are overdue.")
    assert "&lt;b&gt;王&lt;/b&gt;" in chinese and "<b>" not in chinese
    assert chinese.split("|")[1].startswith("1")
