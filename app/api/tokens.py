"""POST /tokens and GET /me."""
from flask_babel import gettext as _

from app.accounts import services, throttling
from app.accounts.schemas import TokenRequest
from app.api import answers
from app.api.blueprint import bp
from app.api.common import check_query_params, current_api_user, fail, parse_payload, token_required
from app.extensions import db


@bp.post("/tokens")
def create_token():
    data = parse_payload(TokenRequest, message=_("请提供用户名和密码。"))
    if throttling.is_throttled(data.username):  # the same counters as the sign-in form
        fail(429, _("操作过于频繁，请稍后再试。"), "too_many_requests")
    user = services.authenticate(data.username, data.password)
    if user is None:
        throttling.record_failure(data.username)
        db.session.commit()
        fail(401, _("用户名或密码不正确。"), "invalid_credentials")
    throttling.record_success(data.username)
    if user.must_change_password:
        db.session.commit()
        fail(403, _("请先在网页上登录并修改初始密码，然后再申请令牌。"), "password_change_required")
    token, plain = services.create_api_token(user, name=data.name or "API")
    db.session.commit()
    return answers.TokenCreated.of(token=plain, expires_at=token.expires_at.isoformat()), 201


@bp.get("/me")
@token_required
def me():
    check_query_params(set())
    user = current_api_user()
    return answers.Me.of(id=user.id, username=user.username, name=user.name, role=user.role,
                         company_id=user.company_id, department_id=user.department_id)
