"""Whole-page cache for the busiest signed-in pages (problem list and detail, dashboard, companies, rankings).

A page is kept for the person who saw it — the key is their account, the sign-in session (its CSRF
secret: the page carries forms signed for that session), the language and the exact address — and is
served again only while the data behind it is unchanged:

* **Data version.** Every transaction that writes anything (ORM flushes, UPDATE/INSERT/DELETE statements)
  moves the data version on after it commits. A page is stored under the version read *before* it was
  rendered, so a write that lands while it renders makes it stale at once. The version lives in Redis when
  `REDIS_URL` is set (shared by every app node) and otherwise in a small file in the instance folder (shared
  by the workers of one machine; SQLite deployments are one machine by nature).
* **Time.** Pages also show time-derived facts (overdue, days left, "this month"), so an entry lives at most
  `PAGE_CACHE_SECONDS` (default 30); 0 turns the cache off.
* **Never cached:** anything but a 200 HTML answer to GET, a request with a flash message pending, and
  anyone signed out.

Entries stay in each worker's memory, least recently used first out past `PAGE_CACHE_MB`. Permission checks
run before the cache is consulted (the decorator sits under `login_required` and the view's own checks that
depend only on data are covered by the version: a role or scope change is a write).
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE", "TRUNCATE", "ALTER", "DROP", "CREATE")
_DIRTY = "pagecache_dirty"


# ------------------------------------------------------------------ the data version

class FileVersion:
    """The version is the identity of a small file, replaced atomically on every bump (one stat per read)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            self.bump()

    def current(self) -> str:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return "none"
        return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"

    def bump(self) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}")
        tmp.write_text(uuid.uuid4().hex)
        os.replace(tmp, self.path)


class RedisVersion:
    """The version is a Redis counter, shared by every app node."""

    KEY = "peipao:data-version"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def current(self) -> str | None:
        try:
            value = self.client.get(self.KEY)
        except Exception:  # Redis away: serve every page fresh rather than risk a stale one
            return None
        return value.decode() if value else "0"

    def bump(self) -> None:
        try:
            self.client.incr(self.KEY)
        except Exception:  # pragma: no cover - the entry still expires after PAGE_CACHE_SECONDS
            current_app.logger.warning("page cache: could not move the data version on in Redis")


# ------------------------------------------------------------------ the store

@dataclass(slots=True)
class Entry:
    version: str
    expires: float
    body: bytes
    content_type: str

    def response(self):
        response = current_app.response_class(self.body, status=200, content_type=self.content_type)
        response.headers["X-Page-Cache"] = "hit"
        return response


