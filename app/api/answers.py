"""The objects the API answers with, one model each: the serializers build them (`Model.of(...)`) and the
OpenAPI document takes the schema of each operation's answer (@operation(answer=...), assembled by
app/api/openapi.py), so a field lives in one place.
"""
from typing import Annotated, Literal

from pydantic import Field, create_model

from app.accounts.models import Role
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import GOAL_STATUSES, SPECIALIZED_TIERS
from app.core.payloads import Answer, DateText, DateTimeText
from app.tickets.models import CATEGORIES, COMPLEXITIES, RATINGS, SOURCES, STATUSES, SUPERVISION_LEVELS, URGENCIES
from app.tickets.transitions import TRANSITIONS
from app.visits.models import MODES


class TokenCreated(Answer):
    token: str = Field(description="只返回这一次，请妥善保存。 / Shown once only; store it safely.")
    expires_at: DateTimeText


class Me(Answer):
    id: int
    username: str
    name: str
    role: Literal[Role.ALL]
    company_id: int | None
    department_id: int | None


class Department(Answer):
    id: int
    name: str
    code: str


class IdName(Answer):
    id: int
    name: str


class CoDepartment(Answer):
    """一个协办部门（问题或共性问题的当前交办）：签收与意见各有期限。 / One co-department of the current dispatch (of a
    problem or a common problem), with its own sign and opinion deadlines."""

    department: IdName
    sign_due_at: DateTimeText
    signed_at: DateTimeText | None
    signed_on_time: bool | None
    opinion_due_at: DateTimeText
    opinion_at: DateTimeText | None
    opinion_on_time: bool | None
    opinion: str | None
    overdue: bool
    state: Literal["awaiting_sign", "signed", "opinion_given"]
    opinion_overdue: bool


class PendingExtension(Answer):
    """待审批的延期申请（仅工作人员可见）。 / The pending extension request (staff only)."""

    new_due: DateText
    reason: str
    requested_at: DateTimeText
    requested_by_id: int | None


class Ticket(Answer):
    """问题（工单）。 / A problem (ticket)."""

    id: int
    number: str = Field(description="如 XS-2026-000123。 / e.g. XS-2026-000123.")
    company_id: int
    company_name: str
    title: str
    description: str
    category: Literal[tuple(CATEGORIES)]
    source: Literal[tuple(SOURCES)]
    urgency: Literal[tuple(URGENCIES)]
    complexity: Literal[tuple(COMPLEXITIES)]
    status: Literal[tuple(STATUSES)]
    escort_id: int | None
    department_id: int | None
    helper_id: int | None
    created_at: DateTimeText
    due_at: DateTimeText | None = Field(description="当前环节的期限。 / Deadline of the current step.")
    overdue: bool
    overdue_days: int = Field(ge=0, description="超期工作日数。 / Working days overdue.")
    accept_due_at: DateTimeText | None
    sign_due_at: DateTimeText | None
    reply_due_at: DateTimeText | None
    replied_at: DateTimeText | None
    reply_message: str | None
    closed_at: DateTimeText | None
    supervision: Literal[tuple(SUPERVISION_LEVELS)] | None
    rating: Literal[tuple(RATINGS)] | None
    rating_comment: str | None
    reopen_count: int = Field(ge=0)
    paused: bool = Field(description="待企业补充材料，计时暂停。 / Waiting for the company's documents: the clock "
                                     "is stopped.")
    paused_at: DateTimeText | None
    pause_reason: str | None
    version: int = Field(description="执行操作时原样带回，用于发现并发修改。 / Send it back with an action "
                                     "(lost-update check).")
    tags: list[str] = Field(description="标签（仅工作人员可见；企业用户总是空列表）。 / Tags (staff only; always "
                                        "empty for company users).")
    pending_extension: PendingExtension | None
    allowed_actions: list[Literal[tuple(TRANSITIONS)]] = Field(
        description="调用者此刻可执行的操作。 / The actions the caller may take now.")
    co_departments: list[CoDepartment] | None = Field(
        description="协办部门（当前交办的），各自的签收与意见期限；仅工作人员可见。 / The current dispatch's "
                    "co-departments with their own sign and opinion clocks (staff only).")


class EventActor(Answer):
    id: int
    name: str
    role: Literal[Role.ALL]


class EventAttachment(Answer):
    id: int
    filename: str
    content_type: str
    size: int


class TicketEvent(Answer):
    """时间线上的一条事件。 / One event of a problem's timeline."""

    id: int
    at: DateTimeText
    kind: str = Field(description="submit、操作名、comment、note 等。 / submit, an action name, comment, note …")
    from_status: str | None
    to_status: str | None
    body: str
    public: bool = Field(description="企业用户只看到公开事件。 / Company users see public events only.")
    actor: EventActor | None
    data: dict | None
    attachments: list[EventAttachment]


