"""Locale and time zone selection: Chinese unless the user chose English."""
import flask_babel
from babel import support
from flask import current_app, has_request_context, session
from flask.globals import _cv_app
from flask_babel import Domain
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms.i18n import messages_path


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
            return current_user.locale
    except SQLAlchemyError:  # database down: the 503 page still needs a language
        pass
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# --------------------------------------------------------------------------- speed (issue 14)
# A list page asks for a translation a few hundred times (every `_()` in a template, every lazy label):
# Flask-Babel looks up its request namespace, the domain and the locale through Flask's context proxies
# each time (a third of the Jinja time of /tickets/). The translations object is kept on that namespace
# beside the locale it was loaded for, so a repeat asks only "same locale?"; force_locale() and refresh()
# set or drop the locale, so they are followed as before.

def _babel_namespace():
    """Flask-Babel's per-request namespace (g._flask_babel) in one context-variable read, or None."""
    ctx = _cv_app.get(None)
    return ctx.g.__dict__.get("_flask_babel") if ctx is not None else None


def _memoized(original):
    def get_translations(domain):
        if _cv_app.get(None) is None:  # outside an app context
            return original(domain)
        namespace = _babel_namespace()
        if namespace is not None:
            memo = namespace.__dict__.get("peipao_translations")
            if memo is not None and memo[0] is domain and memo[1] is namespace.__dict__.get("babel_locale"):
                return memo[2]
        translations = original(domain)
        namespace = _babel_namespace() if namespace is None else namespace
        if namespace is not None and namespace.__dict__.get("babel_locale") is not None:
            namespace.peipao_translations = (domain, namespace.babel_locale, translations)
        return translations

    get_translations.peipao_memoized = True
    return get_translations


def install_fast_translations(app) -> None:
    """Memoize Domain.get_translations per request and locale; Jinja's _() goes straight to it; WTForms'
    catalogue is read once per locale (install_fast_form_translations)."""
    install_fast_form_translations()
    if not getattr(Domain.get_translations, "peipao_memoized", False):
        Domain.get_translations = _memoized(Domain.get_translations)
        original_get_domain = flask_babel.get_domain

        def get_domain():  # the domain kept on the namespace, without three proxy lookups
            namespace = _babel_namespace()
            domain = namespace.__dict__.get("babel_domain") if namespace is not None else None
            return domain if domain is not None else original_get_domain()

        flask_babel.get_domain = get_domain

    def translations():
        return flask_babel.get_domain().get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


# Flask-WTF reads WTForms' own catalogue (its built-in messages, and the label of a field declared without one —
# every hidden field) from disk once per request: 0.2 ms of every page with a form. The catalogue is a file of
# the installed package, the same for the process's life: it is read once per locale.
_FORM_CATALOGUES: dict = {}


def _form_translations():
    """flask_wtf.i18n._get_translations (Flask-WTF 1.3), with the catalogue kept per locale."""
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    locale = flask_babel.get_locale()
    key = str(locale)
    if key not in _FORM_CATALOGUES:
        _FORM_CATALOGUES[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return _FORM_CATALOGUES[key]


def install_fast_form_translations() -> None:
    import flask_wtf.i18n

    flask_wtf.i18n._get_translations = _form_translations
