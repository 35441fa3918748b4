"""Template helpers every page uses: options, URLs, the language and the number formats. A
domain's own filters and globals are declared in its package (webapp/__init__.py)."""

from functools import lru_cache

from flask import request, url_for
from flask_babel import format_datetime, format_time
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from webapp import numbers
from webapp.fragments import language_fragment
from webapp.i18n import current_language
from webapp.timeutil import now_naive


def select_options(field) -> Markup:
    """A select field's <option>s (the markup of WTForms' widget) written in one pass: a
    person's customer list holds hundreds, and a template loop costs microseconds an option."""
    parts, data, coerce = [], field.data, field.coerce
    for choice in field.choices or ():
        # (value, label) pairs as they are; any other shape as WTForms reads it.
        if type(choice) is tuple and len(choice) == 2:
            value, label = choice
        else:
            option = SelectChoice.from_input(choice)
            value, label = option.value, option.label
        selected = coerce(value) == data
        parts.append(
            f'<option{" selected" if selected else ""} value="{escape(value)}">{escape(label)}</option>'
        )
    return Markup("".join(parts))  # noqa: S704 - every value and label above is escaped


ID_MARKER = 987654321987  # no route's text holds these digits


def id_url(endpoint: str, key: str, ident: int, **fixed) -> str:
    """url_for(endpoint, **{key: ident}, **fixed) for an integer id. A list builds a few URLs
    per row, and werkzeug's build costs microseconds each: the URL is built once per endpoint
    and fixed values with a marker for the id, then each row's id is put in its place."""
    before, after = _id_url_parts(request.script_root, endpoint, key, tuple(sorted(fixed.items())))
    return f"{before}{int(ident)}{after}"


@lru_cache(maxsize=512)
def _id_url_parts(script_root: str, endpoint: str, key: str, fixed: tuple) -> tuple[str, str]:
    before, found, after = url_for(endpoint, **{key: ID_MARKER}, **dict(fixed)).partition(
        str(ID_MARKER)
    )
    if not found:
        raise ValueError(f"{endpoint} does not put {key} in its URL")
    return before, after


@lru_cache(maxsize=256)
def static_url(filename: str) -> str:
    """url_for('static', ...) worked out once per file: the layout asks for the same few URLs
    (icons, styles, scripts) a score of times on every page."""
    return url_for("static", filename=filename)


def html_lang() -> str:
    """The language tag for <html lang>."""
    return "en" if current_language() == "en" else "zh-CN"


template_globals = {
    "select_options": select_options,
    "id_url": id_url,
    "language_fragment": language_fragment,
    "static_url": static_url,
    "now_local": now_naive,
    "current_language": current_language,
    "html_lang": html_lang,
}
# Money is stored in fen: "fen" and "yuan" write it with the currency, "yuan0" as whole yuan
# for dense tables; "figure" is a count or "—" when its records are not available. "number" is
# Babel's grouping, without Babel per call.
template_filters = {
    "date": numbers.day,
    "number": numbers.count,
    "fen": numbers.fen_as_yuan,
    "yuan": numbers.fen_as_yuan,
    "yuan0": numbers.whole_yuan,
    "figure": numbers.count,
    "in_unit": numbers.in_unit,
    "datetime": lambda value, fmt="short": format_datetime(value, fmt),
    "time": lambda value, fmt="short": format_time(value, fmt),
}