class TicketTags(Answer):
    """问题的全部标签（按名称排序）。 / The problem's tags, by name."""

    ticket_id: int
    tags: list[str]


class CodeName(Answer):
    code: str
    name: str


class Company(Answer):
    id: int
    name: str
    former_names: list[str] = Field(description="曾用名，最近停用的在前；更名时原名称自动记入。 / Former names, the most "
                                                "recently dropped first; a rename records the old name.")
    uscc: str = Field(description="统一社会信用代码（18位）。 / Unified social credit code.")
    category: Literal[tuple(COMPANY_CATEGORIES)]
    town: IdName
    industry: CodeName
    specialized_tier: Literal[tuple(k for k in SPECIALIZED_TIERS if k)] | None
    is_above_scale: bool
    annual_revenue: float | None = Field(description="万元 / 10,000 CNY")
    employees: int | None
    address: str
    contact_name: str
    contact_phone: str
    goal_status: Literal[tuple(GOAL_STATUSES)]
    escort: IdName | None = Field(description="当前陪跑员；未分配时为 null。 / The current escort, or null.")
    created_at: DateTimeText


class Visit(Answer):
    id: int
    company_id: int
    escort_id: int
    visited_on: DateText
    mode: Literal[tuple(MODES)]
    participants: str
    summary: str
    company_status: str
    next_step: str
    created_at: DateTimeText
    ticket_ids: list[int] = Field(description="走访中提出的问题。 / Problems raised at the visit.")


class Webhook(Answer):
    id: int
    url: str
    events: list[str]
    description: str
    allow_private: bool
    active: bool
    created_at: DateTimeText


class WebhookDelivery(Answer):
    id: int
    event: str
    status: Literal["pending", "sending", "sent", "failed"]
    attempts: int
    status_code: int | None
    last_error: str
    created_at: DateTimeText
    next_attempt_at: DateTimeText
    delivered_at: DateTimeText | None
    idempotency_key: str
    history: list[dict] = Field(description="每次尝试：at、status_code、error。 / Each attempt: at, status_code, error.")


class Knowledge(Answer):
    """政策问答：从已答复的问题整理发布，不含提问企业。 / A published question and answer; never names the asking
    company."""

    id: int
    title: str
    question: str
    answer: str
    category: Literal[tuple(CATEGORIES)]
    department: IdName | None
    published_at: DateTimeText


class SavedView(Answer):
    """保存的视图：只保存筛选条件，打开时仍按调用者的可见范围显示。 / A saved view: conditions only; the list still
    applies the caller's scope."""

    id: int
    name: str
    query: str = Field(description="问题列表的查询串（搜索词、标签和各项筛选），已规范化。 / The problem list's query "
                                   "string (search words, tag and filters), normalised.")
    url: str = Field(description="在网页中打开该视图的地址。 / The list page with these conditions.")
    created_at: DateTimeText


class SavedViews(Answer):
    """调用者自己的视图（至多 20 个），按名称排序。 / The caller's own views (at most 20), by name."""

    items: list[SavedView]


Score = Annotated[float, Field(ge=0, le=1)]


class SimilarTicket(Answer):
    ticket: Ticket
    score: Score = Field(description="字符 n-gram TF-IDF 余弦相似度。 / Character n-gram TF-IDF cosine similarity.")


class SimilarTickets(Answer):
    """相似问题，最相似的在前。 / Similar problems, most similar first."""

    items: list[SimilarTicket]


class DepartmentSuggestion(Answer):
    department: IdName
    score: Score
    reason: str


class DepartmentSuggestions(Answer):
    """建议承办部门，最佳在前。 / Suggested departments, best first."""

    items: list[DepartmentSuggestion]


class CommonProblemSuggestion(Answer):
    ticket_ids: list[int]
    companies: int = Field(ge=3, description="不同企业数。 / Distinct companies.")
    towns: list[str]
    score: Score = Field(description="成员与首个问题的平均相似度。 / Mean similarity of the members to the first.")
    title: str


class CommonProblemSuggestions(Answer):
    """疑似共性问题，分数高的在前。 / Suggested common problems, best first."""

    items: list[CommonProblemSuggestion]


class CommonProblemMember(Answer):
    ticket_id: int
    number: str
    company_id: int
    status: str
    rating: str | None


