import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.inputs import ignore_filters
from app.core.widgets import LongSelect
from app.accounts.models import Role
from app.accounts.passwords import password_problems
from app.companies.forms import CompanyFilterForm, escort_choices, town_choices
from app.extensions import db
from app.personnel import permissions
from app.personnel.queries import UNASSIGNED
from app.personnel.services import MODE_ONE, MODE_ROUND_ROBIN, username_problem
from app.reference.models import Department


def department_choices():
    stmt = sa.select(Department).where(Department.active.is_(True)).order_by(Department.code)
    return [(d.id, d.name) for d in db.session.scalars(stmt)]


def role_choices(roles):
    return [(r, str(Role.LABELS[r])) for r in roles]


class StaffFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("用户名、姓名或电话"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("角色"), default="", validate_choice=False)
    department_id = SelectField(_l("职能部门"), coerce=int, default=0, validate_choice=False)
    town_id = SelectField(_l("镇街"), coerce=int, default=0, validate_choice=False)
    active = SelectField(_l("状态"), default="", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        self.role.choices = [("", any_)] + role_choices(Role.STAFF)
        self.department_id.choices = [(0, any_)] + department_choices()
        self.town_id.choices = [(0, any_)] + town_choices()
        self.active.choices = [("", any_), ("1", str(_l("在用"))), ("0", str(_l("已停用")))]

    def filters(self) -> dict:
        if not self.validate():
            ignore_filters(self)
            return {}
        return {
            "q": self.q.data or None,
            "role": self.role.data if self.role.data in Role.STAFF else None,
            "department_id": self.department_id.data or None,
            "town_id": self.town_id.data or None,
            "active": {"1": True, "0": False}.get(self.active.data),
        }


def _check_password(field, *, username: str, name: str, staff: bool):
    if field.data:
        problems = password_problems(field.data, staff=staff, context=(username or "", name or "", "peipao"))
        if problems:
            raise ValidationError(" ".join(problems))


class StaffForm(FlaskForm):
    """Create (target None: with username and optional password) or edit a staff member."""

    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名。")), Length(max=64)])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=100)])
    role = SelectField(_l("角色"), validate_choice=False)
    department_id = SelectField(_l("职能部门"), coerce=int, default=0, validate_choice=False,
                                description=_l("帮帮团成员必填。"))
    town_id = SelectField(_l("镇街"), coerce=int, default=0, validate_choice=False)
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("电子邮箱"), validators=[Optional(), Email(_l("请输入有效的电子邮箱。")), Length(max=200)])
    password = PasswordField(_l("初始密码"), validators=[Optional(), Length(max=128)],
                             description=_l("留空则自动生成一个安全的临时密码。无论哪种，对方首次登录都必须修改密码。"))
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, actor, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.target = target
        self.allowed_roles = permissions.assignable_roles(actor, target)
        self.role.choices = role_choices(self.allowed_roles)
        none = str(_l("无"))
        self.department_id.choices = [(0, none)] + department_choices()
        self.town_id.choices = [(0, none)] + town_choices()
        if target is not None:
            del self.username
            del self.password

    def validate_username(self, field):
        problem = username_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_role(self, field):
        if self.target is not None and field.data == self.target.role:
            return
        if field.data not in self.allowed_roles:
            if self.target is not None and self.target.id == self.actor.id:
                raise ValidationError(_l("不能修改自己的角色。"))
            raise ValidationError(_l("您不能设置这个角色。"))

    def validate_department_id(self, field):
        if self.role.data == Role.HELPER and not field.data:
            raise ValidationError(_l("帮帮团成员必须选择所属职能部门。"))

    def validate_password(self, field):
        _check_password(field, username=self.username.data, name=self.name.data, staff=True)

    def staff_data(self) -> dict:
        return {
            "username": self.username.data if self.target is None else self.target.username,
            "name": self.name.data,
            "role": self.role.data,
            "department_id": self.department_id.data or None,
            "town_id": self.town_id.data or None,
            "phone": self.phone.data or "",
            "email": self.email.data or "",
        }


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新的临时密码"), validators=[Optional(), Length(max=128)],
                             description=_l("留空则自动生成。对方下次登录必须修改密码，其所有已登录的会话将立即失效。"))
    submit = SubmitField(_l("重置密码"))

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def validate_password(self, field):
        _check_password(field, username=self.target.username, name=self.target.name, staff=self.target.is_staff)


