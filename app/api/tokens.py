"""POST /tokens and GET /me."""
from flask import current_app
from flask_babel import gettext as _

from app.accounts import services
from app.api import bp
from app.api.common import current_api_user, fail, json_body, token_required
from app.extensions import db, limiter


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    from flask import request

    data = request.get_json(silent=True)
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
    if fields:
        fail(400, _("请提供用户名和密码。"), "validation_error", fields)
    user = services.authenticate(data["username"], data["password"])
    if user is None:
        db.session.commit()
        fail(401, _("用户名或密码不正确。"), "invalid_credentials")
    token, plain = services.create_api_token(user, name=str(data.get("name") or "API"))
    db.session.commit()
    return {"token": plain, "expires_at": token.expires_at.isoformat()}, 201


@bp.get("/me")
@token_required
def me():
    user = current_api_user()
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "company_id": user.company_id,
        "department_id": user.department_id,
    }
