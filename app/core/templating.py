"""Jinja filters and globals: local times, pager links, the languages. (Features add their own: the roles
(app.accounts), the header's unread count (app.notify).)"""
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, get_locale

from app.core.pagination import page_url, url_without


# Date patterns made only of digits and separators read the same in every language: written with strftime
# in the app's zone (a list page shows a hundred of them; Babel's formatter costs ten times more). Anything
# else goes through Babel.
_DIGIT_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
                   "yyyy-MM-dd": "%Y-%m-%d", "HH:mm:ss": "%H:%M:%S", "HH:mm": "%H:%M", "MM-dd HH:mm": "%m-%d %H:%M"}


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def localdt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if not value:
        return ""
    pattern = _DIGIT_PATTERNS.get(fmt)
    if pattern is None:
        return format_datetime(value, fmt)
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime(pattern)


def localdate(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return localdt(value, "yyyy-MM-dd")
    return value.isoformat()


def register(app) -> None:
    app.add_template_filter(localdt, "localdt")
    app.add_template_filter(localdate, "localdate")

    # Jinja globals (unlike context-processor values) reach imported macros too, e.g. the pager.
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["url_without"] = url_without

    @app.context_processor
    def globals_():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale() or "zh"),
        }
