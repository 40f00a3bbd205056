"""The payloads of a problem's actions, one schema each (services.ACTIONS pairs each with its function).

The page forms' `action_data()` and the API's JSON both go through these, so a value is typed
(ids as int, dates as date, approve as bool) and trimmed before a service sees it. Each docstring
and field description is what the OpenAPI document shows.
"""
from typing import Annotated, Any, ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import ConfigDict, Field, Strict, ValidationInfo, WithJsonSchema, field_validator

from app.core.payloads import (
    INT32_MAX, Boolean, Id, Integer, IsoDate, OptionalId, OptionalIsoDate, Paging, Payload, PayloadError, Query,
    QueryBool, QueryInt, StrictBoolean, query_choice, query_text, refuse, text,
)
from app.tickets.models import CATEGORIES, SOURCES, STATUSES, URGENCIES

MAX_CO_DEPARTMENTS = 8
TOO_LONG = _l("内容过长（最多5000字）。")

Category = Literal[tuple(CATEGORIES)]
Urgency = Literal[tuple(URGENCIES)]
Source = Literal[tuple(SOURCES)]
Complexity = Literal["ordinary", "complex"]
Rating = Literal["satisfied", "basically_satisfied", "unsatisfied"]
SupervisionLevel = Literal["remind", "supervise", "flagged"]


# ---------------------------------------------------------------- a new problem, a comment

class ProblemFields(Payload):
    """A problem's own fields (a new problem's, a problem raised at a visit)."""

    messages = {"title": _l("请填写问题标题。"), "title:too_long": _l("标题最多200字。"),
                "description": _l("请描述遇到的问题。"), "description:too_long": _l("描述最多5000字。"),
                "category": _l("请选择问题类别。"), "urgency": _l("紧急程度无效。"), "source": _l("来源无效。")}

    title: text(200)
    description: text(5000)
    category: Category
    urgency: Urgency = "ordinary"

    @field_validator("urgency", mode="before")
    @classmethod
    def _default_urgency(cls, value):
        return value or "ordinary"


class TicketCreate(ProblemFields):
    """提交的问题。 / A new problem."""

    # Validated with context allowed_sources: the sources the caller may file under (the first is the default).
    # company_id is checked by the route against the caller's scope (a company user's is ignored: always its own).
    company_id: Annotated[Any, WithJsonSchema({
        "type": "integer", "minimum": 1, "maximum": INT32_MAX,
        "description": "工作人员必填；企业用户忽略此字段（即本企业）。 / Required for staff; "
                       "a company user always files for its own company."})] = None
    source: Source | None = Field(None, validate_default=True, description=(
        "企业用户只能是 portal；陪跑员默认 escort。 / portal for company users; escorts default to escort."))

    @field_validator("source", mode="before")
    @classmethod
    def _default_source(cls, value, info: ValidationInfo):
        return value or (info.context or {}).get("allowed_sources", (None,))[0]

    @field_validator("source")
    @classmethod
    def _allowed_source(cls, value, info: ValidationInfo):
        allowed = (info.context or {}).get("allowed_sources")
        if value is None or (allowed is not None and value not in allowed):
            raise refuse(_l("来源无效。"))
        return value


class CommentCreate(Payload):
    """留言，或工作人员的内部备注。 / A comment, or (staff) an internal note."""

    messages = {"body": _l("请填写内容。"), "body:too_long": _l("内容过长（最多5000字）。"),
                "internal": _l("应为 true 或 false。")}

    body: text()
    internal: StrictBoolean = Field(False, description="内部备注，仅工作人员可写可见。 / An internal note: staff only.")


# ---------------------------------------------------------------- actions

def _version_required(schema: dict) -> None:
    """The API requires the version (perform_ticket_action refuses a body without one): required, not null."""
    schema["required"] = ["action", "version", *[name for name in schema.get("required", ()) if name != "action"]]
    schema["properties"]["version"] = {"type": "integer", "description": schema["properties"]["version"]["description"]}


class ActionPayload(Payload):
    """Every action carries the version the caller saw (the API requires it; code may leave it out)."""

    model_config = ConfigDict(json_schema_extra=_version_required)
    messages: ClassVar[dict] = {"version": _l("应为整数。"), "reason:too_long": TOO_LONG,
                                "message:too_long": TOO_LONG, "opinion:too_long": TOO_LONG,
                                "comment:too_long": TOO_LONG}

    version: Integer | None = Field(None, description="问题当前的 version。 / The ticket's current version.")

    def arguments(self) -> dict:
        """The action function's keyword arguments."""
        return self.model_dump(exclude={"action"})


