from dataclasses import fields

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.models import CalendarOverride
from app.extensions import db
from app.settings.services import NOTE_MAX, SLA_RANGES, YEAR_MAX, YEAR_MIN, parse_override_lines
from app.settings.sla import LABELS, SLA

KIND_HOLIDAY = "holiday"
KIND_WORKDAY = "workday"
KIND_CHOICES = [SelectChoice(KIND_HOLIDAY, _l("休息日")), SelectChoice(KIND_WORKDAY, _l("工作日（调休上班）"))]


class OverrideForm(FlaskForm):
    day = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期。"))])
    kind = SelectField(_l("类型"), choices=KIND_CHOICES, validators=[InputRequired(_l("请选择类型。"))])
    note = StringField(
        _l("备注"), validators=[Optional(), Length(max=NOTE_MAX, message=_l("备注不能超过 %(max)d 个字。", max=NOTE_MAX))],
        description=_l("例如：国庆节、春节调休上班"),
    )
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, override: CalendarOverride | None = None, **kwargs):
        if override is not None and "kind" not in kwargs:
            kwargs["kind"] = KIND_WORKDAY if override.is_workday else KIND_HOLIDAY
        super().__init__(*args, obj=override, **kwargs)
        self.override = override

    def validate_day(self, field):
        if field.data is None:  # not a date: DateField has already said so
            return
        if not YEAR_MIN <= field.data.year <= YEAR_MAX:
            raise ValidationError(_l("请填写 %(low)d–%(high)d 年之间的日期。", low=YEAR_MIN, high=YEAR_MAX))
        stmt = sa.select(CalendarOverride.id).where(CalendarOverride.day == field.data)
        if self.override is not None:
            stmt = stmt.where(CalendarOverride.id != self.override.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError(_l("这一天已有设置，请在列表中编辑它。"))

    def override_data(self) -> dict:
        return {"day": self.day.data, "is_workday": self.kind.data == KIND_WORKDAY, "note": self.note.data or ""}


class BulkOverrideForm(FlaskForm):
    year = IntegerField(_l("年份"), validators=[
        InputRequired(_l("请填写年份。")),
        NumberRange(min=YEAR_MIN, max=YEAR_MAX, message=_l("请填写 %(low)d–%(high)d 之间的年份。", low=YEAR_MIN, high=YEAR_MAX)),
    ])
    lines = TextAreaField(
        _l("放假与调休安排（每行一条）"), validators=[InputRequired(_l("请粘贴至少一行。"))], render_kw={"rows": 14},
        description=_l("格式：日期 休/班 备注。例如“2027-01-01 休 元旦”、“2027-02-06 班 春节调休上班”、"
                       "“2027-10-01..2027-10-07 休 国庆节”。以 # 开头的行忽略。任何一行有误则全部不录入。"),
    )
    replace = BooleanField(_l("替换该年已有的全部条目（未列出的日期将被删除）"))
    submit = SubmitField(_l("全部录入"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = []

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.entries, errors = parse_override_lines(self.lines.data, self.year.data)
        if errors:
            self.lines.errors = [*self.lines.errors, *errors]
            return False
        return True


class SLAForm(FlaskForm):
    """One whole-number field per SLA limit (added below from the SLA dataclass)."""

    def sla_values(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name).data for f in fields(SLA)}


for _field in fields(SLA):
    _low, _high = SLA_RANGES[_field.name]
    setattr(SLAForm, _field.name, IntegerField(
        LABELS[_field.name],
        validators=[
            InputRequired(_l("请填写天数。")),
            NumberRange(min=_low, max=_high, message=_l("请填写 %(low)d–%(high)d 之间的整数。", low=_low, high=_high)),
        ],
        description=_l("默认：%(n)d", n=_field.default),
    ))
SLAForm.submit = SubmitField(_l("保存"))
del _field, _low, _high


class GoalTargetsForm(FlaskForm):
    """The yearly targets of the categories measured by revenue growth (新势力 跑在前, 新雏鹰 跑腾飞)."""

    new_force = IntegerField(_l("新势力企业：年营业收入增长率目标（%）"), validators=[
        InputRequired(_l("请填写目标。")), NumberRange(min=0, max=1000, message=_l("请填写 0–1000 之间的整数。"))])
    eaglet = IntegerField(_l("“新雏鹰计划”培育企业：年营业收入增长率目标（%）"), validators=[
        InputRequired(_l("请填写目标。")), NumberRange(min=0, max=1000, message=_l("请填写 0–1000 之间的整数。"))])
    submit = SubmitField(_l("保存"))
