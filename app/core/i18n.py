"""Locale and time zone selection: Chinese unless the user chose English."""
from flask import current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError


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
