"""Company registry pages: list with filters, detail, create, edit."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import Role, User
from app.companies import permissions, queries, services
from app.companies.forms import CompanyFilterForm, CompanyForm
from app.companies.models import Company
from app.core.pagination import paginate
from app.core.permissions import get_visible_or_404, require
from app.extensions import db

bp = Blueprint("companies", __name__, url_prefix="/companies", template_folder="templates")


def _load(company_id: int, *, include_past: bool = False) -> Company:
    stmt = queries.with_list_loads(queries.visible_companies(current_user, include_past=include_past))
    return get_visible_or_404(stmt, Company, company_id)


def _escort_or_none(escort_id: int | None):
    if not escort_id:
        return None
    escort = db.session.get(User, escort_id)
    if escort is None or escort.role != Role.ESCORT or not escort.active:
        abort(400)
    return escort


@bp.route("/")
@login_required
def index():
    require(permissions.can_list_companies(current_user))
    show_escort = current_user.role in (Role.ADMIN, Role.MANAGER)
    form = CompanyFilterForm(request.args, show_escort=show_escort)
    filters = form.filters()
    stmt = queries.filter_companies(queries.visible_companies(current_user), **filters)
    stmt = queries.with_list_loads(stmt).order_by(Company.name, Company.id)
    page = paginate(stmt)
    return render_template(
        "companies/index.html", form=form, page=page, show_escort=show_escort,
        can_create=permissions.can_create_company(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_create_company(current_user))
    form = CompanyForm()
    if form.validate_on_submit():
        escort = _escort_or_none(form.escort_id.data)
        company = services.create_company(
            current_user, form.company_data(), escort=escort, reason=form.assignment_reason.data or ""
        )
        db.session.commit()
        flash(_("企业“%(name)s”已添加。", name=company.name), "success")
        return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=None)


@bp.route("/<int:company_id>")
@login_required
def detail(company_id: int):
    company = _load(company_id, include_past=current_user.role == Role.ESCORT)
    history = db.session.scalars(queries.assignment_history(company)).all() if current_user.is_staff else []
    return render_template(
        "companies/detail.html", company=company, history=history,
        can_edit=permissions.can_edit_company(current_user, company),
        is_current=permissions.can_view_company(current_user, company),
    )


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@login_required
def edit(company_id: int):
    company = _load(company_id)
    require(permissions.can_edit_company(current_user, company))
    form = CompanyForm(obj=company, company=company)
    if request.method == "GET":
        form.escort_id.data = company.escort_id or 0
    if form.validate_on_submit():
        services.update_company(current_user, company, form.company_data())
        if permissions.can_assign_escort(current_user, company):
            services.assign_escort(
                current_user, company, _escort_or_none(form.escort_id.data), form.assignment_reason.data or ""
            )
        db.session.commit()
        flash(_("企业信息已保存。"), "success")
        return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=company)
