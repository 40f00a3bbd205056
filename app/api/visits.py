"""Visits through the API (GET/POST /api/v1/visits), with the pages' scoping and the same service."""
from flask_babel import gettext as _
from sqlalchemy.orm import load_only, selectinload

from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, get_or_404, json_body, paginate_by_id, parse_query
from app.companies.models import Company
from app.companies.queries import visible_companies
from app.extensions import db
from app.tickets.models import Ticket
from app.visits import permissions, queries, services
from app.visits.models import Visit
from app.visits.schemas import VisitCreate, VisitListQuery


def visit_json(visit: Visit) -> dict:
    return answers.Visit.of(**{
        "id": visit.id,
        "company_id": visit.company_id,
        "escort_id": visit.escort_id,
        "visited_on": visit.visited_on.isoformat(),
        "mode": visit.mode,
        "participants": visit.participants,
        "summary": visit.summary,
        "company_status": visit.company_status,
        "next_step": visit.next_step,
        "created_at": visit.created_at.isoformat(),
        "ticket_ids": [t.id for t in visit.tickets],
    })


def _with_ticket_ids(stmt):
    return stmt.options(selectinload(Visit.tickets).options(load_only(Ticket.id, raiseload=True)))


def _require_list_access(user) -> None:
    if not permissions.can_list_visits(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")


@operation(
    "GET", "/visits", "listVisits", tag="visits", summary="走访列表 · List visits",
    description=(
        "管理者看全部；陪跑员看其陪跑企业的及自己做的走访。部门和企业用户 403。\n\n"
        "All for managers; an escort's companies' and their own for escorts. Helpers and company users get 403."),
    query=VisitListQuery, answer=answers.Visit, errors=(400, 403),
)
def list_visits():
    user = current_api_user()
    _require_list_access(user)
    args = parse_query(VisitListQuery)
    stmt = queries.filter_visits(queries.visible_visits(user), company_id=args.company_id)
    return paginate_by_id(_with_ticket_ids(stmt), Visit, args, visit_json)


@operation(
    "GET", "/visits/<int:visit_id>", "getVisit", tag="visits", summary="一次走访 · One visit",
    description=(
        "可见范围内的一次走访。\n\nA visit in the caller's scope."),
    answer=answers.Visit, errors=(400, 403),
)
def get_visit(visit_id: int):
    user = current_api_user()
    _require_list_access(user)
    parse_query()
    return visit_json(get_or_404(_with_ticket_ids(queries.visible_visits(user, history=True)), Visit, visit_id))


@operation(
    "POST", "/visits", "createVisit", tag="visits", summary="记录走访 · Log a visit",
    description=(
        "只有企业当前的陪跑员可以记录；每个 problems 条目成为一张来源为 visit 的问题，全部成功或全部不保存。\n\n"
        "Only the company's current escort; each problem becomes a ticket (source visit). All or nothing."),
    answer=answers.Visit, status=201, errors=(400, 403, 404, 413, 415), body=VisitCreate,
    example={"company_id": 7, "visited_on": "2026-11-20", "mode": "on_site", "summary": "了解企业扩产计划。",
             "problems": [{"title": "缺少研发人才", "description": "需要引进算法工程师。",
                           "category": "labour"}]},
)
def create_visit():
    """Only the company's current escort; a company outside the caller's scope is a 404."""
    user = current_api_user()
    data = json_body()
    company_id = data.get("company_id")
    if isinstance(company_id, bool) or not isinstance(company_id, int):
        fail(400, _("提交的数据有误。"), "validation_error", {"company_id": _("请填写企业编号（整数）。")})
    company = get_or_404(visible_companies(user), Company, company_id)
    if not permissions.can_log_visit(user, company):
        fail(403, _("只有该企业当前的陪跑员可以记录走访。"), "forbidden")
    problems = data.get("problems")
    try:
        visit = services.create_visit(user, company, data, problems=[] if problems is None else problems)
        db.session.commit()
    except services.VisitError as exc:
        db.session.rollback()
        fail(exc.status, exc.message, exc.code, exc.fields)
    visit = db.session.scalars(_with_ticket_ids(queries.visible_visits(user)).where(Visit.id == visit.id)).one()
    return visit_json(visit), 201
