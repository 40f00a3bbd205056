"""The payload of POST /api/v1/rankings/publications and the query strings of the rankings' API."""
from typing import ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, field_validator, model_validator

from app.core.payloads import Payload, Query, query_choice, query_text, refuse, refuse_parameter, text
from app.rankings.periods import Period, PeriodError, parse_period, period_from_args
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


DATE = {"type": "string", "format": "date"}


class PeriodQuery(Query):
    """GET /api/v1/rankings/{board}: the period, as on the ranking pages."""

    period: query_text() = Field("", description=(
        "统计期：YYYY-MM（月，默认本月）、YYYY-Qn（季度）或 YYYY-MM-DD..YYYY-MM-DD。 / "
        "Period: YYYY-MM (month, default this month), YYYY-Qn or YYYY-MM-DD..YYYY-MM-DD."))
    start: query_text(schema=DATE) = Field("", description="自定义区间开始（与 end 同用）。 / Custom range start (with end).")
    end: query_text(schema=DATE) = Field("", description="自定义区间结束。 / Custom range end.")

    @model_validator(mode="after")
    def _readable(self):
        self.to_period()
        return self

    def to_period(self) -> Period:
        try:
            return period_from_args({"period": self.period, "start": self.start, "end": self.end})
        except PeriodError as error:
            raise refuse_parameter(error.message, error.message, "validation_error", field=error.field)


class PublicationQuery(Query):
    """GET /api/v1/rankings/publications: which frozen boards."""

    board: query_choice(BOARDS, message=_l("没有这个榜单。"), summary=_l("提交的数据有误。"), code="validation_error") = Field(
        None, description="榜单 / Board")
    period: query_text() = Field("", description="统计期，如 2026-06 / Period, e.g. 2026-06")

    @field_validator("period")
    @classmethod
    def _key(cls, value):
        """The period's key (2026-06), or None for every period."""
        try:
            return parse_period(value).key if value else None
        except PeriodError as error:
            raise refuse_parameter(error.message, error.message, "validation_error")
