"""Companies and departments through the API, with the pages' scoping and rules."""
import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.accounts.models import Role, User
from app.api import bp
from app.api.common import check_query_params, current_api_user, fail, get_or_404, json_body, paginate_by_id, token_required
from app.companies import permissions, queries, services
from app.companies.forms import CompanyForm
from app.companies.models import Company
from app.extensions import db
from app.reference.models import Department, Industry, Town


def company_json(company: Company) -> dict:
    return {
        "id": company.id,
        "name": company.name,
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
    }


def _int_arg(name: str):
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        fail(400, _("参数格式不正确。"), "bad_request", {name: _("应为整数。")})


@bp.get("/companies")
@token_required
def list_companies():
    user = current_api_user()
    if not permissions.can_list_companies(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params({"q", "category", "town", "escort_id"})
    stmt = queries.filter_companies(
        queries.visible_companies(user),
        q=request.args.get("q"),
        category=request.args.get("category"),
        town_id=_int_arg("town"),
        escort_id=_int_arg("escort_id"),
    )
    return paginate_by_id(queries.with_list_loads(stmt), Company, company_json)


@bp.get("/companies/<int:company_id>")
@token_required
def get_company(company_id: int):
    stmt = queries.with_list_loads(queries.visible_companies(current_api_user()))
    return company_json(get_or_404(stmt, Company, company_id))


def _lookup_id(model, value, *columns):
    """Accept an id, a code or a name for a reference field."""
    if value in (None, ""):
        return None
    conditions = [col == str(value) for col in columns]
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        conditions.append(model.id == int(value))
    return db.session.scalar(sa.select(model.id).where(sa.or_(*conditions))) or -1


@bp.post("/companies")
@token_required
def create_company():
    user = current_api_user()
    if not permissions.can_create_company(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    data = json_body()
    formdata = MultiDict({
        "name": data.get("name") or "",
        "uscc": data.get("uscc") or "",
        "town_id": _lookup_id(Town, data.get("town"), Town.code, Town.name) or "",
        "industry_id": _lookup_id(Industry, data.get("industry"), Industry.code, Industry.name) or "",
        "category": data.get("category") or "",
        "specialized_tier": data.get("specialized_tier") or "",
        "annual_revenue": "" if data.get("annual_revenue") is None else str(data["annual_revenue"]),
        "employees": "" if data.get("employees") is None else str(data["employees"]),
        "address": data.get("address") or "",
        "contact_name": data.get("contact_name") or "",
        "contact_phone": data.get("contact_phone") or "",
        "escort_id": str(data.get("escort_id") or 0),
    })
    if data.get("is_above_scale"):
        formdata["is_above_scale"] = "y"
    form = CompanyForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        names = {"town_id": "town", "industry_id": "industry"}
        fields = {names.get(k, k): " ".join(str(m) for m in v) for k, v in form.errors.items()}
        fail(400, _("提交的数据有误。"), "validation_error", fields)
    escort = db.session.get(User, form.escort_id.data) if form.escort_id.data else None
    company = services.create_company(user, form.company_data(), escort=escort, reason="API")
    db.session.commit()
    company = db.session.scalars(queries.with_list_loads(sa.select(Company)).where(Company.id == company.id)).first()
    return company_json(company), 201


@bp.get("/departments")
@token_required
def list_departments():
    user = current_api_user()
    if user.role not in Role.STAFF:
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    check_query_params(set())
    stmt = sa.select(Department).where(Department.active.is_(True))
    return paginate_by_id(stmt, Department, lambda d: {"id": d.id, "name": d.name, "code": d.code})
