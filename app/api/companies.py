"""Companies and departments through the API, with the pages' scoping and rules."""
import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from app.accounts.models import User
from app.api import answers
from app.api.blueprint import bp
from app.api.common import (
    check_query_params, choice_arg, current_api_user, fail, get_or_404, int_arg, paginate_by_id, parse_payload,
    token_required,
)
from app.companies import permissions, queries, services
from app.companies.schemas import CompanyCreate
from app.companies.models import CATEGORIES, Company
from app.extensions import db
from app.reference.models import Department


def company_json(company: Company, former_names: list[str] | None = None) -> dict:
    return answers.Company.of(**{
        "id": company.id,
        "name": company.name,
        "former_names": list(former_names or ()),
        "uscc": company.uscc,
        "category": company.category,
        "town": {"id": company.town.id, "name": company.town.name},
        "industry": {"code": company.industry.code, "name": company.industry.name},
        "specialized_tier": company.specialized_tier or None,
        "is_above_scale": company.is_above_scale,
        "annual_revenue": float(company.annual_revenue) if company.annual_revenue is not None else None,
        "employees": company.employees,
        "address": company.address,
        "contact_name": company.contact_name,
        "contact_phone": company.contact_phone,
        "goal_status": company.goal_status,
        "escort": {"id": company.escort.id, "name": company.escort.name} if company.escort else None,
        "created_at": company.created_at.isoformat(),
    })


@bp.get("/companies")
@token_required
def list_companies():
    user = current_api_user()
    if not permissions.can_list_companies(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params({"q", "category", "town", "escort_id"}, paginated=True)
    stmt = queries.filter_companies(
        queries.visible_companies(user),
        q=request.args.get("q"),
        category=choice_arg("category", tuple(CATEGORIES)),
        town_id=int_arg("town"),
        escort_id=int_arg("escort_id"),
    )
    def serialize_page(companies):
        former = queries.former_names([company.id for company in companies])
        return [company_json(company, former.get(company.id)) for company in companies]

    return paginate_by_id(queries.with_list_loads(stmt), Company, serialize_page=serialize_page)


@bp.get("/companies/<int:company_id>")
@token_required
def get_company(company_id: int):
    check_query_params(set())
    stmt = queries.with_list_loads(queries.visible_companies(current_api_user(), history=True))
    company = get_or_404(stmt, Company, company_id)
    return company_json(company, queries.former_names([company.id]).get(company.id))


@bp.post("/companies")
@token_required
def create_company():
    user = current_api_user()
    if not permissions.can_create_company(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    payload = parse_payload(CompanyCreate)
    escort = db.session.get(User, payload.escort_id) if payload.escort_id else None
    company = services.create_company(user, payload.company_data(), escort=escort, reason="API")
    db.session.commit()
    company = db.session.scalars(queries.with_list_loads(sa.select(Company)).where(Company.id == company.id)).first()
    return company_json(company), 201


@bp.get("/departments")
@token_required
def list_departments():
    user = current_api_user()
    if not permissions.can_list_departments(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params(set(), paginated=True)
    stmt = sa.select(Department).where(Department.active.is_(True))
    return paginate_by_id(stmt, Department, lambda d: answers.Department.of(id=d.id, name=d.name, code=d.code))
