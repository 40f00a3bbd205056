"""Companies and departments through the API, with the pages' scoping and rules."""
import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.accounts.models import Role, User
from app.api.blueprint import bp
from app.api.common import (
    check_query_params, choice_arg, current_api_user, fail, get_or_404, int_arg, json_body, paginate_by_id,
    token_required,
)
from app.companies import permissions, queries, services
from app.companies.forms import CompanyForm
from app.companies.models import CATEGORIES, Company
from app.extensions import db
from app.reference.models import Department, Industry, Town


def company_json(company: Company, former_names: list[str] | None = None) -> dict:
    return {
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
    }


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
    stmt = queries.with_list_loads(queries.visible_companies(current_api_user()))
    company = get_or_404(stmt, Company, company_id)
    return company_json(company, queries.former_names([company.id]).get(company.id))


def _lookup_id(model, value, *columns):
    """Accept an id, a code or a name for a reference field (-1: no such row, the form refuses it)."""
    if value in (None, ""):
        return None
    conditions = [col == str(value) for col in columns]
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**31:
        conditions.append(model.id == value)
    return db.session.scalar(sa.select(model.id).where(sa.or_(*conditions))) or -1


# JSON types each field of POST /companies accepts; anything else is a 400 for that field.
TEXT_FIELDS = ("name", "uscc", "category", "specialized_tier", "address", "contact_name", "contact_phone")
NUMBER = (int, float)


def _type_errors(data: dict) -> dict:
    def wrong(name, types):
        value = data.get(name)
        return value is not None and (isinstance(value, bool) or not isinstance(value, types))

    errors = {name: _("应为文本。") for name in TEXT_FIELDS if wrong(name, str)}
    errors.update({name: _("应为编号或名称。") for name in ("town", "industry") if wrong(name, (int, str))})
    errors.update({name: _("应为数字。") for name in ("annual_revenue",) if wrong(name, NUMBER)})
    errors.update({name: _("应为整数。") for name in ("employees", "escort_id") if wrong(name, int)})
    if data.get("is_above_scale") is not None and not isinstance(data["is_above_scale"], bool):
        errors["is_above_scale"] = _("应为 true 或 false。")
    return errors


@bp.post("/companies")
@token_required
def create_company():
    user = current_api_user()
    if not permissions.can_create_company(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")
    data = json_body()
    errors = _type_errors(data)
    if errors:
        fail(400, _("提交的数据有误。"), "validation_error", errors)
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
    check_query_params(set(), paginated=True)
    stmt = sa.select(Department).where(Department.active.is_(True))
    return paginate_by_id(stmt, Department, lambda d: {"id": d.id, "name": d.name, "code": d.code})
