"""POST /tokens and GET /me."""
from flask import current_app
from flask_babel import gettext as _

from app.accounts import services
from app.api import bp
from app.api.common import check_query_params, current_api_user, fail, json_body, token_required
from app.extensions import db, limiter


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    from flask import request

    try:
        data = request.get_json(silent=True)
    except RecursionError:  # a deeply nested body; json_body() refuses it with a 400
        data = None
    name = data.get("username", "") if isinstance(data, dict) else ""
    return "token-user:" + str(name).strip().lower()


@bp.post("/tokens")
@limiter.limit(_limit)
@limiter.limit(_limit, key_func=_username_key)
def create_token():
    data = json_body()
    fields = {}
    for key in ("username", "password"):
        if not isinstance(data.get(key), str) or not data.get(key):
            fields[key] = _("必填。")
    if data.get("name") is not None and not isinstance(data["name"], str):
        fields["name"] = _("应为文本。")
    if fields:
        fail(400, _("请提供用户名和密码。"), "validation_error", fields)
    user = services.authenticate(data["username"], data["password"])
    if user is None:
        db.session.commit()
        fail(401, _("用户名或密码不正确。"), "invalid_credentials")
    if user.must_change_password:
        db.session.commit()
        fail(403, _("请先在网页上登录并修改初始密码，然后再申请令牌。"), "password_change_required")
    token, plain = services.create_api_token(user, name=data.get("name") or "API")
    db.session.commit()
    return {"token": plain, "expires_at": token.expires_at.isoformat()}, 201


@bp.get("/me")
@token_required
def me():
    check_query_params(set())
    user = current_api_user()
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "company_id": user.company_id,
        "department_id": user.department_id,
    }
