"""The payload of a visit (the page form's and the API's), and of each problem raised at it."""
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, PlainValidator, ValidationInfo, WithJsonSchema, field_validator

from app.core.payloads import Id, Paging, Payload, QueryInt, refuse, text
from app.tickets.schemas import ProblemFields
from app.visits.models import MODES

MAX_DAYS_BACK = 90


def _visit_date(value, info: ValidationInfo) -> date:
    """A date (YYYY-MM-DD) neither after `today` (validation context) nor more than 90 days before it."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise refuse(_l("请填写有效的走访日期（YYYY-MM-DD）。"))
    today = (info.context or {})["today"]
    if value > today:
        raise refuse(_l("走访日期不能晚于今天。"))
    earliest = today - timedelta(days=MAX_DAYS_BACK)
    if value < earliest:
        raise refuse(_l("走访日期不能早于 %(day)s：只能补记 %(n)d 天内的走访。", day=earliest.isoformat(),
                        n=MAX_DAYS_BACK))
    return value


class VisitProblem(ProblemFields):
    """每个问题成为一张来源为 visit、已受理的工单（description 可省略，默认为 title）。 / Each becomes a ticket
    with source visit, already accepted (description may be left out: it defaults to the title)."""

    description: text(5000, required=False) = Field("", validate_default=True)

    @field_validator("description")
    @classmethod
    def _defaults_to_title(cls, value, info: ValidationInfo):
        return value or info.data.get("title") or ""


class VisitFields(Payload):
    """A visit's own fields and its problems (validated with context `today`)."""

    messages: ClassVar[dict] = {
        "mode": _l("请选择走访方式（实地走访、电话、视频或座谈会）。"), "summary": _l("请填写走访情况。"),
        "participants": _l("应为文本。"), "company_status": _l("应为文本。"), "next_step": _l("应为文本。"),
        **{f"{name}:too_long": _l("最多 %(n)d 字。", n=limit) for name, limit in
           (("participants", 500), ("summary", 5000), ("company_status", 5000), ("next_step", 5000))},
        "problems": _l("应为问题列表。"), "problems:model_type": _l("应为对象。"),
    }

    visited_on: Annotated[date, PlainValidator(_visit_date), WithJsonSchema({
        "type": "string", "format": "date",
        "description": "不晚于今天，不早于90天前。 / Not after today, at most 90 days back."})]
    mode: Literal[tuple(MODES)]
    summary: text(5000)
    participants: text(500, required=False) = ""
    company_status: text(5000, required=False) = ""
    next_step: text(5000, required=False) = ""
    problems: list[VisitProblem] = Field(default_factory=list)

    @field_validator("problems", mode="before")
    @classmethod
    def _no_problems(cls, value):
        return [] if value is None else value

    @classmethod
    def nested_lists(cls) -> dict:
        return {"problems": VisitProblem}


class VisitCreate(VisitFields):
    """记录的走访。 / A visit logged through the API."""

    # Checked by the route first (a company outside the caller's scope is a 404).
    company_id: Id




class VisitListQuery(Paging):
    """GET /api/v1/visits: the list's filter."""

    company_id: QueryInt = Field(None, description="企业编号 / Company id")