class Accept(ActionPayload):
    """受理。 / Accept."""
    action: Literal["accept"]


class Reject(ActionPayload):
    """不予受理（须说明理由）。 / Reject, with a reason."""
    messages = {**ActionPayload.messages, "reason": _l("请填写不予受理的理由。")}
    action: Literal["reject"]
    reason: text()


class Withdraw(ActionPayload):
    """企业撤回。 / The company withdraws it."""
    action: Literal["withdraw"]


class Reply(ActionPayload):
    """答复企业。 / Reply to the company."""
    messages = {**ActionPayload.messages, "message": _l("请填写答复内容。")}
    action: Literal["reply"]
    message: text()


class Escalate(ActionPayload):
    """陪跑员提请交办。 / The escort asks for dispatch."""
    messages = {**ActionPayload.messages, "reason": _l("请填写提请交办的理由。")}
    action: Literal["escalate"]
    reason: text()


class Dispatch(ActionPayload):
    """交办到职能部门（可指定经办人；due_on 为不晚于办理时限的工作日；co_departments 为协办部门，各自签收并提交协办意见）。 /
    Dispatch to a lead department (optionally a helper; due_on: a custom reply deadline, a working day no later
    than the limit; co_departments: 协办 departments that each sign and give an opinion on their own clock)."""
    messages = {**ActionPayload.messages, "department_id": _l("请选择有效的承办部门。"),
                "helper_id": _l("指定的经办人不属于该部门。"), "complexity": _l("应为 ordinary 或 complex。"),
                "due_on": _l("日期格式应为 YYYY-MM-DD。")}
    action: Literal["dispatch"]
    department_id: Id
    helper_id: OptionalId = None
    complexity: Complexity = "ordinary"
    due_on: OptionalIsoDate = None
    co_department_ids: list[Id] | None = Field(
        None, alias="co_departments", max_length=MAX_CO_DEPARTMENTS, json_schema_extra={"uniqueItems": True},
        description="协办部门编号（不含承办部门）。 / Co-department ids (not the lead).")

    @field_validator("complexity", mode="before")
    @classmethod
    def _default_complexity(cls, value):
        return value or "ordinary"

    @field_validator("co_department_ids", mode="before")
    @classmethod
    def _co_department_ids(cls, value):
        if value in (None, ""):
            return None
        if not isinstance(value, (list, tuple)):
            raise refuse(_l("协办部门应为部门编号的列表。"))
        if len(value) > MAX_CO_DEPARTMENTS:
            raise refuse(_l("协办部门最多 %(n)d 个。", n=MAX_CO_DEPARTMENTS))
        ids = []
        for item in value:
            as_int = item if isinstance(item, int) and not isinstance(item, bool) else None
            if isinstance(item, str) and item.strip().isascii() and item.strip().isdigit():
                as_int = int(item.strip())
            if as_int is None or not 0 < as_int < 2**31:
                raise refuse(_l("协办部门编号无效：%(value)s。", value=str(item)[:20]))
            ids.append(as_int)
        return ids


class Sign(ActionPayload):
    """部门签收。 / The department signs for it."""
    action: Literal["sign"]


class Return(ActionPayload):
    """部门退回（可建议部门）。 / The department returns it (may suggest another)."""
    messages = {**ActionPayload.messages, "reason": _l("请填写退回理由。"),
                "suggested_department_id": _l("建议的部门不存在。")}
    action: Literal["return"]
    reason: text()
    suggested_department_id: OptionalId = None


class Rate(ActionPayload):
    """评价；不满意须说明原因并重新办理。 / Rate; unsatisfied (with a comment) reopens it."""
    messages = {**ActionPayload.messages, "rating": _l("应为 satisfied、basically_satisfied 或 unsatisfied。")}
    action: Literal["rate"]
    rating: Rating
    comment: text(required=False) = Field("", validate_default=True)

    @field_validator("comment")
    @classmethod
    def _unsatisfied_says_why(cls, value, info):
        if info.data.get("rating") == "unsatisfied" and not value:
            raise refuse(_l("选择“不满意”时请说明原因。"))
        return value


class Supervise(ActionPayload):
    """督办（只能提升级别）。 / Supervise (only upwards)."""
    messages = {**ActionPayload.messages, "level": _l("应为 remind、supervise 或 flagged。")}
    action: Literal["supervise"]
    level: SupervisionLevel


class RequestExtension(ActionPayload):
    """申请延期。 / Ask for a later deadline."""
    messages = {**ActionPayload.messages, "new_due": _l("日期格式应为 YYYY-MM-DD。"),
                "reason": _l("请填写延期理由。")}
    action: Literal["request_extension"]
    new_due: IsoDate
    reason: text()


