"""POST /tokens and GET /me."""
from flask_babel import gettext as _

from app.accounts import services, throttling
from app.accounts.schemas import TokenRequest
from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, parse_payload, parse_query
from app.extensions import db


@operation(
    "POST", "/tokens", "createToken", tag="auth", summary="用用户名和密码换取令牌 · Get a token",
    description=(
        "用户名和密码正确时返回一个新令牌（只显示这一次）及其到期时间；与登录表单一样限制频率。令牌也可在个人设置页创建和吊销。\n\n"
        "Returns a new bearer token (shown once) and its expiry when the username and password are right; "
        "rate-limited like the login form. Tokens can also be created and revoked on the profile page. "
        "An account that must still change its initial or reset password gets 403 "
        "(`password_change_required`) until it has done so on the web."),
    answer=answers.TokenCreated, status=201, errors=(400, 401, 403, 413, 415, 429), body=TokenRequest, public=True,
    example={"username": "escort01", "password": "••••••••", "name": "热线系统"},
)
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


@operation(
    "GET", "/me", "getMe", tag="auth", summary="当前用户 · The caller",
    description=(
        "令牌所属用户的编号、姓名、角色及所属企业或部门。\n\n"
        "The token's user: id, name, role and company or department."),
    answer=answers.Me, errors=(400,),
)
def me():
    parse_query()
    user = current_api_user()
    return answers.Me.of(id=user.id, username=user.username, name=user.name, role=user.role,
                         company_id=user.company_id, department_id=user.department_id)
