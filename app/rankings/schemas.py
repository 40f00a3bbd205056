"""The payload of POST /api/v1/rankings/publications."""
from typing import ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, field_validator

from app.core.payloads import Payload, refuse, text
from app.rankings.periods import PeriodError, parse_period
from app.rankings.scoring import BOARDS


class RankingPublicationCreate(Payload):
    """发布（冻结）一个榜单。 / A board to publish (freeze)."""

    messages: ClassVar[dict] = {"board": _l("没有这个榜单。"), "period": _l("请填写统计期。"), "reason": _l("应为文本。"),
                                "reason:too_long": _l("更正原因最多 2000 字。")}

    board: Literal[tuple(BOARDS)]
    period: text(32) = Field(description="已结束的统计期：YYYY-MM、YYYY-Qn 或 YYYY-MM-DD..YYYY-MM-DD。 / A closed period.")
    reason: text(2000, required=False) = Field("", description="重新发布（更正）时必填。 / Required to publish a period "
                                                               "again (a correction).")

    @field_validator("period")
    @classmethod
    def _readable(cls, value):
        try:
            parse_period(value)
        except PeriodError as error:
            raise refuse(error.message)
        return value
