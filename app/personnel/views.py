"""人员管理: staff directory, accounts, escort workload and moving companies between escorts."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.companies.models import Company
from app.companies.queries import visible_companies, with_list_loads
from app.core.pagination import paginate
from app.core.permissions import get_visible_or_404, require
from app.extensions import db
from app.personnel import permissions, queries, services
from app.personnel.forms import (
    DeactivateForm, HandOverForm, ReassignFilterForm, ReassignForm, ResetPasswordForm, StaffFilterForm, StaffForm,
)
from app.personnel.services import Refused
from app.rankings.content import history_chart
from app.rankings.queries import ranking_history
from app.personnel.blueprint import bp


# The mechanism's rule of thumb: 3–6 companies per escort is typical; the workload page marks rows outside it.
TYPICAL_LOAD = (3, 6)


def _load(user_id: int) -> User:
    require(permissions.can_manage_staff(current_user))
    return get_visible_or_404(queries.with_staff_loads(queries.visible_staff(current_user)), User, user_id)


def _refused(exc: Refused) -> None:
    db.session.rollback()
    flash(exc.message, "danger")


def _escort_rows():
    return [(e, n) for e, n, _achieved in db.session.execute(queries.escort_workload()).all()]


def _targets(ids: list[int]) -> list[User]:
    found = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


@bp.route("/")
@login_required
def index():
    require(permissions.can_manage_staff(current_user))
    form = StaffFilterForm(request.args)
    stmt = queries.filter_staff(queries.visible_staff(current_user), **form.filters())
    stmt = queries.with_staff_loads(stmt).order_by(User.active.desc(), User.role, User.name, User.id)
    page = paginate(stmt)
    counts = queries.current_company_counts(u.id for u in page.items if permissions.serves_companies(u))
    return render_template(
        "personnel/index.html", form=form, page=page, counts=counts, serves_companies=permissions.serves_companies,
        can_create=permissions.can_create_staff(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_create_staff(current_user))
    form = StaffForm(actor=current_user)
    if form.validate_on_submit():
        try:
            user, password = services.create_staff(current_user, form.staff_data(), password=form.password.data or None)
            db.session.commit()
        except Refused as exc:
            _refused(exc)
        except IntegrityError:  # someone took the username a moment ago
            db.session.rollback()
            form.username.errors.append(_("用户名“%(name)s”已被使用，请换一个。", name=form.username.data))
        else:
            return render_template(
                "personnel/password_shown.html", user=user, password=password, title=_("账号已创建"),
                back_url=url_for("personnel.detail", user_id=user.id),
            )
    return render_template("personnel/form.html", form=form, target=None)


@bp.route("/<int:user_id>")
@login_required
def detail(user_id: int):
    user = _load(user_id)
    companies, history = [], None
    if permissions.serves_companies(user):
        companies = db.session.scalars(
            with_list_loads(visible_companies(current_user).where(Company.escort_id == user.id)).order_by(Company.name)
        ).all()
        history = paginate(queries.escort_assignment_history(user))
    board = permissions.ranked_on(user)
    ranking = (*board, _("陪跑员榜") if board[0] == "escorts" else _("所在部门（职能部门榜）")) if board else None
    points = ranking_history(ranking[0], ranking[1]) if ranking else []
    return render_template(
        "personnel/detail.html", user=user, companies=companies, history=history,
        serves_companies=permissions.serves_companies(user),
        ranking=ranking, points=points, chart=history_chart(ranking[0], ranking[1], points) if points else None,
        cards=sum(1 for p in points if p.yellow_card),
        can_edit=permissions.can_edit_staff(current_user, user),
        can_deactivate=permissions.can_deactivate_staff(current_user, user),
        can_reset=permissions.can_reset_password(current_user, user),
    )


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = _load(user_id)
    require(permissions.can_edit_staff(current_user, user))
    form = StaffForm(obj=user, actor=current_user, target=user)
    if request.method == "GET":
        form.department_id.data = user.department_id or 0
        form.town_id.data = user.town_id or 0
    if form.validate_on_submit():
        try:
            services.update_staff(current_user, user, form.staff_data())
            db.session.commit()
        except Refused as exc:
            _refused(exc)
        else:
            flash(_("%(name)s 的信息已保存。", name=user.name), "success")
            return redirect(url_for("personnel.detail", user_id=user.id))
    return render_template("personnel/form.html", form=form, target=user)


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate(user_id: int):
    """Deactivate; an escort who still has companies hands them over in the same step."""
    user = _load(user_id)
    require(permissions.can_deactivate_staff(current_user, user))
    if not user.active:
        flash(_("该账号已是停用状态。"), "info")
        return redirect(url_for("personnel.detail", user_id=user.id))
    companies = []
    if permissions.serves_companies(user):
        companies = db.session.scalars(
            with_list_loads(visible_companies(current_user).where(Company.escort_id == user.id)).order_by(Company.name)
        ).all()
    if companies:
        form = HandOverForm(escorts=_escort_rows(), exclude_id=user.id)
    else:
        form = DeactivateForm()
    if form.validate_on_submit():
        try:
            if companies:
                moved = services.reassign_and_deactivate(
                    current_user, user, _targets(form.chosen_target_ids()), mode=form.mode.data, reason=form.reason.data
                )
            else:
                moved = 0
                services.deactivate_staff(current_user, user, reason=form.reason.data or "")
            db.session.commit()
        except Refused as exc:
            _refused(exc)
            return redirect(url_for("personnel.deactivate", user_id=user.id))
        except IntegrityError:  # another manager moved one of these companies at the same moment
            _refused(Refused(_("数据已被他人修改，请刷新后重试。")))
            return redirect(url_for("personnel.deactivate", user_id=user.id))
        if moved:
            flash(_("已将 %(n)d 家企业移交，并停用 %(name)s 的账号。", n=moved, name=user.name), "success")
        else:
            flash(_("已停用 %(name)s 的账号，其所有登录会话已结束。", name=user.name), "success")
        return redirect(url_for("personnel.detail", user_id=user.id))
    return render_template("personnel/deactivate.html", user=user, form=form, companies=companies)


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int):
    user = _load(user_id)
    require(permissions.can_deactivate_staff(current_user, user))
    try:
        services.reactivate_staff(current_user, user)
        db.session.commit()
    except Refused as exc:
        _refused(exc)
    else:
        flash(_("已重新启用 %(name)s 的账号。", name=user.name), "success")
    return redirect(url_for("personnel.detail", user_id=user.id))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@login_required
def reset_password(user_id: int):
    user = _load(user_id)
    require(permissions.can_reset_password(current_user, user))
    form = ResetPasswordForm(target=user)
    if form.validate_on_submit():
        try:
            password = services.reset_password(current_user, user, password=form.password.data or None)
            db.session.commit()
        except Refused as exc:
            _refused(exc)
        else:
            return render_template(
                "personnel/password_shown.html", user=user, password=password, title=_("密码已重置"),
                back_url=url_for("personnel.detail", user_id=user.id),
            )
    return render_template("personnel/reset_password.html", user=user, form=form)


@bp.route("/workload")
@login_required
def workload():
    require(permissions.can_view_workload(current_user))
    rows = db.session.execute(queries.escort_workload()).all()
    return render_template(
        "personnel/workload.html", rows=rows, typical=TYPICAL_LOAD,
        unassigned=queries.unassigned_company_count(current_user),
        total=sum(n for _e, n, _a in rows),
    )


@bp.route("/reassign", methods=["GET", "POST"])
@login_required
def reassign():
    """Pick companies (by escort or any company filter) and move them to other escorts at once.

    The filters live in the query string on GET and POST alike, so "all matching"
    means exactly the list the manager was looking at.
    """
    require(permissions.can_reassign_companies(current_user))
    filter_form = ReassignFilterForm(request.args)
    filters = filter_form.filters()
    matching = queries.reassignable_companies(current_user, **filters)
    escort_id = filters.get("escort_id") or 0
    form = ReassignForm(escorts=_escort_rows(), exclude_id=escort_id if escort_id > 0 else None)
    if form.validate_on_submit():
        try:
            if form.all_matching.data == "all":
                if not filter_form.is_filtered():
                    raise Refused(_("未设置任何筛选条件时不能“全部移交”，请先筛选，或逐家勾选企业。"))
                companies = db.session.scalars(matching).all()
            else:
                ids = set(form.company_ids.data or [])
                companies = db.session.scalars(matching.where(Company.id.in_(ids))).all() if ids else []
                if len(companies) != len(ids):
                    raise Refused(_("部分所选企业已不在当前筛选结果中，请刷新页面后重试。"))
            moved = services.reassign_companies(
                current_user, companies, _targets(form.chosen_target_ids()), mode=form.mode.data,
                reason=form.reason.data,
            )
            db.session.commit()
        except Refused as exc:
            _refused(exc)
        except IntegrityError:  # another manager moved one of these companies at the same moment
            _refused(Refused(_("数据已被他人修改，请刷新后重试。")))
        else:
            flash(_("已调整 %(n)d 家企业的陪跑员，原分配记录已保留。", n=moved), "success")
            return redirect(url_for("personnel.reassign", **request.args))
    page = paginate(with_list_loads(matching).order_by(Company.name, Company.id))
    form.show_matching_count(page.total)
    return render_template(
        "personnel/reassign.html", filter_form=filter_form, form=form, page=page,
        source=db.session.get(User, escort_id) if escort_id > 0 else None,
    )
