"""Shared API plumbing: token auth, request parsing, errors, cursor pagination."""
import base64
import binascii
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.accounts.models import ApiToken
from app.accounts.services import hash_token
from app.core.db import utcnow
from app.core.errors import api_error
from app.extensions import db


class ApiError(HTTPException):
    """An error that leaves the API as {"error": {...}} with the given status."""

    def __init__(self, status: int, message: str, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.code = status
        self.response = api_error(status, message, code, fields)


def fail(status: int, message: str, code: str | None = None, fields: dict | None = None):
    raise ApiError(status, message, code, fields)


def current_api_user():
    return g.api_user


def token_required(view):
    """Authenticate `Authorization: Bearer <token>`; cookies are ignored."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, plain = header.partition(" ")
        if scheme.lower() != "bearer" or not plain.strip():
            fail(401, _("缺少或无效的访问令牌。"), "unauthorized")
        token = db.session.scalars(
            sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain.strip()))
        ).first()
        now = utcnow()
        if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
            fail(401, _("缺少或无效的访问令牌。"), "unauthorized")
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            token.last_used_at = now
            db.session.commit()
        g.api_user = token.user
        return view(*args, **kwargs)

    return wrapped


def json_body() -> dict:
    if not request.is_json:
        fail(415, _("请求体必须是 JSON（Content-Type: application/json）。"), "unsupported_media_type")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        fail(400, _("请求体不是有效的 JSON 对象。"), "bad_request")
    return data


def check_query_params(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed - {"limit", "cursor"})
    if unknown:
        fail(400, _("不支持的查询参数。"), "bad_request", {k: _("未知参数。") for k in unknown})


def _encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _decode_cursor(raw: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        fail(400, _("cursor 参数无效。"), "bad_request", {"cursor": _("无效的游标。")})


def paginate_by_id(stmt, model, serialize) -> dict:
    """Keyset pagination on the primary key: stable, and cheap at any depth."""
    raw_limit = request.args.get("limit", "50")
    try:
        limit = int(raw_limit)
        if not 1 <= limit <= 200:
            raise ValueError
    except ValueError:
        fail(400, _("limit 必须是 1 到 200 之间的整数。"), "bad_request", {"limit": _("1–200 之间的整数。")})
    cursor = request.args.get("cursor")
    if cursor:
        stmt = stmt.where(model.id > _decode_cursor(cursor))
    rows = db.session.scalars(stmt.order_by(model.id).limit(limit + 1)).unique().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [serialize(r) for r in rows],
        "next_cursor": _encode_cursor(rows[-1].id) if more and rows else None,
    }


def get_or_404(stmt, model, object_id: int):
    obj = db.session.scalars(stmt.where(model.id == object_id)).unique().first()
    if obj is None:
        abort(404)
    return obj
