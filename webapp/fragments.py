"""Markup rendered once per process and reused: only what depends on nothing but its key.

A layout piece that depends only on the language, and a form's empty state that depends only on
the language and a few settings, come out the same for every request; rendering them once saves
a main page a good share of its time. The session's CSRF token is the one per-user part of an
empty form: it is rendered as a slot and put in on the way out.
"""

from collections.abc import Callable
from functools import lru_cache

from flask import render_template
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from webapp.i18n import current_language

CSRF_SLOT = "csrf-token-slot"  # letters and dashes only: escaping leaves it as it is
MAX_FORMS = 2048  # keys are few (a form × its settings × language); a bound all the same

_forms: dict[tuple, str] = {}


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
    return Markup(html.replace(CSRF_SLOT, generate_csrf()))  # noqa: S704 - rendered escaped
