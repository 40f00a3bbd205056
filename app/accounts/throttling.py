"""Sign-in throttling without lock-outs, shared by the login form and `POST /api/v1/tokens`.

Policy (README "Security", OWASP ASVS 5.0 V6.1.1 / V6.3.1): only *failed* sign-ins count, in two
counters kept in the rate-limit storage (Redis when REDIS_URL is set, so every worker and server
shares them; memory otherwise):

- per (username, client address): LOGIN_RATE_LIMIT (default 10 per minute, 50 per hour) — one
  source guessing one account's password;
- per client address: LOGIN_ADDRESS_RATE_LIMIT (default 30 per minute, 300 per hour) — one
  source spraying many accounts.

While either is exhausted, that source gets 429 ("操作过于频繁") for that account (or for every
account), even with the right password. There is deliberately no counter per username across
addresses: it would let anyone keep any account locked with a few requests a minute, which
ASVS V6.1.1 asks to prevent. Guessing from many addresses is answered by the password rules
(long passwords, the 30,000 leaked ones refused) and the audit log's failure records. A correct
password from another address signs in; a successful sign-in clears its (username, address)
counter.

When the storage is unreachable (Redis down) the counters move to this process's memory, logged
once, and Redis is tried again after a while: sign-in never fails because of Redis.
"""
import logging
import time

from flask import current_app, request
from limits import parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("peipao.throttling")

RETRY_STORAGE_SECONDS = 30
_NAMESPACE = "peipao-login"


class _Counters:
    """The moving-window counters of one app: its configured storage, or memory while that is down."""

    def __init__(self, storage_uri: str):
        self.uri = storage_uri
        self.memory = MovingWindowRateLimiter(MemoryStorage())
        self.primary = self.memory if storage_uri.startswith("memory://") else None
        self.down_since: float | None = None

    def _strategy(self):
        if self.primary is self.memory:
            return self.memory
        if self.down_since is not None and time.monotonic() - self.down_since < RETRY_STORAGE_SECONDS:
            return self.memory
        if self.primary is None:
            self.primary = MovingWindowRateLimiter(storage_from_string(self.uri))
        return self.primary

    def run(self, operation: str, *args):
        strategy = self._strategy()
        try:
            result = getattr(strategy, operation)(*args)
        except Exception as exc:  # noqa: BLE001 — any storage failure (connection refused, timeout, …)
            if self.down_since is None:
                log.warning("rate-limit storage unreachable (%s); counting sign-in failures in memory", exc)
            self.down_since = time.monotonic()
            return getattr(self.memory, operation)(*args)
        if strategy is self.primary and self.down_since is not None:
            log.info("rate-limit storage reachable again")
            self.down_since = None
        return result


def _counters() -> _Counters:
    app = current_app._get_current_object()
    counters = app.extensions.get("peipao_login_throttle")
    if counters is None:
        counters = app.extensions["peipao_login_throttle"] = _Counters(app.config["RATELIMIT_STORAGE_URI"])
    return counters


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _keys(username: str) -> list[tuple]:
    """(limit, identifiers…) for each counter this attempt belongs to."""
    address = request.remote_addr or "unknown"
    name = (username or "").strip().lower()[:64]
    config = current_app.config
    per_account = [(item, _NAMESPACE, "account", address, name) for item in parse_many(config["LOGIN_RATE_LIMIT"])]
    per_address = [(item, _NAMESPACE, "address", address)
                   for item in parse_many(config["LOGIN_ADDRESS_RATE_LIMIT"])]
    return per_account + per_address


def is_throttled(username: str) -> bool:
    """Whether this address has used up its failed attempts (for this username, or for all)."""
    if not _enabled():
        return False
    counters = _counters()
    return any(not counters.run("test", *key) for key in _keys(username))


def record_failure(username: str) -> None:
    if _enabled():
        counters = _counters()
        for key in _keys(username):
            counters.run("hit", *key)


def record_success(username: str) -> None:
    """The right password from this address: its failures for this username no longer count."""
    if _enabled():
        counters = _counters()
        for key in _keys(username):
            if key[2] == "account":
                counters.run("clear", *key)
