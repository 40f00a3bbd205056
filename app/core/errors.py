"""Error pages in the user's language and JSON errors for the API; never a traceback."""
import logging
import uuid

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger("peipao.errors")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}


def messages() -> dict[int, str]:
    return {
        400: _("请求有误，请检查后重试。"),
        401: _("请先登录。"),
        403: _("您没有权限执行此操作。"),
        404: _("页面或记录不存在，或您无权查看。"),
        405: _("不支持该请求方式。"),
        409: _("数据已被他人修改，请刷新后重试。"),
        413: _("上传的内容过大。"),
        415: _("不支持的内容类型。"),
        422: _("提交的内容无法处理。"),
        429: _("操作过于频繁，请稍后再试。"),
        500: _("系统出现错误，我们已记录，请稍后再试。"),
        503: _("服务暂时不可用（数据库无法连接），请稍后再试。"),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str | None = None, code: str | None = None, fields: dict | None = None):
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message or messages().get(status, "")}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _render(status: int, reference: str | None = None, message: str | None = None):
    message = message or messages().get(status, "")
    if wants_json():
        if reference:
            message = f"{message} ({reference})"
        return api_error(status, message)
    try:
        return render_template("errors/error.html", status=status, message=message, reference=reference), status
    except Exception:  # the layout reads the database (signed-in user, notifications), which may be down
        log.exception("error page could not be rendered [ref %s]", reference)
        return _bare_page(status, message, reference), status


def _bare_page(status: int, message: str, reference: str | None) -> str:
    """An error page that needs nothing but this module: no template, no database."""
    ref = f"<p>{escape(_('错误编号'))}：<code>{escape(reference)}</code></p>" if reference else ""
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{status}</title></head>'
        f"<body><h1>{status}</h1><p>{escape(message)}</p>{ref}<p><a href=\"/\">{escape(_('返回首页'))}</a></p>"
        "</body></html>"
    )


def _discard_failed_transaction() -> None:
    """A failed flush leaves the session unusable until rolled back; the error page must still render."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.warning("rollback before the error page failed", exc_info=True)


def register_error_handlers(app) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if exc.code in (403, 404):
            from app.core.audit import record_refusal

            record_refusal(exc.code)
        if wants_json() and getattr(exc, "response", None) is not None:
            return exc.response  # an API error that already carries its JSON body
        if isinstance(exc, CSRFError):  # usually a form left open too long, or cookies blocked
            return _render(400, message=_("页面已过期或表单无效，请返回并刷新页面后重新提交。"))
        return _render(exc.code or 500)

    @app.errorhandler(OperationalError)
    def handle_db_down(exc):
        reference = uuid.uuid4().hex[:12]
        log.error("database unavailable [ref %s]: %s", reference, exc)
        _discard_failed_transaction()
        return _render(503, reference)

    @app.errorhandler(Exception)
    def handle_unexpected(exc):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        reference = uuid.uuid4().hex[:12]
        log.exception("unhandled error [ref %s]", reference)
        _discard_failed_transaction()
        return _render(500, reference)
