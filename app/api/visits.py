"""Visits through the API (GET/POST /api/v1/visits), with the pages' scoping and the same service."""
from flask_babel import gettext as _
from sqlalchemy.orm import load_only, selectinload

from app.api import answers
from app.api.blueprint import bp
from app.api.common import (
    check_query_params, current_api_user, fail, get_or_404, int_arg, json_body, paginate_by_id, token_required,
)
from app.companies.models import Company
from app.companies.queries import visible_companies
from app.extensions import db
from app.tickets.models import Ticket
from app.visits import permissions, queries, services
from app.visits.models import Visit


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


@bp.get("/visits")
@token_required
def list_visits():
    user = current_api_user()
    _require_list_access(user)
    check_query_params({"company_id"}, paginated=True)
    stmt = queries.filter_visits(queries.visible_visits(user), company_id=int_arg("company_id"))
    return paginate_by_id(_with_ticket_ids(stmt), Visit, visit_json)


@bp.get("/visits/<int:visit_id>")
@token_required
def get_visit(visit_id: int):
    user = current_api_user()
    _require_list_access(user)
    check_query_params(set())
    return visit_json(get_or_404(_with_ticket_ids(queries.visible_visits(user, history=True)), Visit, visit_id))


@bp.post("/visits")
@token_required
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
