"""The payloads of a new 共性问题 and of the problems added to one (its actions take the tickets' schemas)."""
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import Field

from app.core.payloads import Id, Payload, text

MIN_MEMBERS = 2
MAX_MEMBERS = 200
PICK = _l("请选择要合并的问题（问题编号列表）。")


class CommonProblemMembers(Payload):
    """加入共性问题的问题。 / Problems to add to a common problem."""

    messages: ClassVar[dict] = {"ticket_ids": PICK}
    ticket_ids: list[Id] = Field(min_length=1, max_length=MAX_MEMBERS)


class CommonProblemCreate(Payload):
    """新的共性问题。 / A new common problem."""

    messages: ClassVar[dict] = {"title": _l("请填写共性问题标题。"), "title:too_long": _l("最多 %(n)d 字。", n=200),
                                "description": _l("应为文本。"), "description:too_long": _l("最多 %(n)d 字。", n=5000),
                                "ticket_ids": PICK,
                                "ticket_ids:too_short": _l("共性问题至少包含 %(n)d 个问题。", n=MIN_MEMBERS)}
    title: text(200)
    description: text(5000, required=False) = ""
    ticket_ids: list[Id] = Field(min_length=MIN_MEMBERS, max_length=MAX_MEMBERS, description=(
        "尚未交办部门的问题（待受理、已受理或待交办）。 / Problems not yet with a department."))
