from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class PublishForm(FlaskForm):
    title = StringField(_l("问题标题"), validators=[Length(max=200)])
    question = TextAreaField(_l("问题"), validators=[Length(max=5000)], render_kw={"rows": 5})
    answer = TextAreaField(_l("答复"), validators=[Length(max=10000)], render_kw={"rows": 8})
    submit = SubmitField(_l("发布为政策问答"))


class TemplateForm(FlaskForm):
    department_id = SelectField(_l("适用范围"), coerce=int, default=0, validate_choice=False)
    title = StringField(_l("标题"), validators=[Length(max=100)])
    body = TextAreaField(_l("答复内容"), validators=[Length(max=5000)], render_kw={"rows": 5})
    submit = SubmitField(_l("添加"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100)])


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (withdraw, delete)."""
