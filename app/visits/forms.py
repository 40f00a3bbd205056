"""The visit form (phone-first: one column, big targets, problem rows without JavaScript) and the list filters."""
import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, MultipleFileField, RadioField, SelectField, StringField
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.inputs import date_in_range, ignore_filters
from app.companies.forms import CompanySearchFields, escort_choices, town_choices
from app.core.widgets import LongSelect
from app.tickets.models import CATEGORIES
from app.visits.models import MODES

PROBLEM_KEY = re.compile(r"problems\[(\d+)\](?:\.(\w+))?")
SPARE_PROBLEM_ROWS = 1  # one empty row; "＋ 添加问题" adds more
MAX_PROBLEM_ROWS = 20


class ProblemRowForm(Form):
    """One problem raised at the visit; a row left empty is ignored."""

    title = StringField(_l("问题标题"))
    category = SelectField(_l("问题类别"), validate_choice=False, default="")
    description = TextAreaField(_l("问题描述"))
    urgent = BooleanField(_l("紧急"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", str(_l("请选择类别")))] + [(k, str(v)) for k, v in CATEGORIES.items()]

    def row(self) -> dict:
        return {
            "title": self.title.data or "",
            "category": self.category.data or "",
            "description": self.description.data or "",
            "urgency": "urgent" if self.urgent.data else "ordinary",
        }


class VisitForm(FlaskForm):
    """Field rules live in app.visits.services (shared with the API); this form carries the values
    and shows the service's messages next to the fields."""

    visited_on = StringField(_l("走访日期"), render_kw={"type": "date"})
    mode = RadioField(_l("走访方式"), choices=[(k, v) for k, v in MODES.items()], validate_choice=False)
    participants = StringField(_l("参与人员"), description=_l("如：企业总经理张三、陪跑员李四"))
    summary = TextAreaField(_l("走访情况"), render_kw={"rows": 4})
    company_status = TextAreaField(_l("生产经营状况"), description=_l("产值、订单、用工等"), render_kw={"rows": 3})
    next_step = TextAreaField(_l("下一步工作"), render_kw={"rows": 2})
    problems = FieldList(FormField(ProblemRowForm), min_entries=SPARE_PROBLEM_ROWS, max_entries=MAX_PROBLEM_ROWS)
    photos = MultipleFileField(_l("现场照片"), description=_l("JPG 或 PNG，最多 9 张"),
                               render_kw={"accept": "image/jpeg,image/png", "multiple": True})
    add_problem = SubmitField(_l("＋ 添加问题"))
    submit = SubmitField(_l("保存走访记录"))

    def visit_data(self) -> dict:
        return {name: getattr(self, name).data or "" for name in
                ("visited_on", "mode", "participants", "summary", "company_status", "next_step")}

    def problem_rows(self) -> list[dict]:
        return [entry.form.row() for entry in self.problems]

    # Folded under 更多 on the form: optional, and open when one of them holds text or an error.
    MORE_FIELDS = ("participants", "company_status", "next_step")

    def more_open(self) -> bool:
        return any(getattr(self, name).data or getattr(self, name).errors for name in self.MORE_FIELDS)

    def can_add_problem(self) -> bool:
        return len(self.problems) < MAX_PROBLEM_ROWS

    def show_errors(self, fields: dict) -> None:
        """Put the service's messages (``summary``, ``problems[1].title`` …) on the fields they belong to."""
        for key, message in fields.items():
            match = PROBLEM_KEY.fullmatch(key)
            if match is None:
                if hasattr(self, key):
                    getattr(self, key).errors = [message]
                continue
            index, name = int(match.group(1)), match.group(2)
            if index < len(self.problems):
                row = self.problems[index].form
                target = getattr(row, name) if name in ("title", "category", "description") else row.title
                target.errors = list(target.errors) + [message]


class VisitFilterForm(CompanySearchFields, FlaskForm):
    """The visit list's conditions (also the export's): the company ones come from CompanySearchFields."""

    class Meta:
        csrf = False

    escort_id = SelectField(_l("陪跑员"), coerce=int, default=0, validate_choice=False, widget=LongSelect())
    mode = SelectField(_l("走访方式"), default="", validate_choice=False)
    date_from = StringField(_l("起始日期"), validators=[Optional(), Length(max=10)], render_kw={"type": "date"})
    date_to = StringField(_l("截止日期"), validators=[Optional(), Length(max=10)], render_kw={"type": "date"})

    def __init__(self, *args, companies: sa.Select, show_escort: bool = True, **kwargs):
        """companies: the user's scope, in which a linked company_id is looked up."""
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        self.choose_company(companies)
        self.escort_id.choices = [(0, any_)] + (escort_choices() if show_escort else [])
        self.mode.choices = [("", any_)] + [(k, str(v)) for k, v in MODES.items()]

    def _date(self, field) -> date | None:
        """The typed date, or None (with a field error, and the alert naming it) when unreadable or out of range."""
        try:
            day = date.fromisoformat(field.data) if field.data else None
        except ValueError:
            day = None
        if field.data and (day is None or not date_in_range(day)):
            field.errors = [str(_l("日期格式应为 YYYY-MM-DD。"))]
            ignore_filters(self, [field])
            return None
        return day

    def filters(self) -> dict:
        if not self.validate():
            ignore_filters(self)
            return {}
        return {
            **self.company_filters(),
            "escort_id": self.escort_id.data or None,
            "mode": self.mode.data if self.mode.data in MODES else None,
            "date_from": self._date(self.date_from),
            "date_to": self._date(self.date_to),
        }


class UnvisitedFilterForm(FlaskForm):
    class Meta:
        csrf = False

    escort_id = SelectField(_l("陪跑员"), coerce=int, default=0, validate_choice=False, widget=LongSelect())
    town_id = SelectField(_l("镇街"), coerce=int, default=0, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        self.escort_id.choices = [(0, any_)] + escort_choices()
        self.town_id.choices = [(0, any_)] + town_choices()

    def filters(self) -> dict:
        if not self.validate():
            ignore_filters(self)
            return {}
        return {"escort_id": self.escort_id.data or None, "town_id": self.town_id.data or None}
