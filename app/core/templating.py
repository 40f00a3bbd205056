"""Jinja filters and globals: local times, labels, the header's unread count."""
from datetime import date, datetime

from flask import current_app
from flask_babel import format_date, format_datetime, get_locale

from app.accounts.models import Role
from app.core.pagination import page_url, url_without


def register(app) -> None:
    @app.template_filter("localdt")
    def localdt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("localdate")
    def localdate(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, "yyyy-MM-dd")
        return format_date(value, "yyyy-MM-dd")

    # Jinja globals (unlike context-processor values) reach imported macros too, e.g. the pager.
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["url_without"] = url_without

    @app.context_processor
    def globals_():
        return {
            "Role": Role,
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale() or "zh"),
        }
