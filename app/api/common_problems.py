"""共性问题 through the API: suggestions (managers and admins), creating a common problem, reading one,
adding members and its handling actions. Every rule lives in app.common_problems; this module parses
requests, calls it, and shapes the answers."""
from datetime import datetime

from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import operation
from app.api.common import (
    current_api_user, fail, get_or_404, json_body, parse_payload, parse_query, perform_action, refused,
)
from app.api.tickets import co_department_json
from app.common_problems import co_departments, permissions, queries, services
from app.common_problems.models import CommonProblem
from app.common_problems.schemas import CommonProblemCreate, CommonProblemMembers
from app.core.db import utcnow
from app.core.timeutil import local_date
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.search import common
from app.tickets.services import TicketActionError


@operation(
    "GET", "/common-problems/suggestions", "listCommonProblemSuggestions", tag="tickets",
    summary="疑似共性问题 · Suggested common problems",
    description=(
        "近 common.window_days 天（默认 90）内提交、尚未答复的问题中（只比较最新的 common.max_candidates 个，默认 200），"
        "标题和描述相似、来自至少 3 家不同企业的问题组；仅管理者和管理员（其他角色 403）。\n\n"
        "Groups of alike problems from at least 3 different companies among those submitted within "
        "common.window_days (default 90) and not yet answered (only the newest common.max_candidates, default 200, "
        "are compared); managers and admins only (403 otherwise)."),
    answer=answers.CommonProblemSuggestions, errors=(400, 403),
)
def list_common_problem_suggestions():
    user = current_api_user()
    parse_query()
    if not permissions.can_create_common_problem(user):
        fail(403, _("仅管理者可以查看疑似共性问题。"), "forbidden")
    return answers.CommonProblemSuggestions.of(items=[
        {"ticket_ids": s.ticket_ids, "companies": len(s.companies), "towns": s.towns, "score": s.score,
         "title": s.title} for s in common.suggestions()])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def common_problem_json(group: CommonProblem, user) -> dict:
    """The common problem of the API (answers.CommonProblem): its members (`ticket_ids`), `status`, `version`, `allowed_actions`."""
    now = utcnow()
    members = queries.members(group)
    overdue = group.is_overdue(now)
    return answers.CommonProblem.of(**{
        "id": group.id,
        "number": group.number,
        "title": group.title,
        "description": group.description,
        "category": group.category,
        "urgency": group.urgency,
        "complexity": group.complexity,
        "status": group.status,
        "ticket_ids": [t.id for t in members],
        "members": [{"ticket_id": t.id, "number": t.number, "company_id": t.company_id, "status": t.status,
                     "rating": t.rating} for t in members],
        "companies": len({t.company_id for t in members}),
        "department_id": group.department_id,
        "helper_id": group.helper_id,
        "created_at": _iso(group.created_at),
        "due_at": _iso(group.due_at),
        "overdue": overdue,
        "overdue_days": overdue_working_days(group.due_at, now) if overdue else 0,
        "sign_due_at": _iso(group.sign_due_at),
        "reply_due_at": _iso(group.reply_due_at),
        "replied_at": _iso(group.replied_at),
        "closed_at": _iso(group.closed_at),
        "reply_message": group.reply_message or None,
        "supervision": group.supervision,
        "pending_extension": {
            "new_due": local_date(group.extension_due_at).isoformat(), "reason": group.extension_reason,
            "requested_at": _iso(group.extension_requested_at), "requested_by_id": group.extension_requested_by_id,
        } if group.pending_extension else None,
        "version": group.version,
        "allowed_actions": permissions.allowed_actions(user, group),
        "co_departments": [co_department_json(row, now) for row in co_departments.rows(group)],
    })


def _staff_only(user) -> None:
    if not permissions.can_read_common_problems(user):
        fail(403, _("企业用户不能查看共性问题。"), "forbidden")


def _visible_or_404(common_problem_id: int, user) -> CommonProblem:
    _staff_only(user)
    return get_or_404(queries.visible_common_problems(user), CommonProblem, common_problem_id)


