"""Portal forms. The rules themselves live in app/tickets/services.py; these collect the fields."""
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.tickets.models import CATEGORIES, RATINGS, URGENCIES

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


def _attachments_field(label):
    return MultipleFileField(label, render_kw={"accept": ACCEPT, "multiple": True})


def _attachments_help() -> str:
    return _("可多选；仅限 PDF、JPG、PNG、DOCX、XLSX，每个不超过 %(mb)d MB。", mb=current_app.config["MAX_UPLOAD_MB"])


def chosen_files(field) -> list:
    """The files actually chosen (an empty file input posts one nameless part)."""
    return [f for f in (field.data or []) if f and f.filename]


class ProblemForm(FlaskForm):
    title = StringField(_l("问题标题"), validators=[DataRequired(_l("请填写问题标题。")), Length(max=200)],
                        render_kw={"maxlength": 200, "placeholder": _l("一句话概括遇到的问题")})
    description = TextAreaField(
        _l("问题描述"), validators=[DataRequired(_l("请描述遇到的问题。")), Length(max=5000)],
        render_kw={"rows": 6, "maxlength": 5000, "placeholder": _l("具体情况、已做过的努力、希望得到的帮助")},
    )
    category = SelectField(_l("问题类别"), validate_choice=False)
    urgency = RadioField(_l("紧急程度"), default="ordinary", validate_choice=False)
    attachments = _attachments_field(_l("附件（可选）"))
    submit = SubmitField(_l("提交问题"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", str(_l("请选择")))] + [(k, str(v)) for k, v in CATEGORIES.items()]
        self.urgency.choices = [(k, str(v)) for k, v in URGENCIES.items()]
        self.attachments.description = _attachments_help()

    def ticket_data(self) -> dict:
        """Only these fields reach the service: company, status, escort … are never taken from the form."""
        return {"title": self.title.data, "description": self.description.data, "category": self.category.data,
                "urgency": self.urgency.data, "source": "portal"}

    def files(self) -> list:
        return chosen_files(self.attachments)


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("留言"), validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3, "maxlength": 5000, "placeholder": _l("补充情况或向陪跑员、承办部门提问")},
    )
    attachments = _attachments_field(_l("附件（可选）"))
    submit = SubmitField(_l("发送留言"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachments.description = _attachments_help()

    def files(self) -> list:
        return chosen_files(self.attachments)


class WithdrawForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(_l("撤回原因（可选）"), validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 2, "maxlength": 1000})
    submit = SubmitField(_l("确认撤回"))

    def action_data(self) -> dict:
        return {"version": self.version.data}

    def typed_text(self) -> str:
        return (self.reason.data or "").strip()


class RateForm(FlaskForm):
    version = HiddenField()
    rating = RadioField(_l("您对答复的评价"), validate_choice=False)
    comment = TextAreaField(_l("评价意见"), validators=[Optional(), Length(max=5000)],
                            render_kw={"rows": 3, "maxlength": 5000,
                                       "placeholder": _l("选择“不满意”时请说明原因，问题将重新办理")})
    submit = SubmitField(_l("提交评价"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = [(k, str(v)) for k, v in RATINGS.items()]

    def action_data(self) -> dict:
        return {"version": self.version.data, "rating": self.rating.data, "comment": self.comment.data or ""}

    def typed_text(self) -> str:
        return (self.comment.data or "").strip()
