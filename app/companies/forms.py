import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, DecimalField, IntegerField, PasswordField, SelectField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.core.inputs import INT_MAX, ignore_filters
from app.accounts.models import Role, User
from app.accounts.passwords import password_problems
from app.companies.models import CATEGORIES, GOAL_STATUSES, SPECIALIZED_TIERS, Company
from app.companies.queries import active_escorts
from app.companies.uscc import normalize, validation_error
from app.core.timeutil import local_today
from app.core.widgets import LongSelect
from app.extensions import db
from app.personnel.services import username_problem
from app.reference.models import Industry, Town


def town_choices():
    return [(t.id, t.name) for t in db.session.scalars(sa.select(Town).where(Town.active.is_(True)).order_by(Town.code))]


def industry_choices():
    return [(i.id, str(i)) for i in db.session.scalars(sa.select(Industry).where(Industry.active.is_(True)).order_by(Industry.code))]


def escort_choices():
    return [(row.id, row.name) for row in db.session.execute(active_escorts().with_only_columns(User.id, User.name))]


def category_choices():
    return [(code, str(label)) for code, (label, _slogan) in CATEGORIES.items()]


def finite_amount(form, field):
    """NaN would make NumberRange raise, and the column holds at most 12 digits before the point."""
    if field.data is not None and (not field.data.is_finite() or abs(field.data) >= 10**12):
        raise ValidationError(_l("请输入合理的金额。"))


def uscc_duplicate_error(code: str, exclude_id: int | None = None):
    stmt = sa.select(Company.id).where(Company.uscc == normalize(code))
    if exclude_id:
        stmt = stmt.where(Company.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        return _l("该统一社会信用代码已登记，不能重复添加。")
    return None


class CompanyForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(_l("请填写企业名称。")), Length(max=200)])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(_l("请填写统一社会信用代码。")), Length(max=30)])
    town_id = SelectField(_l("所属镇街"), coerce=int, validators=[DataRequired(_l("请选择镇街。"))])
    industry_id = SelectField(_l("行业门类"), coerce=int, validators=[DataRequired(_l("请选择行业。"))])
    category = SelectField(_l("陪跑类别"), validators=[DataRequired(_l("请选择类别。"))])
    specialized_tier = SelectField(_l("专精特新梯度"), validators=[Optional()])
    is_above_scale = BooleanField(_l("规上企业（年主营业务收入2000万元及以上）"))
    annual_revenue = DecimalField(_l("年营业收入（万元）"), places=2, validators=[
        Optional(), finite_amount, NumberRange(min=0, message=_l("不能为负数。"))])
    employees = IntegerField(_l("从业人数"), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("请输入合理的人数。"))])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    escort_id = SelectField(_l("陪跑员"), coerce=int, validators=[Optional()], widget=LongSelect())
    # No Optional() here: it would stop the chain on an empty value and skip validate_assignment_reason.
    assignment_reason = StringField(_l("分配/调整原因"), validators=[Length(max=300)])
    former_names = TextAreaField(_l("曾用名"), validators=[Length(max=5000)], render_kw={"rows": 2},
                                 description=_l("每行一个；修改企业名称时原名称会自动记为曾用名。"))
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.town_id.choices = town_choices()
        self.industry_id.choices = industry_choices()
        self.category.choices = category_choices()
        self.specialized_tier.choices = [(k, str(v)) for k, v in SPECIALIZED_TIERS.items()]
        self.escort_id.choices = [(0, str(_l("暂不分配")))] + escort_choices()

    def validate_uscc(self, field):
        error = validation_error(field.data)
        if error is None:
            error = uscc_duplicate_error(field.data, self.company.id if self.company else None)
        if error:
            raise ValidationError(error)

    def former_name_list(self) -> list[str]:
        return list(dict.fromkeys(line.strip() for line in (self.former_names.data or "").splitlines() if line.strip()))

    def validate_former_names(self, field):
        from app.companies.services import MAX_FORMER_NAMES

        names = self.former_name_list()
        if len(names) > MAX_FORMER_NAMES:
            raise ValidationError(_l("曾用名最多 %(n)d 个。", n=MAX_FORMER_NAMES))
        if any(len(name) > 200 for name in names):
            raise ValidationError(_l("每个曾用名最多 200 字。"))
        if (self.name.data or "").strip() in names:
            raise ValidationError(_l("曾用名不能与现在的企业名称相同。"))

    def validate_assignment_reason(self, field):
        current = self.company.escort_id if self.company else None
        chosen = self.escort_id.data or None
        if self.company is not None and current is not None and chosen != current and not (field.data or "").strip():
            raise ValidationError(_l("更换陪跑员时请填写原因。"))

    def company_data(self) -> dict:
        return {
            "name": self.name.data,
            "uscc": self.uscc.data,
            "town_id": self.town_id.data,
            "industry_id": self.industry_id.data,
            "category": self.category.data,
            "specialized_tier": self.specialized_tier.data or "",
            "is_above_scale": bool(self.is_above_scale.data),
            "annual_revenue": self.annual_revenue.data,
            "employees": self.employees.data,
            "address": self.address.data or "",
            "contact_name": self.contact_name.data or "",
            "contact_phone": self.contact_phone.data or "",
        }


class CompanyFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("名称或信用代码"), validators=[Optional(), Length(max=100)])
    category = SelectField(_l("类别"), default="", validate_choice=False, widget=LongSelect())
    town_id = SelectField(_l("镇街"), coerce=int, default=0, validate_choice=False, widget=LongSelect())
    # The escort condition: a name box, not a drop-down of every escort of the district (thousands of options on
    # every view, issue 14), plus the hidden `escort_id` other pages link with (the workload page's 查看企业),
    # shown by the escort's name.
    escort = StringField(_l("陪跑员"), validators=[Optional(), Length(max=50)],
                         render_kw={"placeholder": _l("陪跑员姓名")})
    escort_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    above_scale = SelectField(_l("规上"), default="", validate_choice=False, widget=LongSelect())
    goal_status = SelectField(_l("目标进度"), default="", validate_choice=False, widget=LongSelect())
    # Links from the dashboard and the escort's home: firms that reached their goal in a year, and
    # records to check (a 培育升规 firm already 规上 without its 入库 date, an achievement without its indicator).
    reached_year = IntegerField(validators=[Optional(), NumberRange(min=2000, max=2100)])
    goal_check = StringField(validators=[Optional(), Length(max=1)])

    def __init__(self, *args, show_escort: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        self.show_escort = show_escort
        self.category.choices = [("", any_)] + category_choices()
        self.town_id.choices = [(0, any_)] + town_choices()
        self.choose_escort()
        self.above_scale.choices = [("", any_), ("1", str(_l("规上"))), ("0", str(_l("规下")))]
        self.goal_status.choices = [("", any_)] + [(k, str(v)) for k, v in GOAL_STATUSES.items()]

    def filters(self) -> dict:
        if not self.validate():
            ignore_filters(self)
            return {}
        return {
            "q": self.q.data or None,
            "category": self.category.data or None,
            "town_id": self.town_id.data or None,
            **self.escort_filters(),
            "above_scale": {"1": True, "0": False}.get(self.above_scale.data),
            "goal_status": self.goal_status.data or None,
            "reached_year": self.reached_year.data or None,
            "goal_check": True if self.goal_check.data == "1" else None,
        }

    def choose_escort(self) -> None:
        """Look the linked `escort_id` up (one query) for its name: `chosen_escort` is the escort's (id, name), or
        None — an id that is not an escort's, or a viewer who does not filter by escort, is ignored like an absent
        one."""
        self.chosen_escort = None
        wanted = self.escort_id.data
        if self.show_escort and isinstance(wanted, int) and 0 < wanted <= INT_MAX:
            self.chosen_escort = db.session.execute(
                sa.select(User.id, User.name).where(User.id == wanted, User.role == Role.ESCORT)).first()
        if self.chosen_escort is None:
            self.escort_id.data, self.escort_id.raw_data, self.escort_id.process_errors = None, [], []

    def escort_filters(self) -> dict:
        """The linked escort's id, or else the typed name (companies whose escort's name contains it)."""
        if not self.show_escort:
            return {"escort_id": None, "escort": None}
        if self.chosen_escort is not None:
            return {"escort_id": self.chosen_escort.id, "escort": None}
        return {"escort_id": None, "escort": (self.escort.data or "").strip() or None}


class CompanySearchFields:
    """The company condition of the problem and visit lists (mixed into their filter forms).

    A search box instead of a drop-down of every company of the district (thousands of options on
    every page view), plus the hidden `company_id` that other pages link to the lists with
    (company page, home page, dashboards); the filter bar shows that company's name.
    """

    company = StringField(_l("企业"), validators=[Optional(), Length(max=100)],
                          render_kw={"placeholder": _l("企业名称或统一社会信用代码")})
    company_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def choose_company(self, companies: sa.Select) -> None:
        """Look the linked `company_id` up in `companies` (the user's scope) with one query.

        Sets `chosen_company` to its (id, name), or to None: an id outside the scope (or not a
        number) is ignored like an absent one, and no name is shown for it.
        """
        self.chosen_company = None
        if self.company_id.data and 0 < self.company_id.data <= INT_MAX:
            self.chosen_company = db.session.execute(
                companies.where(Company.id == self.company_id.data).with_only_columns(Company.id, Company.name)
            ).first()
        if self.chosen_company is None:
            self.company_id.data, self.company_id.raw_data, self.company_id.process_errors = None, [], []

    def company_filters(self) -> dict:
        """The linked company's id, or else the typed text (searched in the list's scope by its query)."""
        if self.chosen_company is not None:
            return {"company_id": self.chosen_company.id, "company": None}
        return {"company_id": None, "company": (self.company.data or "").strip() or None}


class PortalAccountForm(FlaskForm):
    """A portal account for one of the company's staff (created by its escort or a manager)."""

    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名。")), Length(max=64)])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=100)])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=32)])
    password = PasswordField(_l("初始密码"), validators=[Optional(), Length(max=128)],
                             description=_l("留空则自动生成。首次登录必须修改密码。"))
    submit = SubmitField(_l("创建企业账号"))

    def validate_username(self, field):
        problem = username_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_password(self, field):
        if field.data:
            problems = password_problems(
                field.data, staff=False, context=(self.username.data or "", self.name.data or "", "peipao")
            )
            if problems:
                raise ValidationError(" ".join(problems))


class GoalProgressForm(FlaskForm):
    """Progress on the company's category goal (跑在前 / 跑长大 / …), with the category's indicator.

    Only the indicator fields of the company's category are shown and read (see app/companies/goals.py).
    """

    goal_status = SelectField(_l("目标进度"), validate_choice=False, validators=[DataRequired(_l("请选择目标进度。"))])
    goal_updated_on = DateField(_l("日期"), validators=[DataRequired(_l("请填写日期。"))])
    goal_note = TextAreaField(_l("进展说明"), validators=[Optional(), Length(max=500, message=_l("说明最多500字。"))])
    entered_on = DateField(_l("入库日期"), validators=[Optional()], description=_l("进入规上统计库的日期"))
    revenue = DecimalField(_l("年主营业务收入（万元）"), places=2, validators=[
        Optional(), NumberRange(min=0, max=100_000_000, message=_l("请填写 0 以上的金额。"))])
    tier = SelectField(_l("达到的梯度"), validate_choice=False)
    tier_on = DateField(_l("认定日期"), validators=[Optional()])
    entity_on = DateField(_l("新主体注册/投产日期"), validators=[Optional()])
    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(min=2000, max=2100,
                                                                      message=_l("年份应在 2000–2100 之间。"))])
    growth = DecimalField(_l("营业收入增长率（%）"), places=1, validators=[
        Optional(), NumberRange(min=-100, max=100_000, message=_l("请填写 -100 以上的百分比。"))])
    submit = SubmitField(_l("更新目标进度"))

    FIELDS = {"upgrade": ("entered_on", "revenue"), "specialized": ("tier", "tier_on"), "spin_off": ("entity_on",),
              "new_force": ("year", "growth"), "eaglet": ("year", "growth")}

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.goal_status.choices = [(k, str(v)) for k, v in GOAL_STATUSES.items()]
        self.tier.choices = [("", _l("（不变）"))] + [(k, str(v)) for k, v in SPECIALIZED_TIERS.items() if k]

    def indicator_fields(self) -> list:
        return [self[name] for name in self.FIELDS.get(self.company.category if self.company else "", ())]

    def indicator(self) -> dict:
        return {f.name: f.data for f in self.indicator_fields()}

    def validate_goal_status(self, field):
        if field.data not in GOAL_STATUSES:
            raise ValidationError(_l("请选择目标进度。"))

    def validate_goal_updated_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("日期不能晚于今天。"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        names = {f.name for f in self.indicator_fields()}
        for name in ("entered_on", "tier_on", "entity_on"):
            field = self[name]
            if name in names and field.data and field.data > local_today():
                field.errors = [*field.errors, _l("日期不能晚于今天。")]
                ok = False
        if "tier" in names and self.tier.data and self.tier.data not in SPECIALIZED_TIERS:
            self.tier.errors = [*self.tier.errors, _l("请选择梯度。")]
            ok = False
        pairs = [("entered_on", "revenue", _l("填写入库日期时请同时填写年主营业务收入，反之亦然。")),
                 ("tier", "tier_on", _l("请同时填写达到的梯度和认定日期。")),
                 ("year", "growth", _l("请同时填写年度和营业收入增长率。"))]
        for first, second, message in pairs:
            if first in names and bool(self[first].data) != (self[second].data is not None and self[second].data != ""):
                self[second].errors = [*self[second].errors, message]
                ok = False
        return ok