class DeactivateForm(FlaskForm):
    reason = StringField(_l("停用原因"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("停用账号"))


class HandOverForm(FlaskForm):
    """Where companies go: all to one escort, or dealt out round-robin over several."""

    mode = RadioField(_l("移交方式"), default=MODE_ONE, validate_choice=False)
    target_id = SelectField(_l("接手的陪跑员"), coerce=int, default=0, validate_choice=False)
    target_ids = SelectMultipleField(_l("参与轮流分配的陪跑员"), coerce=int, validate_choice=False)
    reason = StringField(_l("调整原因"), validators=[DataRequired(_l("请填写调整原因。")), Length(max=300)])
    submit = SubmitField(_l("确认移交"))

    def __init__(self, *args, escorts, exclude_id: int | None = None, **kwargs):
        """`escorts`: rows (escort, current company count) from escort_workload()."""
        super().__init__(*args, **kwargs)
        self.mode.choices = [
            (MODE_ONE, str(_l("全部移交给一位陪跑员"))),
            (MODE_ROUND_ROBIN, str(_l("轮流分配给多位陪跑员"))),
        ]
        options = [(e.id, str(_l("%(name)s（现有%(n)d家）", name=e.name, n=n))) for e, n in escorts if e.id != exclude_id]
        self.target_id.choices = [(0, str(_l("请选择")))] + options
        self.target_ids.choices = options
        self.valid_ids = {value for value, _label in options}

    def validate_mode(self, field):
        if field.data not in (MODE_ONE, MODE_ROUND_ROBIN):
            raise ValidationError(_l("请选择移交方式。"))

    def validate_target_id(self, field):
        if self.mode.data == MODE_ONE and field.data not in self.valid_ids:
            raise ValidationError(_l("请选择接手的陪跑员。"))

    def validate_target_ids(self, field):
        if self.mode.data == MODE_ROUND_ROBIN:
            chosen = field.data or []
            if not chosen:
                raise ValidationError(_l("请至少勾选一位陪跑员。"))
            if any(i not in self.valid_ids for i in chosen):
                raise ValidationError(_l("所选陪跑员不可用，请重新选择。"))

    def chosen_target_ids(self) -> list[int]:
        if self.mode.data == MODE_ONE:
            return [self.target_id.data]
        return list(dict.fromkeys(self.target_ids.data or []))


class ReassignForm(HandOverForm):
    company_ids = SelectMultipleField(_l("企业"), coerce=int, validate_choice=False)
    all_matching = RadioField(_l("范围"), default="selected", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_matching_count(None)

    def show_matching_count(self, n: int | None) -> None:
        everything = _l("全部符合筛选条件的企业") if n is None else _l("全部符合筛选条件的企业（共%(n)d家）", n=n)
        self.all_matching.choices = [("selected", str(_l("仅勾选的企业"))), ("all", str(everything))]


class ReassignFilterForm(CompanyFilterForm):
    """The company list's filters, but the escort chosen from a list with "no escort yet" (the companies to move
    are picked by whose they are)."""

    escort_id = SelectField(_l("陪跑员"), coerce=int, default=0, validate_choice=False, widget=LongSelect())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.escort_id.choices = [(0, str(_l("全部"))), (UNASSIGNED, str(_l("（未分配）")))] + escort_choices()

    def choose_escort(self) -> None:
        self.chosen_escort = None

    def escort_filters(self) -> dict:
        return {"escort_id": self.escort_id.data or None, "escort": None}

    def is_filtered(self) -> bool:
        return any(v not in (None, "") for v in self.filters().values())
