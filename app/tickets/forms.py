"""Forms of the staff problem pages: filing on a company's behalf, one small form per action,
comments, attachments and the list filters.

The forms render the fields and carry the CSRF token and the ticket version; the rules
(required reasons, valid departments, deadlines …) live in app.tickets.services, whose
TicketActionError.fields are put back on the matching fields.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import Length, Optional

from app.core.inputs import ignore_filters
from app.accounts.models import Role, User
from app.companies.forms import CompanySearchFields
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import Company
from app.companies.queries import visible_companies
from app.core.widgets import LongSelect
from app.extensions import db
from app.reference.models import Department, Town
from app.tickets.models import CATEGORIES, COMPLEXITIES, RATINGS, SOURCES, STATUSES, SUPERVISION_LEVELS, URGENCIES
from app.tickets.permissions import can_create_ticket_for

# Staff file on a company's behalf from these channels (visits file from the visit form).
STAFF_SOURCES = ("escort", "hotline")


def _labels(mapping) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in mapping.items()]


def department_choices():
    return [(d.id, d.name) for d in db.session.scalars(
        sa.select(Department).where(Department.active.is_(True)).order_by(Department.code, Department.id))]


def helper_choices():
    """Active helpers of active departments, labelled 部门 · 姓名 (the service checks the pairing)."""
    rows = db.session.execute(
        sa.select(User.id, User.name, Department.name)
        .join(Department, Department.id == User.department_id)
        .where(User.role == Role.HELPER, User.active.is_(True), Department.active.is_(True))
        .order_by(Department.code, Department.id, User.name, User.id)
    ).all()
    return [(user_id, f"{department} · {name}") for user_id, name, department in rows]


def creatable_companies(user) -> list[Company]:
    """Companies the user may file for, from their visible companies."""
    companies = db.session.scalars(visible_companies(user).order_by(Company.name, Company.id)).all()
    return [c for c in companies if can_create_ticket_for(user, c)]


class TicketForm(FlaskForm):
    """A problem filed by an escort or manager on a company's behalf."""

    company_id = SelectField(_l("企业"), coerce=int, validate_choice=False, widget=LongSelect())
    title = StringField(_l("问题标题"), validators=[Length(max=200, message=_l("标题最多200字。"))])
    description = TextAreaField(_l("问题描述"), render_kw={"rows": 6})
    category = SelectField(_l("问题类别"), validate_choice=False)
    urgency = SelectField(_l("紧急程度"), default="ordinary", validate_choice=False)
    source = SelectField(_l("来源"), default="escort", validate_choice=False)
    submit = SubmitField(_l("提交问题"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.companies = {c.id: c for c in creatable_companies(user)}
        self.company_id.choices = [(0, str(_l("请选择企业")))] + [(c.id, c.name) for c in self.companies.values()]
        self.category.choices = [("", str(_l("请选择类别")))] + _labels(CATEGORIES)
        self.urgency.choices = _labels(URGENCIES)
        self.source.choices = [(code, str(SOURCES[code])) for code in STAFF_SOURCES]

    def chosen_company(self) -> Company | None:
        return self.companies.get(self.company_id.data)

    def ticket_data(self) -> dict:
        return {"title": self.title.data, "description": self.description.data, "category": self.category.data,
                "urgency": self.urgency.data, "source": self.source.data}


# ---------------------------------------------------------------- one small form per action

class PageForm(FlaskForm):
    """A form built with a prefix so several share one page.

    The global CSRFProtect checks the page's plain `csrf_token` input (templates render
    one in every form), so the prefixed form does not carry its own token field.
    """

    class Meta:
        csrf = False


class ActionForm(PageForm):
    """Base of every action form: the ticket version the page showed, and a button.

    Built with prefix=<action>; `posted` tells whether the fields came from a submit.
    """

    version = HiddenField()
    submit = SubmitField(_l("确定"))

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.posted = bool(self.version.data)
        if ticket is not None and not self.posted:
            self.version.data = ticket.version

    def action_data(self) -> dict:
        return {"version": self.version.data}

    def typed_text(self) -> list[tuple[str, str]]:
        """(label, text) of what the user typed, to show again when the action no longer fits."""
        return [(str(f.label.text), f.data) for f in self if isinstance(f, TextAreaField) and f.data]


def _reason(label):
    return TextAreaField(label, render_kw={"rows": 3})


class AcceptForm(ActionForm):
    submit = SubmitField(_l("受理"))


class RejectForm(ActionForm):
    reason = _reason(_l("不予受理的理由"))
    submit = SubmitField(_l("不予受理"))

    def action_data(self):
        return {**super().action_data(), "reason": self.reason.data}


class WithdrawForm(ActionForm):
    submit = SubmitField(_l("撤回"))


class ReplyForm(ActionForm):
    message = TextAreaField(_l("答复内容"), render_kw={"rows": 5})
    submit = SubmitField(_l("答复"))

    def action_data(self):
        return {**super().action_data(), "message": self.message.data}


class EscalateForm(ActionForm):
    reason = _reason(_l("提请交办的理由"))
    submit = SubmitField(_l("提请交办"))

    def action_data(self):
        return {**super().action_data(), "reason": self.reason.data}


class DispatchForm(ActionForm):
    department_id = SelectField(_l("承办部门"), coerce=int, validate_choice=False)
    helper_id = SelectField(_l("指定经办人（可选）"), coerce=int, default=0, validate_choice=False)
    complexity = SelectField(_l("复杂程度"), default="ordinary", validate_choice=False,
                             description=_l("复杂问题的办理时限更长。"))
    due_on = DateField(_l("办理期限（可选）"), validators=[Optional()],
                       description=_l("不填则按办理时限（工作日）计算；只能提前，不能超过时限。"))
    co_departments = SelectMultipleField(
        _l("协办部门（可选，可多选）"), coerce=int, default=[], validate_choice=False,
        description=_l("各协办部门分别签收并提交协办意见；承办部门在意见全部提交或逾期后答复。"))
    submit = SubmitField(_l("交办"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = department_choices()
        self.department_id.choices = [(0, str(_l("请选择部门")))] + departments
        self.helper_id.choices = [(0, str(_l("不指定（部门内签收）")))] + helper_choices()
        self.complexity.choices = _labels(COMPLEXITIES)
        self.co_departments.choices = departments
        self.co_departments.render_kw = {"size": min(len(departments), 6) or 1}

    def action_data(self):
        return {**super().action_data(), "department_id": self.department_id.data or None,
                "helper_id": self.helper_id.data or None, "complexity": self.complexity.data,
                "due_on": self.due_on.data.isoformat() if self.due_on.data else None,
                "co_departments": list(self.co_departments.data or [])}


class SignForm(ActionForm):
    submit = SubmitField(_l("签收"))


class ReturnForm(ActionForm):
    reason = _reason(_l("退回理由"))
    suggested_department_id = SelectField(_l("建议承办部门（可选）"), coerce=int, default=0, validate_choice=False)
    submit = SubmitField(_l("退回"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested_department_id.choices = [(0, str(_l("不建议")))] + department_choices()

    def action_data(self):
        return {**super().action_data(), "reason": self.reason.data,
                "suggested_department_id": self.suggested_department_id.data or None}


class RateForm(ActionForm):
    """The escort records the company's rating after a follow-up call (回访)."""

    rating = SelectField(_l("企业评价"), default="", validate_choice=False)
    comment = TextAreaField(_l("回访情况"), render_kw={"rows": 3}, description=_l("选择“不满意”时必须说明原因。"))
    submit = SubmitField(_l("记录回访评价"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = [("", str(_l("请选择")))] + _labels(RATINGS)

    def action_data(self):
        return {**super().action_data(), "rating": self.rating.data, "comment": self.comment.data}


class SuperviseForm(ActionForm):
    level = SelectField(_l("督办级别"), validate_choice=False)
    submit = SubmitField(_l("督办"))

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.level.choices = _labels(SUPERVISION_LEVELS)
        if ticket is not None and not self.posted:
            # Suggest the next level up; the service refuses a lower one.
            order = list(SUPERVISION_LEVELS)
            current = order.index(ticket.supervision) if ticket.supervision in order else -1
            self.level.data = order[min(current + 1, len(order) - 1)]

    def action_data(self):
        return {**super().action_data(), "level": self.level.data}


class RequestExtensionForm(ActionForm):
    new_due = DateField(_l("申请延期至"), validators=[Optional()])
    reason = _reason(_l("延期理由"))
    submit = SubmitField(_l("申请延期"))

    def action_data(self):
        return {**super().action_data(), "reason": self.reason.data,
                "new_due": self.new_due.data.isoformat() if self.new_due.data else None}


class DecideExtensionForm(ActionForm):
    approve = SubmitField(_l("同意延期"))
    deny = SubmitField(_l("不同意"))
    submit = None

    def action_data(self):
        approve = True if self.approve.data else False if self.deny.data else None
        return {**super().action_data(), "approve": approve}


class PauseForm(ActionForm):
    reason = TextAreaField(_l("需要企业补充的材料"), render_kw={"rows": 3},
                           description=_l("企业会收到通知并在企业端看到这段说明；暂停期间不计时。"))
    submit = SubmitField(_l("暂停计时"))

    def action_data(self):
        return {**super().action_data(), "reason": self.reason.data}


class ResumeForm(ActionForm):
    submit = SubmitField(_l("恢复计时"))


class CoSignForm(ActionForm):
    submit = SubmitField(_l("协办签收"))


class CoOpinionForm(ActionForm):
    opinion = TextAreaField(_l("协办意见"), render_kw={"rows": 4},
                            description=_l("供承办部门答复时参考，企业不可见。"))
    submit = SubmitField(_l("提交协办意见"))

    def action_data(self):
        return {**super().action_data(), "opinion": self.opinion.data}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "withdraw": WithdrawForm,
    "reply": ReplyForm,
    "escalate": EscalateForm,
    "dispatch": DispatchForm,
    "sign": SignForm,
    "return": ReturnForm,
    "rate": RateForm,
    "supervise": SuperviseForm,
    "request_extension": RequestExtensionForm,
    "decide_extension": DecideExtensionForm,
    "pause": PauseForm,
    "resume": ResumeForm,
    "co_sign": CoSignForm,
    "co_opinion": CoOpinionForm,
}


def action_form(action: str, ticket, formdata=None) -> ActionForm:
    """The form of `action`, prefixed with its name, filled from `formdata` (None: a fresh form)."""
    return ACTION_FORMS[action](formdata=formdata, prefix=action, ticket=ticket)


# ---------------------------------------------------------------- comments and attachments

class CommentForm(PageForm):
    body = TextAreaField(_l("留言内容"), render_kw={"rows": 3})
    internal = BooleanField(_l("内部备注（企业不可见）"))
    submit = SubmitField(_l("发表"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)


class AttachmentForm(PageForm):
    file = FileField(_l("文件"), description=_l("允许 PDF、JPG、PNG、DOCX、XLSX。"))
    note = TextAreaField(_l("说明（可选）"), render_kw={"rows": 2})
    internal = BooleanField(_l("仅工作人员可见"))
    submit = SubmitField(_l("上传"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------- list filters

class TicketFilterForm(CompanySearchFields, FlaskForm):
    """The problem list's conditions (also the ledger export's): the company ones come from CompanySearchFields."""

    class Meta:
        csrf = False

    # Full-text search (app.search): number, title, description, answer, comments; internal notes for staff.
    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100)],
                    render_kw={"placeholder": _l("编号、标题、内容或留言中的词")})
    status = SelectField(_l("状态"), default="", validate_choice=False, widget=LongSelect())
    category = SelectField(_l("问题类别"), default="", validate_choice=False, widget=LongSelect())
    tag = StringField(_l("标签"), validators=[Optional(), Length(max=40)])
    department_id = SelectField(_l("承办部门"), coerce=int, default=0, validate_choice=False, widget=LongSelect())
    company_category = SelectField(_l("企业类别"), default="", validate_choice=False, widget=LongSelect())
    town_id = SelectField(_l("镇街"), coerce=int, default=0, validate_choice=False, widget=LongSelect())
    overdue = BooleanField(_l("已超期"))
    supervised = BooleanField(_l("督办中"))
    mine = BooleanField(_l("待我处理"))
    co_owing = BooleanField(_l("协办待办"))
    # Further conditions the dashboards link to (跟踪监测): each number there opens this list.
    open = BooleanField(_l("未办结"))
    due_soon = BooleanField(_l("一个工作日内到期"))
    extension_pending = BooleanField(_l("延期待审批"))
    rating = SelectField(_l("评价"), default="", validate_choice=False, widget=LongSelect())
    created_from = DateField(_l("提交日期自"), validators=[Optional()])
    created_to = DateField(_l("提交日期至"), validators=[Optional()])
    closed_from = DateField(_l("办结日期自"), validators=[Optional()])
    closed_to = DateField(_l("办结日期至"), validators=[Optional()])
    rated_from = DateField(_l("评价日期自"), validators=[Optional()])
    rated_to = DateField(_l("评价日期至"), validators=[Optional()])
    common = SelectField(_l("共性问题"), default="", validate_choice=False, widget=LongSelect())

    MORE = ("rating", "created_from", "created_to", "closed_from", "closed_to", "rated_from", "rated_to", "common")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        self.status.choices = [("", any_)] + _labels(STATUSES)
        self.category.choices = [("", any_)] + _labels(CATEGORIES)
        self.department_id.choices = [(0, any_)] + department_choices()
        self.choose_company(visible_companies(user))
        self.company_category.choices = [("", any_)] + [(k, str(v[0])) for k, v in COMPANY_CATEGORIES.items()]
        self.town_id.choices = [(0, any_)] + [(t.id, t.name) for t in db.session.scalars(
            sa.select(Town).where(Town.active.is_(True)).order_by(Town.code))]
        self.rating.choices = [("", any_)] + _labels(RATINGS)
        self.common.choices = [("", any_), ("1", str(_l("共性问题成员"))), ("0", str(_l("非共性问题成员")))]

    def narrowing_count(self) -> int:
        """How many conditions besides the search words are set (shown on the phone's folded 筛选 button)."""
        skip = ("q", "company", "company_id", "csrf_token")
        used = sum(1 for field in self if field.name not in skip and field.data not in (None, "", 0, False))
        return used + (1 if self.chosen_company or self.company.data else 0)

    def more_used(self) -> bool:
        """Whether one of the less common conditions is set (their panel then shows open)."""
        return any(self[name].data for name in self.MORE)

    def filters(self) -> dict:
        if not self.validate():
            ignore_filters(self)
            return {}
        return {
            "q": self.q.data or None,
            "status": self.status.data if self.status.data in STATUSES else None,
            "category": self.category.data if self.category.data in CATEGORIES else None,
            "department_id": self.department_id.data or None,
            **self.company_filters(),
            "company_category": self.company_category.data or None,
            "town_id": self.town_id.data or None,
            "overdue": bool(self.overdue.data),
            "supervised": bool(self.supervised.data),
            "mine": bool(self.mine.data),
            "co_owing": bool(self.co_owing.data),
            "open_only": bool(self.open.data),
            "due_soon": bool(self.due_soon.data),
            "extension_pending": bool(self.extension_pending.data),
            "rating": self.rating.data if self.rating.data in RATINGS else None,
            "tag": (self.tag.data or "").strip() or None,
            "common": self.common.data if self.common.data in ("0", "1") else None,
            **{name: self[name].data for name in self.MORE if name not in ("rating", "common")},
        }


class TagForm(FlaskForm):
    """Add a tag to a problem (the service normalises and checks it)."""

    name = StringField(_l("标签"), validators=[Length(max=100)])


class TagRemoveForm(FlaskForm):
    """Remove one tag from a problem (the button beside it)."""

    name = HiddenField(validators=[Length(max=100)])


# ---------------------------------------------------------------- saved views and bulk actions

class SavedViewForm(FlaskForm):
    """Save the list's current conditions (carried in `query`) under a name (app.tickets.saved_views checks it)."""

    name = StringField(_l("视图名称"), validators=[Length(max=100)], render_kw={"placeholder": _l("视图名称")})
    query = HiddenField(validators=[Length(max=4000)])
    submit = SubmitField(_l("保存当前筛选"))


class RenameViewForm(FlaskForm):
    name = StringField(_l("视图名称"), validators=[Length(max=100)])
    submit = SubmitField(_l("重命名"))


class BulkForm(FlaskForm):
    """The list's bulk bar: the ticked problems (`ids`), what to do, and the list's conditions to go back to."""

    class Meta:
        csrf = False  # the global CSRFProtect checks the page's csrf_token

    op = SelectField(_l("批量操作"), validate_choice=False)
    level = SelectField(_l("督办级别"), default="supervise", validate_choice=False)
    tag = StringField(_l("标签"), validators=[Length(max=100)])
    back = HiddenField(validators=[Length(max=4000)])

    OPS = {"supervise": _l("督办"), "tag": _l("添加标签"), "export": _l("导出所选")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.op.choices = [(k, str(v)) for k, v in self.OPS.items()]
        self.level.choices = _labels(SUPERVISION_LEVELS)