@operation(
    "POST", "/common-problems", "createCommonProblem", tag="tickets", summary="创建共性问题 · Create a common problem",
    description=(
        "管理者或管理员把至少两个尚未交办部门的问题合并为一个共性问题（待交办）；成员问题暂停各自办理。"
        "其他角色 403；问题不存在或不能合并为 400（fields.ticket_ids）。\n\n"
        "A manager or admin groups at least two problems not yet with a department into one common problem "
        "(escalated); the members' own handling is suspended. 403 for other roles; 400 (fields.ticket_ids) when a "
        "problem is unknown or cannot join."),
    answer=answers.CommonProblem, status=201, errors=(400, 403, 413, 415), body=CommonProblemCreate,
    example={"title": "一线工人招工难", "ticket_ids": [11, 12, 13]},
)
def create_common_problem():
    user = current_api_user()
    data = json_body()
    if not permissions.can_create_common_problem(user):
        fail(403, _("仅管理者可以创建共性问题。"), "forbidden")
    payload = parse_payload(CommonProblemCreate, data)
    try:
        group = services.create_common_problem(user, title=payload.title, description=payload.description,
                                               ticket_ids=payload.ticket_ids)
    except TicketActionError as error:
        refused(error)
    body = common_problem_json(group, user)
    db.session.commit()
    return body, 201


@operation(
    "GET", "/common-problems/<int:common_problem_id>", "getCommonProblem", tag="tickets",
    summary="一个共性问题 · One common problem",
    description=(
        "管理者看全部；部门看交办给本部门的；陪跑员看含其陪跑企业问题的（只读）；企业用户 403（企业只看到自己的问题）。\n\n"
        "Managers see all; a helper those dispatched to their department; an escort those holding a problem of "
        "their companies (read-only); company users get 403 (they see only their own member problem)."),
    answer=answers.CommonProblem, errors=(400, 403),
)
def get_common_problem(common_problem_id: int):
    user = current_api_user()
    parse_query()
    return common_problem_json(_visible_or_404(common_problem_id, user), user)


@operation(
    "POST", "/common-problems/<int:common_problem_id>/members", "addCommonProblemMembers", tag="tickets",
    summary="加入问题 · Add members",
    description=(
        "管理者或管理员在答复前加入问题（其他角色 403；已答复 409）。\n\n"
        "A manager or admin adds problems before the reply (403 for other roles; 409 once replied)."),
    answer=answers.CommonProblem, errors=(400, 403, 409, 413, 415), body=CommonProblemMembers,
    example={"ticket_ids": [14]},
)
def add_common_problem_members(common_problem_id: int):
    user = current_api_user()
    group = _visible_or_404(common_problem_id, user)
    data = json_body()
    try:
        services.check_manage_members(user, group)  # refused as such whatever the body says
        services.add_members(user, group, parse_payload(CommonProblemMembers, data).ticket_ids)
    except TicketActionError as error:
        refused(error)
    body = common_problem_json(group, user)
    db.session.commit()
    return body


@operation(
    "POST", "/common-problems/<int:common_problem_id>/actions", "performCommonProblemAction", tag="tickets",
    summary="办理共性问题 · Perform an action",
    description=(
        "与问题相同的状态机与字段（dispatch（可含 co_departments）、sign、return、reply、request_extension、"
        "decide_extension、supervise，协办部门的 co_sign、co_opinion；有协办部门时，承办部门待意见全部提交或逾期后答复），"
        "带上共性问题当前的 version。reply 送达每个成员问题（各自变为已答复并通知企业），各企业分别评价。"
        "角色不能执行为 403；状态不允许或 version 过期为 409。\n\n"
        "The ticket state machine's actions and fields (dispatch may name co_departments, who co_sign and give a "
        "co_opinion; the lead replies once every opinion is in or overdue), with the common problem's current "
        "version. A reply reaches "
        "every member problem (each becomes replied, its company is notified) and each company rates its own. "
        "403 when the role may never take it; 409 when the state does not allow it or the version is stale."),
    answer=answers.CommonProblem, errors=(400, 403, 409, 413, 415), body="CommonProblemAction",
    example={"action": "dispatch", "version": 2, "department_id": 4},
)
def perform_common_problem_action(common_problem_id: int):
    user = current_api_user()
    group = _visible_or_404(common_problem_id, user)
    return perform_action(services.perform, user, group, lambda group: common_problem_json(group, user),
                          version_message=_("请提供共性问题的当前版本号（version）。"))
