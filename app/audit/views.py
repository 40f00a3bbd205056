"""The administrator's audit log page: filter by actor, action, object and date; paginated in SQL.

Read-only by design: there is no route that changes or removes an audit row.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from app.accounts.models import User
from app.audit.blueprint import bp
from app.audit.permissions import can_view_audit_log
from app.core.inputs import ignore_filters
from app.core.models import AuditLog
from app.core.pagination import desc, distinct_values, keyset_page
from app.core.permissions import require
from app.core.timeutil import start_of_local_day
from app.extensions import db

class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("操作人（用户名）"), validators=[Optional()])
    action = SelectField(_l("操作"), default="", validate_choice=False)
    object_type = SelectField(_l("对象类型"), default="", validate_choice=False)
    object_id = IntegerField(_l("对象编号"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    date_from = DateField(_l("日期自"), validators=[Optional()])
    date_to = DateField(_l("日期至"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = str(_l("全部"))
        # Index skips, not a DISTINCT over every row: the log grows with every action anyone takes.
        actions = distinct_values(AuditLog.action)
        types = [t for t in distinct_values(AuditLog.object_type) if t != ""]
        self.action.choices = [("", any_)] + [(a, a) for a in actions]
        self.object_type.choices = [("", any_)] + [(t, t) for t in types]

    def filtered(self, stmt: sa.Select) -> sa.Select:
        if not self.validate():
            ignore_filters(self)
            return stmt
        actor = (self.actor.data or "").strip()
        if actor:
            ids = sa.select(User.id).where(sa.func.lower(User.username) == actor.lower())
            stmt = stmt.where(AuditLog.actor_id.in_(ids))
        if self.action.data:
            stmt = stmt.where(AuditLog.action == self.action.data)
        if self.object_type.data:
            stmt = stmt.where(AuditLog.object_type == self.object_type.data)
        if self.object_id.data:
            stmt = stmt.where(AuditLog.object_id == self.object_id.data)
        if self.date_from.data:
            stmt = stmt.where(AuditLog.at >= start_of_local_day(self.date_from.data))
        if self.date_to.data:
            stmt = stmt.where(AuditLog.at < start_of_local_day(self.date_to.data + timedelta(days=1)))
        return stmt


@bp.route("/")
@login_required
def index():
    require(can_view_audit_log(current_user))
    form = AuditFilterForm(request.args)
    page = keyset_page(form.filtered(sa.select(AuditLog)), (desc(AuditLog.id),))
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return render_template("audit/index.html", form=form, page=page, actors=actors)
