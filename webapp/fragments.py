"""Markup rendered once per process and reused: only what depends on nothing but its key.

A layout piece that depends only on the language, and a form's empty state that depends only on
the language and a few settings, come out the same for every request; rendering them once saves
a main page a good share of its time. The session's CSRF token is the one per-user part of an
empty form: it is rendered as a slot and put in on the way out.
"""

from collections.abc import Callable
from functools import lru_cache

from flask import current_app, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from webapp.i18n import current_language

CSRF_SLOT = "csrf-token-slot"  # letters and dashes only: escaping leaves it as it is
MAX_FORMS = 2048  # keys are few (a form × its settings × language); a bound all the same
# A list row's markup is about a kilobyte: 8,192 of them is some 10 MB a worker at most, which
# holds the rows a busy region's lobby boards show in a day.
MAX_ROWS = 8192

_forms: dict[tuple, str] = {}
_rows: dict[tuple, tuple[str, bool]] = {}  # key -> (markup, whether it holds the CSRF slot)


def panel(name: str, **context) -> Markup:
    """A fragment template rendered for inclusion in a page (a panel of Today)."""
    return Markup(render_template(name, **context))  # noqa: S704 - autoescaped template output


def language_fragment(name: str) -> Markup:
    """A template that depends only on the interface language (texts, fixed URLs), rendered
    once per language and process; such a template must read no user or request data."""
    return _language_fragment(name, current_language())


@lru_cache(maxsize=64)
def _language_fragment(name: str, language: str) -> Markup:
    return Markup(render_template(name))  # noqa: S704 - autoescaped template output


def slot_csrf(form: FlaskForm) -> FlaskForm:
    """Make the form render the CSRF slot instead of this session's token (for form_once);
    a form without CSRF protection (switched off in a tool's configuration) is left as it is."""
    if "csrf_token" in form:
        form.csrf_token.current_token = CSRF_SLOT
    return form


def form_once(key: tuple, render: Callable[[], str]) -> Markup:
    """An empty form's markup, rendered by `render` once per key and language in this process
    (its form made with slot_csrf), with this session's CSRF token put in. The key must name
    everything the markup depends on besides the language."""
    full_key = (*key, current_language())
    html = _forms.get(full_key)
    if html is None:
        if len(_forms) >= MAX_FORMS:
            _forms.clear()
        html = _forms[full_key] = str(render())
    return _with_token(html)


def pure_fragment(template: str, /, **values) -> Markup:
    """A fragment whose markup follows from `values` (numbers, strings, enums, dates, tuples)
    and the language alone, rendered once per process for each distinct set of them.

    For a list's rows: a row that changed has other values, so it is a new key and is rendered
    anew; one that did not is served as it was. The template is rendered without the request's
    context processors (no current_user in its context) and must read nothing but its values
    and the layout's helpers (gettext, filters, id_url); what depends on the user (is it mine,
    may I move it) comes in as a value. csrf_token() in it gives the slot, and the session's
    token is put in on the way out, as form_once does."""
    key = (template, current_language(), request.script_root, *sorted(values.items()))
    found = _rows.get(key)
    if found is None:
        if len(_rows) >= MAX_ROWS:
            _rows.clear()
        html = current_app.jinja_env.get_template(template).render(values, csrf_token=_slot)
        found = _rows[key] = (html, CSRF_SLOT in html)
    html, has_slot = found
    return _with_token(html) if has_slot else Markup(html)  # noqa: S704 - autoescaped output


def _slot() -> str:
    return CSRF_SLOT


def _with_token(html: str) -> Markup:
    """Reused markup with this session's CSRF token in place of the slot."""
    return Markup(html.replace(CSRF_SLOT, generate_csrf()))  # noqa: S704 - rendered escaped
