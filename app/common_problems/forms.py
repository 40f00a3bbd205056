"""Forms of the common-problem pages. The rules live in app.common_problems.services; these forms carry the
CSRF token, the fields, and the member problems as the numbers staff know them by (XS-2026-000123)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.extensions import db
from app.tickets.models import Ticket

_SPLIT = re.compile(r"[\s,，、;；]+")


def split_numbers(text: str) -> list[str]:
    return [n.upper() for n in _SPLIT.split(text or "") if n]


def resolve_numbers(visible, numbers: list[str]) -> tuple[list[int], list[str]]:
    """(ids of the visible problems with these numbers, the numbers not found) in one query."""
    if not numbers:
        return [], []
    found = dict(db.session.execute(
        visible.where(Ticket.number.in_(numbers)).with_only_columns(Ticket.number, Ticket.id)).all())
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


class CommonProblemForm(FlaskForm):
    title = StringField(_l("共性问题标题"), validators=[
        InputRequired(message=_l("请填写共性问题标题。")), Length(max=200, message=_l("标题最多200字。"))])
    description = TextAreaField(_l("说明（可选）"), render_kw={"rows": 3},
                                validators=[Length(max=5000, message=_l("说明最多5000字。"))])
    tickets = TextAreaField(_l("问题编号"), render_kw={"rows": 4, "placeholder": "XS-2026-000123"},
                            description=_l("每行一个，或用逗号分隔。只能合并尚未交办部门的问题。"),
                            validators=[InputRequired(message=_l("请填写要合并的问题编号。")),
                                        Length(max=10000, message=_l("内容过长。"))])
    submit = SubmitField(_l("创建共性问题"))


class MembersForm(FlaskForm):
    tickets = TextAreaField(_l("加入的问题编号"), render_kw={"rows": 2, "placeholder": "XS-2026-000123"},
                            validators=[InputRequired(message=_l("请填写要加入的问题编号。")),
                                        Length(max=10000, message=_l("内容过长。"))])
    submit = SubmitField(_l("加入"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "members")
        super().__init__(*args, **kwargs)


class RemoveMemberForm(FlaskForm):
    submit = SubmitField(_l("移出"))


def ticket_numbers(visible, ids) -> str:
    """The numbers of these visible problems, one a line (to pre-fill the form from a suggestion)."""
    if not ids:
        return ""
    rows = db.session.execute(visible.where(Ticket.id.in_(list(ids))).with_only_columns(Ticket.id, Ticket.number)).all()
    numbers = dict(rows)
    return "\n".join(numbers[i] for i in ids if i in numbers)
