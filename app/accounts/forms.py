from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.accounts.passwords import password_problems, verify_password


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名。")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。")), Length(max=256)])
    submit = SubmitField(_l("登录"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。"))])
    confirm = PasswordField(
        _l("再次输入新密码"),
        validators=[DataRequired(_l("请再次输入新密码。")), EqualTo("new_password", _l("两次输入的新密码不一致。"))],
    )
    revoke_tokens = BooleanField(
        _l("同时吊销我的全部 API 令牌"), default=True,
        description=_l("建议保留勾选：如果旧密码可能已泄露，用它申请的令牌也应作废。对接系统需重新申请令牌。"))
    submit = SubmitField(_l("修改密码"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError(_l("当前密码不正确。"))

    def validate_new_password(self, field):
        value = field.data or ""
        if value == (self.current_password.data or ""):
            raise ValidationError(_l("新密码不能与当前密码相同。"))
        problems = password_problems(
            value, staff=self.user.is_staff, context=(self.user.username, self.user.name, "peipao")
        )
        if problems:
            raise ValidationError(" ".join(problems))


TOKEN_DAYS = (30, 90, 180, 365)


class TokenForm(FlaskForm):
    name = StringField(_l("令牌名称"), validators=[DataRequired(_l("请填写令牌名称。")), Length(max=100)],
                       description=_l("写明用途，如“热线系统对接”，便于日后识别和吊销。"))
    days = SelectField(_l("有效期"), coerce=int, default=90,
                       choices=[(30, _l("30 天")), (90, _l("90 天")), (180, _l("180 天")), (365, _l("1 年"))])
    submit = SubmitField(_l("创建令牌"))
