"""Append-only audit trail. Writers call record(); nothing updates or deletes rows."""
from flask import has_request_context, request
from flask_login import current_user

from app.core.models import AuditLog
from app.extensions import db

# Never written to the log, whatever a caller passes.
_SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "new_password", "current_password"}


def _clean(data):
    if data is None:
        return None
    return {k: (str(v) if v is not None and not isinstance(v, (int, float, bool, str, list, dict)) else v)
            for k, v in data.items() if k not in _SECRET_KEYS}


def client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:45]


def record(action: str, obj=None, *, actor=None, before=None, after=None, message: str = "") -> AuditLog:
    """Add an audit row to the current transaction (the caller's commit makes it durable)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        ip=client_ip(),
        action=action,
        object_type=(obj.__tablename__ if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        before=_clean(before),
        after=_clean(after),
        message=message[:500],
    )
    db.session.add(entry)
    return entry


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}