class DecideExtension(ActionPayload):
    """审批延期申请。 / Decide an extension request."""
    messages = {**ActionPayload.messages, "approve": _l("应为 true 或 false。")}
    action: Literal["decide_extension"]
    approve: Boolean


class Pause(ActionPayload):
    """待企业补充材料：暂停计时并告知企业所需材料。 / Pause the clock while the company supplies documents
    (the reason tells it what is needed)."""
    messages = {**ActionPayload.messages, "reason": _l("请说明企业需要补充的材料。")}
    action: Literal["pause"]
    reason: text()


class Resume(ActionPayload):
    """恢复计时，期限顺延暂停的工作日数。 / Resume; deadlines move on by the paused working days."""
    action: Literal["resume"]


class CoSign(ActionPayload):
    """协办部门签收（按其自身期限）。 / A co-department signs for its part (on its own clock)."""
    action: Literal["co_sign"]


class CoOpinion(ActionPayload):
    """协办部门提交协办意见；承办部门待全部意见提交或逾期后答复。 / A co-department gives its opinion; the lead
    department replies once every opinion is in or overdue."""
    messages = {**ActionPayload.messages, "opinion": _l("请填写协办意见。")}
    action: Literal["co_opinion"]
    opinion: text()


def parse_action(schema: type[ActionPayload], action: str, data: dict, refusal) -> ActionPayload:
    """`data` as `action`'s payload. When it does not validate, `refusal()` runs first: an action the
    caller may not take now is refused as such (403/409) whatever its fields say."""
    from app.tickets.services import TicketActionError  # services reads this module's payloads

    try:
        return schema.parse({**data, "action": action})
    except PayloadError as error:
        refusal()
        raise TicketActionError(error.message, 400, error.fields) from None


# ---------------------------------------------------------------- tags and saved views
# Their names are normalised by the service before the limits apply (tags.normalise, saved_views.check_name),
# so the schema checks the type and the document states the limits the service enforces (400 by field).

RawText = Annotated[str, Strict()]


class TagCreate(Payload):
    """添加的标签。 / A tag to add."""

    messages = {"name": _l("请填写标签。")}
    name: RawText = Field(json_schema_extra={"minLength": 1, "maxLength": 20}, description=(
        "全角字母数字转半角、空白合并、拉丁字母小写；不能含逗号。 / Normalised (NFKC, spaces collapsed, lower case); "
        "no commas."))


class SavedViewRename(Payload):
    """视图的新名称。 / A saved view's new name."""

    messages = {"name": _l("应为字符串。"), "query": _l("应为字符串。")}
    name: RawText = Field(json_schema_extra={"minLength": 1, "maxLength": 30},
                          description="本人的视图中不能重名。 / Unique among the caller's views.")


class SavedViewCreate(SavedViewRename):
    """保存的视图。 / A view to save."""

    query: RawText | None = Field(None, json_schema_extra={"maxLength": 2000}, description=(
        "如 status=dispatched&tag=用工；只保留问题列表认识的条件。 / e.g. status=dispatched&tag=… ; only the list's "
        "own conditions are kept."))


# ---------------------------------------------------------------- the API's query strings

class TicketListQuery(Paging):
    """GET /api/v1/tickets: the list's filters."""

    status: query_choice(STATUSES) = Field(None, description="状态 / Status")
    company_id: QueryInt = Field(None, description="企业编号 / Company id")
    category: query_choice(CATEGORIES) = Field(None, description="问题类别 / Category")
    department_id: QueryInt = Field(None, description="承办部门编号 / Department id")
    overdue: QueryBool = Field(False, description="仅超期的 / Overdue only")
    q: query_text(100) = Field("", description=(
        "全文搜索：编号、标题、描述、答复和留言中的词（工作人员还包括内部备注），空格分隔的词须全部出现；"
        "给出时按相关度排序（编号或标题命中的在前，其余在后，各自从新到旧）。 / Full-text search over "
        "number, title, description, answers and comments (internal notes for staff); every "
        "space-separated word must occur. When given, results are ranked by relevance (number or "
        "title matches first, then the rest, newest first within each)."))
    tag: query_text(40) = Field("", description=(
        "带有该标签的（仅工作人员；企业用户 400）。 / Carrying this tag (staff only; 400 for company users)."))


class TagRemoveQuery(Query):
    """DELETE /api/v1/tickets/{id}/tags?name=…"""

    name: query_text(100, min_length=1, blank=_l("请填写标签。")) = Field("", description="标签 / Tag")
