"""Append-only audit trail. Writers call record(); nothing updates or deletes rows.

The append-only rule is enforced, not only promised: the ORM refuses to update or
delete an AuditLog row (mapper events) and refuses bulk UPDATE/DELETE statements on
the table (session event), so no code path in the app can rewrite history.
"""
import logging

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.models import AuditLog
from app.extensions import db

log = logging.getLogger("peipao.audit")

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


# ---------------------------------------------------------------- refused access


def _request_actor():
    """The signed-in user of this request: the API token's user, else the cookie's (None: anonymous)."""
    user = g.get("api_user")
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    return user


def record_refusal(status: int) -> None:
    """Log a refused request: every 403, and a 404 on a matched route for a signed-in user
    (an object outside the user's scope looks exactly like a missing one, by design).

    Runs in the error handler: whatever the view had pending is rolled back, and the
    audit row is committed on its own so the refusal is kept.
    """
    if not has_request_context() or request.url_rule is None or status not in (403, 404):
        return
    try:
        actor = _request_actor()
        if actor is None and status == 404:
            return
        actor_id = getattr(actor, "id", None)
        object_type, object_id = g.get("refused_object") or ("", None)
        message = f"{status} {request.method} {request.path}"
        g.writes_expected = True  # SQLite: the transaction below takes the write lock up front
        db.session.rollback()
        db.session.add(AuditLog(
            actor_id=actor_id, ip=client_ip(), action="access_denied" if status == 403 else "access_not_found",
            object_type=object_type, object_id=object_id, message=message[:500],
        ))
        db.session.commit()
        log.info("refused %s for user %s from %s", message, actor_id, client_ip())
    except SQLAlchemyError:  # the refusal page must still be shown
        db.session.rollback()
        log.warning("could not record a refused request", exc_info=True)


# ---------------------------------------------------------------- append-only, enforced


class AuditLogIsAppendOnly(RuntimeError):
    pass


@sa.event.listens_for(AuditLog, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise AuditLogIsAppendOnly(f"audit_log row {target.id} may not be updated")


@sa.event.listens_for(AuditLog, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise AuditLogIsAppendOnly(f"audit_log row {target.id} may not be deleted")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state):
    """`update(AuditLog)` / `delete(AuditLog)` bypass mapper events; refuse them here."""
    table = getattr(state.statement, "table", None) if (state.is_update or state.is_delete) else None
    if table is not None and getattr(table, "name", None) == AuditLog.__tablename__:
        raise AuditLogIsAppendOnly("audit_log rows may not be updated or deleted")
