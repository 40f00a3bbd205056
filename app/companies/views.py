"""Company registry pages: list with filters, detail, create, edit."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.companies import goals, permissions, queries, services
from app.companies.forms import CompanyFilterForm, CompanyForm, GoalProgressForm, PortalAccountForm
from app.companies.models import Company
from app.core.pagination import asc, keyset_page
from app.core.db import utcnow
from app.core.timeutil import local_today
from app.core.workdays import overdue_working_days
from app.core.permissions import get_visible_or_404, require
from app.extensions import db
from app.personnel import queries as personnel_queries
from app.personnel import services as personnel_services
from app.tickets import queries as ticket_queries
from app.visits import queries as visit_queries
from app.companies.blueprint import bp


def _load(company_id: int, *, history: bool = False) -> Company:
    """The company through the user's scope (404 outside it); history: an escort's former companies too
    (their read-only pages)."""
    stmt = queries.with_list_loads(queries.visible_companies(current_user, history=history))
    return get_visible_or_404(stmt, Company, company_id)


def _escort_or_none(escort_id: int | None):
    if not escort_id:
        return None
    escort = db.session.get(User, escort_id)
    if escort is None or not permissions.can_serve_as_escort(escort):
        abort(400)
    return escort


@bp.route("/")
@login_required
def index():
    require(permissions.can_list_companies(current_user))
    show_escort = permissions.can_filter_by_escort(current_user)
    form = CompanyFilterForm(request.args, show_escort=show_escort)
    filters = form.filters()
    stmt = queries.filter_companies(queries.visible_companies(current_user), **filters)
    page = keyset_page(queries.with_row_loads(stmt), (asc(Company.name), asc(Company.id)))
    return render_template(
        "companies/index.html", form=form, page=page, show_escort=show_escort,
        can_create=permissions.can_create_company(current_user),
        own_companies=permissions.lists_own_companies(current_user),
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
        if form.former_name_list():
            services.set_former_names(current_user, company, form.former_name_list())
        db.session.commit()
        flash(_("企业“%(name)s”已添加。", name=company.name), "success")
        return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=None)


@bp.route("/<int:company_id>")
@login_required
def detail(company_id: int):
    company = _load(company_id, history=True)
    return _render_detail(company)


def _render_detail(company: Company, *, account_form=None, goal_form=None):
    """The company page, with the portal-account and goal forms for those who may use them."""
    can_records = permissions.can_view_company_records(current_user, company)
    history = db.session.scalars(queries.assignment_history(company)).all() if can_records else []
    can_accounts = permissions.can_create_portal_account(current_user, company)
    can_goal = permissions.can_update_goal(current_user, company)
    accounts = db.session.scalars(personnel_queries.portal_accounts(company)).all() if can_accounts else []
    if can_accounts and account_form is None:
        account_form = PortalAccountForm(formdata=None)
    if can_goal and goal_form is None:
        goal_form = GoalProgressForm(formdata=None, obj=company, company=company)
        goal_form.goal_updated_on.data = local_today()
    goal_updates = db.session.scalars(queries.goal_updates(company)).all() if can_records else []
    briefing = _briefing(company) if can_records else {}
    return render_template(
        "companies/detail.html", company=company, history=history, goal_updates=goal_updates, **briefing,
        former_names=db.session.scalars(queries.former_name_rows(company)).all(),
        goal_warnings=goals.goal_warnings(company) if can_records else [], can_records=can_records,
        indicator_text=goals.indicator_text, indicator_rule=goals.INDICATOR_TEXT[company.category],
        goal_target=goals.targets().get(company.category) if can_goal else None,
        can_edit=permissions.can_edit_company(current_user, company),
        is_current=permissions.serves_company(current_user, company),
        can_accounts=can_accounts, accounts=accounts, account_form=account_form,
        can_goal=can_goal, goal_form=goal_form,
    )


def _briefing(company: Company) -> dict:
    """What an escort reads before a visit: open and recent problems and recent visits, through the
    user's own scopes (an escort sees none of a company they no longer serve but the visits they made)."""
    now = utcnow()
    return {
        "open_problems": db.session.scalars(ticket_queries.company_problems(current_user, company, open_=True)).all(),
        "recent_problems": db.session.scalars(
            ticket_queries.company_problems(current_user, company, open_=False, limit=5)).all(),
        "recent_visits": db.session.scalars(visit_queries.company_visits(current_user, company)).unique().all(),
        "overdue_days": lambda t: overdue_working_days(t.due_at, now) if t.is_overdue(now) else 0,
        "briefing": True,
    }


