"""Aggregates shared per scope, not per person (issue 14).

The dashboard's, the workbenches' and the rankings' numbers depend on which problems and companies the viewer
may see — the viewer's *scope* — not on who the viewer is: every manager and administrator sees the whole
district, every helper of a department that department's problems, an escort the companies assigned to them.
So each set of numbers is computed once per scope and kept in Flask-Caching (Redis when REDIS_URL is set,
shared by every worker; otherwise each worker's memory) for at most AGGREGATE_CACHE_SECONDS (60), and the
page shows when it was computed (数据截至 HH:MM:SS, Asia/Shanghai). Nothing else is cached: the page itself,
its lists and every permission check run on every request.

The key is (what, the scope, the language — labels are translated when computed — and any parameters); it
never holds the viewer's id unless the viewer's id *is* the scope (an escort). If the cache cannot be reached
(Redis down), the numbers are computed for the request and the failure is logged once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from flask import current_app
from flask_babel import get_locale

from app.accounts.models import Role
from app.core.db import utcnow
from app.extensions import cache

log = logging.getLogger(__name__)
MAX_SECONDS = 60
_warned = False


def scope_key(user) -> str:
    """Who sees the same rows: the key of the user's scope (the rule of tickets.queries.visible_tickets and
    companies.queries.visible_companies)."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return "district"
    if user.role == Role.ESCORT:
        return f"escort:{user.id}"
    if user.role == Role.HELPER:
        return f"department:{user.department_id or 0}"
    if user.role == Role.COMPANY:
        return f"company:{user.company_id or 0}"
    return f"none:{user.id}"


@dataclass(frozen=True)
class Shared:
    """A value computed for a scope, and when (UTC)."""

    value: Any
    computed_at: datetime


def seconds() -> int:
    configured = current_app.config.get("AGGREGATE_CACHE_SECONDS", MAX_SECONDS)
    return max(0, min(int(configured), MAX_SECONDS))


def shared(what: str, scope: str, compute: Callable[[], Any], *params) -> Shared:
    """`compute()` for this scope, or its result from the last AGGREGATE_CACHE_SECONDS."""
    ttl = seconds()
    if not ttl:
        return Shared(compute(), utcnow())
    key = ":".join(["agg", what, scope, str(get_locale() or "zh"), *(str(p) for p in params)])
    try:
        hit = cache.get(key)
    except Exception:  # the cache's server is down: compute for this request
        warn_unreachable()
        hit = None
    if isinstance(hit, Shared):
        return hit
    entry = Shared(compute(), utcnow())
    try:
        cache.set(key, entry, timeout=ttl)
    except Exception:
        warn_unreachable()
    return entry


def warn_unreachable() -> None:
    """Log once per process that the cache cannot be reached (values are then computed for each request)."""
    global _warned
    if not _warned:
        _warned = True
        log.warning("aggregate cache unreachable: numbers are computed for each request until it answers",
                    exc_info=True)


def cache_config(redis_url: str) -> dict:
    """Flask-Caching settings: Redis when REDIS_URL is set, each process's memory otherwise."""
    if redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "peipao:",
                "CACHE_DEFAULT_TIMEOUT": MAX_SECONDS,
                "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": MAX_SECONDS, "CACHE_THRESHOLD": 2000}