class PageCache:
    def __init__(self, versions, *, seconds: int, max_bytes: int):
        self.versions = versions
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        # "<user id>:<session version>" (the sign-in cookie's account) -> (data version, language) when that
        # account was last found active, signed in and free to browse: while the data version holds, it still is.
        self.accounts: dict[str, tuple[str, str]] = {}
        self.lock = threading.Lock()

    def get(self, key: str, version: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.accounts.clear()
            self.size = 0

    def remember_account(self, account: str, version: str, locale: str) -> None:
        if len(self.accounts) > 20_000:
            self.accounts.clear()
        self.accounts[account] = (version, locale)

    def _drop(self, key: str) -> None:
        entry = self.entries.pop(key)
        self.size -= len(entry.body)


def _cache() -> PageCache | None:
    return current_app.extensions.get("pagecache")


def _key(account: str, secret: str, locale: str) -> str:
    raw = "\x1f".join((account, secret, locale, request.full_path))
    return hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


def request_key() -> str | None:
    """The key of this request's page, or None when it must not come from (or go into) the cache."""
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    if "_flashes" in session:
        return None
    from flask_babel import get_locale
    from flask_wtf.csrf import generate_csrf

    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not session.get(name):
        # A session's first page creates its CSRF secret; a client that keeps no cookies would create a new
        # one on every request, so nothing is kept until the secret comes back with the next request.
        generate_csrf()
        return None
    return _key(current_user.get_id(), session[name], str(get_locale()))


def serve_repeat_view():
    """Before anything else reads the database: a repeat view of a cached page, answered from memory.

    Only when everything the full path would check is known unchanged: the view is a cached one, the
    sign-in cookie's account was found valid (active, same session version, no password change due) at
    the current data version, the session is within its lifetime, no message is pending, and this
    session's page for this address and language is stored at the current data version. Otherwise the
    request goes the usual way (Flask-Login, the session rules, the view), which may still hit the cache.
    """
    cache = _cache()
    if cache is None or request.method != "GET" or "_flashes" in session:
        return None
    view = current_app.view_functions.get(request.endpoint)
    account = session.get("_user_id")
    secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not getattr(view, "page_cached", False):
        return None
    # Read before the account is: a write landing after this point is one the page may not have seen.
    version = g.page_cache_version = cache.versions.current()
    if version is None or not (account and secret):
        return None
    facts = cache.accounts.get(account)
    if facts is None or facts[0] != version:
        return None
    from app.accounts.auth import session_expired

    if session_expired():
        return None
    entry = cache.get(_key(account, secret, facts[1]), version)
    if entry is None:
        return None
    session.permanent = True
    return entry.response()


def page_cached(view):
    """Serve this GET view from the page cache while the data is unchanged (see the module's docstring)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = _cache()
        key = request_key() if cache is not None else None
        version = g.pop("page_cache_version", None) or cache.versions.current() if key else None
        if version is None:
            return view(*args, **kwargs)
        from flask_babel import get_locale

        cache.remember_account(current_user.get_id(), version, str(get_locale()))
        entry = cache.get(key, version)
        if entry is not None:
            return entry.response()
        response = current_app.make_response(view(*args, **kwargs))
        if (response.status_code == 200 and response.mimetype == "text/html" and not response.direct_passthrough
                and "_flashes" not in session):
            cache.put(key, Entry(version, time.monotonic() + cache.seconds, response.get_data(),
                                 response.headers["Content-Type"]))
            response.headers["X-Page-Cache"] = "miss"
        return response

    wrapper.page_cached = True  # copied onto login_required's wrapper: serve_repeat_view() looks for it
    return wrapper


# ------------------------------------------------------------------ noticing writes

def data_changed() -> None:
    """Move the data version on (for writes made outside an ORM session, e.g. a restore)."""
    cache = _cache()
    if cache is not None:
        cache.versions.bump()


def _is_write(state) -> bool:
    if state.is_insert or state.is_update or state.is_delete:
        return True
    statement = state.statement
    if isinstance(statement, sa.TextClause):
        return statement.text.lstrip().split(None, 1)[0].upper() in _WRITE_WORDS if statement.text.strip() else False
    return False


def _listen_for_writes() -> None:
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "after_flush", _mark_dirty)
    event.listen(Session, "do_orm_execute", _mark_dirty_if_write)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _forget)


def _mark_dirty(session, _flush_context) -> None:
    session.info[_DIRTY] = True


def _mark_dirty_if_write(state) -> None:
    if _is_write(state):
        state.session.info[_DIRTY] = True


def _after_commit(session) -> None:
    if session.info.pop(_DIRTY, False):
        try:
            data_changed()
        except RuntimeError:  # no application context: nothing to invalidate
            pass


def _forget(session) -> None:
    session.info.pop(_DIRTY, None)


def init_app(app: Flask) -> None:
    seconds = int(app.config.get("PAGE_CACHE_SECONDS", 30))
    if seconds <= 0:
        return
    if app.config.get("REDIS_URL"):
        versions = RedisVersion(app.config["REDIS_URL"])
    else:
        versions = FileVersion(Path(app.config.get("PAGE_CACHE_VERSION_FILE")
                                    or Path(app.instance_path) / "data-version"))
    app.extensions["pagecache"] = PageCache(versions, seconds=seconds,
                                            max_bytes=int(app.config.get("PAGE_CACHE_MB", 64)) * 1024 * 1024)
    app.before_request(serve_repeat_view)
    _listen_for_writes()