@bp.route("/<int:company_id>/goal", methods=["POST"])
@login_required
def update_goal(company_id: int):
    company = _load(company_id)
    require(permissions.can_update_goal(current_user, company))
    form = GoalProgressForm(company=company)
    if not form.validate_on_submit():
        flash(_("目标进度未保存，请检查填写的内容。"), "danger")
        return _render_detail(company, goal_form=form)
    update = services.record_goal_update(
        current_user, company, status=form.goal_status.data, on=form.goal_updated_on.data, note=form.goal_note.data,
        indicator=form.indicator(),
    )
    db.session.commit()
    if update.reached_on:
        flash(_("目标进度已更新：已达到目标（%(on)s）。", on=update.reached_on.isoformat()), "success")
    else:
        flash(_("目标进度已更新。"), "success")
    return redirect(url_for("companies.detail", company_id=company.id))


def _portal_account(company: Company, user_id: int) -> User:
    account = db.session.scalars(
        personnel_queries.portal_accounts(company).where(User.id == user_id)
    ).first()
    if account is None:
        abort(404)
    return account


@bp.route("/<int:company_id>/accounts", methods=["POST"])
@login_required
def create_portal_account(company_id: int):
    company = _load(company_id)
    require(permissions.can_create_portal_account(current_user, company))
    form = PortalAccountForm()
    if form.validate_on_submit():
        try:
            account, password = personnel_services.create_portal_account(
                current_user, company, form.data, password=form.password.data or None
            )
            db.session.commit()
        except personnel_services.Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        except IntegrityError:  # the username was taken a moment ago
            db.session.rollback()
            form.username.errors.append(_("用户名“%(name)s”已被使用，请换一个。", name=form.username.data))
        else:
            return render_template(
                "companies/account_password.html", company=company, account=account, password=password,
                title=_("企业账号已创建"),
            )
        company = _load(company_id)  # the rollback expired it
    else:
        flash(_("企业账号未创建，请检查填写的内容。"), "danger")
    return _render_detail(company, account_form=form)


@bp.route("/<int:company_id>/accounts/<int:user_id>/password", methods=["POST"])
@login_required
def reset_portal_password(company_id: int, user_id: int):
    company = _load(company_id)
    account = _portal_account(company, user_id)
    require(permissions.can_manage_portal_account(current_user, account, company))
    password = personnel_services.reset_portal_password(current_user, account)
    db.session.commit()
    return render_template(
        "companies/account_password.html", company=company, account=account, password=password,
        title=_("企业账号密码已重置"),
    )


@bp.route("/<int:company_id>/accounts/<int:user_id>/active", methods=["POST"])
@login_required
def set_portal_account_active(company_id: int, user_id: int):
    company = _load(company_id)
    account = _portal_account(company, user_id)
    require(permissions.can_manage_portal_account(current_user, account, company))
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    try:
        personnel_services.set_portal_account_active(current_user, account, active)
        db.session.commit()
    except personnel_services.Refused as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        if active:
            flash(_("已启用企业账号 %(name)s。", name=account.username), "success")
        else:
            flash(_("已停用企业账号 %(name)s，其登录会话已全部结束。", name=account.username), "success")
    return redirect(url_for("companies.detail", company_id=company.id))


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@login_required
def edit(company_id: int):
    company = _load(company_id)
    require(permissions.can_edit_company(current_user, company))
    form = CompanyForm(obj=company, company=company)
    if not permissions.can_edit_former_names(current_user, company):
        del form.former_names
    if request.method == "GET":
        form.escort_id.data = company.escort_id or 0
        if "former_names" in form:
            form.former_names.data = "\n".join(queries.former_names([company.id]).get(company.id, []))
    if form.validate_on_submit():
        if "former_names" in form:  # first: the rename below adds the old name to what the form kept
            services.set_former_names(current_user, company, form.former_name_list())
        services.update_company(current_user, company, form.company_data())
        if permissions.can_assign_escort(current_user, company):
            services.assign_escort(
                current_user, company, _escort_or_none(form.escort_id.data), form.assignment_reason.data or ""
            )
        db.session.commit()
        flash(_("企业信息已保存。"), "success")
        return redirect(url_for("companies.detail", company_id=company.id))
    return render_template("companies/form.html", form=form, company=company)