class CommonProblem(Answer):
    """共性问题：多家企业的同一问题，统一交办、统一答复，各企业分别评价。 / A common problem: one problem of many
    companies, dispatched and answered once, each company rating its own."""

    id: int
    number: str = Field(description="GX-<年>-<序号>。 / GX-<year>-<seq>.")
    title: str
    description: str
    category: str
    urgency: str
    complexity: str
    status: Literal["escalated", "dispatched", "in_progress", "replied", "closed"] = Field(description=(
        "待交办 → 已交办 → 办理中 → 已答复（与问题状态机相同）→ 已办结（全部成员问题办结或脱离后）。 / As the ticket "
        "state machine, then closed once every member problem is closed or has left."))
    ticket_ids: list[int] = Field(description="成员问题。 / The member problems.")
    members: list[CommonProblemMember]
    companies: int
    department_id: int | None
    helper_id: int | None
    created_at: DateTimeText
    due_at: DateTimeText | None
    overdue: bool
    overdue_days: int
    sign_due_at: DateTimeText | None
    reply_due_at: DateTimeText | None
    replied_at: DateTimeText | None
    closed_at: DateTimeText | None
    reply_message: str | None
    supervision: str | None
    pending_extension: PendingExtension | None
    version: int
    allowed_actions: list[str] = Field(description="调用者现在可执行的操作。 / The actions the caller may take now.")
    co_departments: list[CoDepartment] = Field(description="协办部门（当前交办的），各自的签收与意见期限。 / The current "
                                                           "dispatch's co-departments with their own sign and opinion "
                                                           "clocks.")


# ---------------------------------------------------------------- rankings

RANK_FIELDS = {
    "rank": (int | None, Field(description="未参与排名时为 null。 / null when not ranked.")),
    "previous_rank": (int | None, ...),
}
ROW_FIELDS = {
    "metrics": (dict[str, float | None], Field(description=(
        "各项指标：比率为 0–1 的小数，计数为整数，不适用时为 null。 / Metrics: rates as fractions 0–1, counts as "
        "integers, null when not applicable."))),
    "score": (float | None, Field(description="综合得分 0–100。 / Composite score 0–100.")),
    "yellow_card": (bool, Field(description="只在已结束的统计期评定。 / Only for a closed period.")),
    "ranked": (bool, ...),
    "sample_too_small": (bool, Field(description="样本不足：不计得分（score 为 null），不参与排名。 / Too little data: "
                                                 "no score (null), not ranked.")),
    "cases": (int, Field(description="支撑指标的案件数。 / Cases behind the numbers.")),
}


def _ranking_board(name: str, subject: str, zh: str) -> type[Answer]:
    row = create_model(f"{name}Row", __base__=Answer, **RANK_FIELDS, **{subject: (IdName, ...)}, **ROW_FIELDS)
    board = create_model(
        name, __base__=Answer, __doc__=f"{zh}排名：先按名次排列参与排名的，再按名称排列未达最低案件数的。 / "
                                       "Ranked rows by rank, then unranked rows by name.",
        period=(str, ...), start=(DateText, ...), end=(DateText, ...), previous_period=(str | None, ...),
        weights=(dict[str, float], ...), min_cases=(int, ...),
        provisional=(bool, Field(description="统计期未结束：排名暂定，不评黄牌。 / The period is still running: "
                                             "provisional, no yellow cards.")),
        items=(list[row], ...))
    return board


# board key → its answer (the key naming the ranked object in each row is the subject)
BOARDS = {"escorts": _ranking_board("EscortRanking", "escort", "陪跑员"),
          "departments": _ranking_board("DepartmentRanking", "department", "职能部门"),
          "towns": _ranking_board("TownRanking", "town", "镇街")}

PublishedRow = create_model("PublishedRow", __base__=Answer, **RANK_FIELDS, subject=(IdName, ...), **ROW_FIELDS)


class RankingPublication(Answer):
    """已发布（冻结）的榜单：之后修改权重或数据都不会改变它。 / A published (frozen) board: later changes to the
    weights or the data never change it."""

    id: int
    board: Literal[tuple(BOARDS)]
    period: str
    start: DateText
    end: DateText
    version: int = Field(description="1 为首次发布，之后每次更正加 1。 / 1 first, +1 per correction.")
    reason: str = Field(description="更正原因（首次发布为空）。 / Why it was corrected (empty at first).")
    published_at: DateTimeText
    published_by: IdName | None
    data_as_of: DateTimeText
    weights: dict[str, float]
    min_cases: int
    formula: list[str] = Field(description="发布时页面上的计分规则（中文）。 / The scoring rules as printed then "
                                           "(Chinese).")
    items: list[PublishedRow]


class RankingPublications(Answer):
    """发布记录，统计期新的在前，同一统计期新版本在前。 / Publications, newest period first, newest version first."""

    items: list[RankingPublication]

