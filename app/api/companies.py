"""Companies and departments through the API, with the pages' scoping and rules."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, get_or_404, paginate_by_id, parse_payload, parse_query
from app.companies import permissions, queries, services
from app.companies.models import Company
from app.companies.schemas import CompanyCreate, CompanyListQuery
from app.core.payloads import Paging
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


@operation(
    "GET", "/companies", "listCompanies", tag="companies", summary="企业列表 · List companies",
    description=(
        "工作人员可见范围内的企业：管理员和管理者看全部，陪跑员看自己陪跑的，"
        "部门经办人看交办到本部门问题的企业。企业用户 403。\n\n"
        "Companies in the staff caller's scope: all for managers, their own for escorts, those with problems "
        "dispatched to the department for helpers. Company users get 403."),
    query=CompanyListQuery, answer=answers.Company, errors=(400, 403),
)
def list_companies():
    user = current_api_user()
    if not permissions.can_list_companies(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    args = parse_query(CompanyListQuery)
    stmt = queries.filter_companies(queries.visible_companies(user), q=args.q, category=args.category,
                                    town_id=args.town, escort_id=args.escort_id)

    def serialize_page(companies):
        former = queries.former_names([company.id for company in companies])
        return [company_json(company, former.get(company.id)) for company in companies]

    return paginate_by_id(queries.with_list_loads(stmt), Company, args, serialize_page=serialize_page)


@operation(
    "GET", "/companies/<int:company_id>", "getCompany", tag="companies", summary="一家企业 · One company",
    description=(
        "可见范围内的企业及其陪跑员；企业用户只能看本企业。\n\n"
        "A company in scope, with its escort; a company user gets its own."),
    answer=answers.Company, errors=(400,),
)
def get_company(company_id: int):
    parse_query()
    stmt = queries.with_list_loads(queries.visible_companies(current_api_user(), history=True))
    company = get_or_404(stmt, Company, company_id)
    return company_json(company, queries.former_names([company.id]).get(company.id))


@operation(
    "POST", "/companies", "createCompany", tag="companies", summary="登记企业 · Create a company",
    description=(
        "管理员、管理者登记企业，规则与页面相同（信用代码校验、不可重复）；可同时指定陪跑员。\n\n"
        "Managers and admins register a company with the page's rules (credit code check, no duplicates), "
        "optionally with its escort."),
    answer=answers.Company, status=201, errors=(400, 403, 413, 415), body=CompanyCreate,
    example={"name": "杭州示例精密机械有限公司", "uscc": "91350100M000100Y43", "category": "specialized",
             "town": "瓜沥镇", "industry": "C", "is_above_scale": True, "annual_revenue": 2500.5,
             "employees": 88, "escort_id": 12},
)
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


@operation(
    "GET", "/departments", "listDepartments", tag="departments", summary="职能部门 · List departments",
    description=(
        "在用的职能部门（交办时使用其编号）。仅工作人员。\n\n"
        "Active departments (use their ids to dispatch). Staff only."),
    query=Paging, answer=answers.Department, errors=(400, 403),
)
def list_departments():
    user = current_api_user()
    if not permissions.can_list_departments(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    page = parse_query(Paging)
    stmt = sa.select(Department).where(Department.active.is_(True))
    return paginate_by_id(stmt, Department, page, lambda d: answers.Department.of(id=d.id, name=d.name, code=d.code))
