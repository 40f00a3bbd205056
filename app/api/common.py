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
        value = int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
        if not 0 <= value < 2**31:
            raise ValueError
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError):
        fail(400, _("cursor 参数无效。"), "bad_request", {"cursor": _("无效的游标。")})


def int_arg(name: str) -> int | None:
    """An optional integer query parameter (400 with `fields` when it is not one)."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
        if abs(value) >= 2**31:
            raise ValueError
        return value
    except ValueError:
        fail(400, _("参数格式不正确。"), "bad_request", {name: _("应为整数。")})


def choice_arg(name: str, choices) -> str | None:
    """An optional query parameter that must be one of `choices` (codes)."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices:
        fail(400, _("参数取值无效。"), "bad_request", {name: _("可选值：%(values)s。", values=", ".join(choices))})
    return raw


def bool_arg(name: str) -> bool:
    """An optional true/false query parameter (absent: false)."""
    raw = (request.args.get(name) or "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    fail(400, _("参数取值无效。"), "bad_request", {name: _("应为 true 或 false。")})


def paginate_by_id(stmt, model, serialize=None, *, serialize_page=None) -> dict:
    """Keyset pagination on the primary key: stable, and cheap at any depth.

    `serialize` turns one row into JSON; `serialize_page` (rows → list) is for rows that need
    something loaded for the whole page at once (one query, not one per row).
    """
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
        "items": serialize_page(rows) if serialize_page else [serialize(r) for r in rows],
        "next_cursor": _encode_cursor(rows[-1].id) if more and rows else None,
    }


def get_or_404(stmt, model, object_id: int):
    if not 0 < object_id < 2**31:  # no such row, and too big for the database's integer
        abort(404)
    obj = db.session.scalars(stmt.where(model.id == object_id)).unique().first()
    if obj is None:
        abort(404)
    return obj
