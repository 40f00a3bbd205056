import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from app.extensions import db


class ReferenceForm(FlaskForm):
    code = StringField(_l("编码"), validators=[DataRequired(_l("请填写编码。")), Length(max=32)])
    name = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称。")), Length(max=100)])
    active = BooleanField(_l("启用"), default=True)
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, model, obj_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.obj_id = obj_id

    def _unique(self, column, value):
        stmt = sa.select(self.model.id).where(column == value.strip())
        if self.obj_id:
            stmt = stmt.where(self.model.id != self.obj_id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError(_l("已存在相同的值。"))

    def validate_code(self, field):
        self._unique(self.model.code, field.data)

    def validate_name(self, field):
        self._unique(self.model.name, field.data)
