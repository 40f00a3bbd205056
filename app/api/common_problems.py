"""共性问题 through the API: suggestions (managers and admins), creating a common problem, reading one,
adding members and its handling actions. Every rule lives in app.common_problems; this module parses
requests, calls it, and shapes the answers."""
from datetime import datetime

from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import bp
from app.api.common import (
    check_query_params, current_api_user, fail, get_or_404, json_body, parse_payload, refused, token_required,
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


@bp.get("/common-problems/suggestions")
@token_required
def list_common_problem_suggestions():
    user = current_api_user()
    check_query_params(set())
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


@bp.post("/common-problems")
@token_required
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


@bp.get("/common-problems/<int:common_problem_id>")
@token_required
def get_common_problem(common_problem_id: int):
    user = current_api_user()
    check_query_params(set())
    return common_problem_json(_visible_or_404(common_problem_id, user), user)


@bp.post("/common-problems/<int:common_problem_id>/members")
@token_required
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


@bp.post("/common-problems/<int:common_problem_id>/actions")
@token_required
def perform_common_problem_action(common_problem_id: int):
    user = current_api_user()
    group = _visible_or_404(common_problem_id, user)
    data = json_body()
    if data.get("version") is None or isinstance(data["version"], bool):
        fail(400, _("提交的数据有误。"), "validation_error", {"version": _("请提供共性问题的当前版本号（version）。")})
    try:
        services.perform(user, group, data.get("action"), data)
    except TicketActionError as error:
        refused(error)
    body = common_problem_json(group, user)
    db.session.commit()
    return body
