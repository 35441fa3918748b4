"""Language selection: the user's choice, else this browser's, else Simplified Chinese."""

from functools import cache

from babel import Locale
from flask import current_app, g, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup


@cache
def _locale(code: str) -> Locale:
    # Babel's Locale.parse checks the locale data files on disk on every call; the two
    # languages are parsed once per process instead of once per request.
    return Locale.parse(code)


def select_locale() -> Locale:
    """The locale for this request (zh_CN first; bank staff choose English per user)."""
    supported = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return _locale(current_user.locale)
    if session.get("locale") in supported:
        return _locale(session["locale"])
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_locale() -> Locale | None:
    """Flask-Babel's locale for this context (force_locale included). Read where Flask-Babel
    keeps it once chosen, a third of get_locale's cost (labels and cells ask for it hundreds
    of times a page); through get_locale when not chosen yet or if that place ever moves."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        return get_locale()
    return locale if locale is not None else get_locale()


def locale_key(locale: Locale) -> tuple:
    """A locale as a cheap dict key (its name is formatted on every str())."""
    return (locale.language, locale.territory, locale.script)


def current_language() -> str:
    """The interface language as the app names it: "zh_CN" or "en"."""
    return "en" if current_locale().language == "en" else "zh_CN"


class Labels(dict):
    """Lazy labels by key (form fields defined at import take them as they are) that also give
    plain text in the current language, translated once per language and process: enum labels
    are read once per row, and a lazy string is translated again on every read."""

    def __init__(self, labels: dict) -> None:
        super().__init__(labels)
        self._texts: dict[str, dict] = {}

    def text(self, key) -> str:
        """The label of `key` in the user's language."""
        language = current_language()
        texts = self._texts.get(language)
        if texts is None:
            texts = self._texts[language] = {k: str(v) for k, v in self.items()}
        return texts[key]


_catalogs: dict[tuple, object] = {}


def translations():
    """This request's catalogue (or the one force_locale chose): Flask-Babel's own lookup costs
    about 6 µs a call, which a page pays for every translated word; here it is one dict read
    after the locale, the catalogues being the same for every request in a language."""
    locale = current_locale()
    if locale is None:
        return get_translations()
    key = locale_key(locale)
    catalog = _catalogs.get(key)
    if catalog is None:
        catalog = _catalogs[key] = get_translations()
    return catalog


def _template_gettext(string: str, **variables) -> Markup:
    # Jinja's "newstyle" gettext, without its per-call context lookups (~5 µs a word): the
    # translation is the app's own markup, the variables are escaped, and the text is always
    # %-formatted (so "%%" reads "%" with or without variables).
    text = Markup(translations().ugettext(string))  # noqa: S704 - the app's own catalogue
    return text % variables if variables or "%" in text else text


def _template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    text = Markup(translations().ungettext(singular, plural, num))  # noqa: S704 - as above
    return text % variables


def install_template_gettext(app) -> None:
    """Templates' _(), gettext() and ngettext() read the catalogue through translations(), with
    the escaping and formatting of Jinja's newstyle gettext (every template is HTML)."""
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        newstyle=False,
    )
    app.jinja_env.globals["_"] = _template_gettext  # rather than Jinja's alias to gettext
