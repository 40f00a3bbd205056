"""Shared API plumbing: token auth, request parsing (bodies and query strings), errors, cursor pagination."""
import base64
import binascii
import json
import math
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.accounts.models import ApiToken
from app.accounts.services import hash_token
from app.core.db import utcnow
from app.core.errors import api_error
from app.core.payloads import Paging, PayloadError, Query, QueryError
from app.extensions import db
from app.tickets.errors import TicketActionError


class ApiError(HTTPException):
    """An error that leaves the API as {"error": {...}} with the given status."""

    def __init__(self, status: int, message: str, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.code = status
        self.response = api_error(status, message, code, fields)


def fail(status: int, message: str, code: str | None = None, fields: dict | None = None):
    raise ApiError(status, message, code, fields)


def refused(error) -> None:
    """A service refused (TicketActionError or the like): nothing it did stays; answer with its status, code
    and field messages."""
    db.session.rollback()
    fail(error.status, error.message, error.code, error.fields or None)


def parse_payload(schema, data: dict | None = None, *, message: str | None = None):
    """The request body (or `data`) validated by its payload schema; 400 validation_error with each field's
    message otherwise."""
    try:
        return schema.parse(json_body() if data is None else data)
    except PayloadError as error:
        fail(400, message or _("提交的数据有误。"), "validation_error", error.fields)


def perform_action(perform, user, target, answer, *, version_message: str):
    """POST …/actions on a problem or a common problem: the body names the action and carries the target's
    current `version` (400 with `version_message` without one); `perform(user, target, action, data)` runs
    it (a refusal answers with its status), then `answer(target)` is built and the request committed."""
    data = json_body()
    if data.get("version") is None or isinstance(data["version"], bool):
        fail(400, _("提交的数据有误。"), "validation_error", {"version": version_message})
    try:
        perform(user, target, data.get("action"), data)
    except TicketActionError as error:
        refused(error)
    body = answer(target)
    db.session.commit()
    return body


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


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _storable_text_problem(value) -> str | None:
    """Why a JSON string cannot be stored (NUL, lone surrogate), or None when it can."""
    if "\x00" in value:
        return _("不能包含 NUL 字符。")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("不是有效的 UTF-8 文本。")
    return None


def _json_problems(value, path: str, problems: dict) -> None:
    """Collect values no column can hold (non-finite numbers, NUL, lone surrogates), by field."""
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _storable_text_problem(key)
            if problem:
                problems[path or "body"] = problem
                continue
            _json_problems(item, f"{path}.{key}" if path else key, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _json_problems(item, f"{path}[{index}]", problems)
    elif isinstance(value, float) and not math.isfinite(value):
        problems[path or "body"] = _("数值超出范围。")
    elif isinstance(value, str):
        problem = _storable_text_problem(value)
        if problem:
            problems[path or "body"] = problem


def json_body() -> dict:
    """The request's JSON object: 415 unless sent as JSON, 400 with `fields` when it is not one."""
    if not request.is_json:
        fail(415, _("请求体必须是 JSON（Content-Type: application/json）。"), "unsupported_media_type")
    try:
        # Parsed here rather than by request.get_json(): NaN/Infinity are not JSON, and a deeply
        # nested body raises RecursionError, which is no ValueError.
        data = json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        fail(400, _("请求体不是有效的 JSON。"), "bad_request", {"body": _("无法解析的 JSON。")})
    if not isinstance(data, dict):
        fail(400, _("请求体不是有效的 JSON 对象。"), "bad_request", {"body": _("应为 JSON 对象。")})
    problems: dict = {}
    _json_problems(data, "", problems)
    if problems:
        fail(400, _("提交的数据有误。"), "validation_error", problems)
    return data


def parse_query(model: type[Query] = Query):
    """The query string as `model` (the operation's query model; the bare Query: no parameters), or 400
    with a message per parameter: unknown ones, NUL characters, wrong values."""
    from app.api.blueprint import BY_ENDPOINT  # the blueprint's modules import this one

    declared = BY_ENDPOINT[request.endpoint].query or Query
    if declared is not model:  # what is checked is what the document says
        raise TypeError(f"{request.endpoint} documents {declared.__name__} but reads {model.__name__}")
    try:
        return model.parse(request.args.to_dict(flat=True))
    except QueryError as error:
        fail(400, error.message, error.code, error.fields)


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


def paginate_by_id(stmt, model, page: Paging, serialize=None, *, serialize_page=None) -> dict:
    """Keyset pagination on the primary key: stable, and cheap at any depth. `page`: the parsed query's
    limit and cursor.

    `serialize` turns one row into JSON; `serialize_page` (rows → list) is for rows that need
    something loaded for the whole page at once (one query, not one per row).
    """
    if page.cursor:
        stmt = stmt.where(model.id > _decode_cursor(page.cursor))
    rows = db.session.scalars(stmt.order_by(model.id).limit(page.limit + 1)).unique().all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
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
