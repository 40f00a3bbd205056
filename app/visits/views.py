"""Visit pages: list, log a visit (phone-first), detail with photos and problems, the unvisited list, export."""
from datetime import timedelta

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import SelectPagination

from app.companies.models import Company
from app.companies.queries import visible_companies
from app.core.pagination import desc, keyset_page
from app.core.permissions import get_visible_or_404, require
from app.core.timeutil import local_today
from app.core.inputs import query_int, refuse_ignored_filters
from app.extensions import db
from app.core.stored_files import send_stored_file
from app.visits import permissions, queries, services
from app.visits.forms import UnvisitedFilterForm, VisitFilterForm, VisitForm
from app.visits.models import Visit, VisitPhoto
from app.visits.window import current_window
from app.visits.blueprint import bp


@bp.app_context_processor
def _visit_permissions():
    return {"can_log_visit": permissions.can_log_visit, "can_list_visits": permissions.can_list_visits}


def _sees_every_escort() -> bool:
    return permissions.can_view_all_visits(current_user)


def _load(visit_id: int, *, detail: bool = False) -> Visit:
    """Every visit page only reads: an escort's visits to companies they served before open too."""
    stmt = queries.visible_visits(current_user, history=True)
    stmt = queries.with_detail_loads(stmt) if detail else stmt
    visit = get_visible_or_404(stmt, Visit, visit_id)
    require(permissions.can_view_visit(current_user, visit))
    return visit


def _filtered_visits():
    form = VisitFilterForm(request.args, companies=queries.visit_companies(current_user), show_escort=_sees_every_escort())
    filters = form.filters()
    return form, queries.filter_visits(queries.visible_visits(current_user), user=current_user, **filters)


@bp.route("/")
@login_required
def index():
    require(permissions.can_list_visits(current_user))
    form, stmt = _filtered_visits()
    page = keyset_page(queries.with_list_loads(stmt), (desc(Visit.visited_on), desc(Visit.id)))
    window = unvisited = None
    if permissions.can_log_visits(current_user):  # an escort's own reminder of the companies not yet visited
        window = current_window(local_today())
        unvisited = db.session.scalar(queries.count_unvisited(current_user, window))
    return render_template("visits/index.html", form=form, page=page, show_escort=_sees_every_escort(),
                           window=window, unvisited=unvisited,
                           can_export=permissions.can_export_visits(current_user),
                           can_log=permissions.can_log_visits(current_user))


def _company_for_visit(company_id: int) -> Company:
    """The company through the user's scope (404 outside it), then the logging rule (403)."""
    company = get_visible_or_404(visible_companies(current_user), Company, company_id)
    require(permissions.can_log_visit(current_user, company))
    return company


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    company_id = query_int("company_id")
    if not company_id:
        require(permissions.can_log_visits(current_user))
        return _choose_company()
    company = _company_for_visit(company_id)
    form = VisitForm()
    if request.method == "GET":
        form.visited_on.data = local_today().isoformat()
        form.mode.data = "on_site"
        return _render_form(form, company)
    if not form.validate_on_submit():  # only the CSRF token is checked here; field rules are the service's
        flash(_("页面已过期，请重新提交。"), "danger")
        return _render_form(form, company, status=400)
    photos = request.files.getlist(form.photos.name)
    if form.add_problem.data:
        if form.can_add_problem():
            form.problems.append_entry()
        if any(f.filename for f in photos):
            flash(_("请重新选择照片（浏览器不会保留已选的文件）。"), "warning")
        return _render_form(form, company, focus_last_problem=True)
    try:
        visit = services.create_visit(current_user, company, form.visit_data(), problems=form.problem_rows(),
                                      photos=photos)
        db.session.commit()
    except services.VisitError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        form.show_errors(exc.fields)
        flash(exc.message, "danger")
        if any(f.filename for f in photos):
            flash(_("所选照片未上传，请重新选择照片（浏览器不会保留已选的文件）。"), "warning")
        return _render_form(form, company, status=400)
    count = db.session.scalar(queries.visit_ticket_count(visit))
    if count:
        flash(ngettext("走访记录已保存，提出的 %(num)d 个问题已生成工单。",
                       "走访记录已保存，提出的 %(num)d 个问题已生成工单。", count), "success")
    else:
        flash(_("走访记录已保存。"), "success")
    target = url_for("visits.detail", visit_id=visit.id)
    if request.headers.get("X-Visit-Form") == "fetch":
        # The form's script saved it in the background (to keep its draft if the network drops): it clears
        # the draft and opens this page itself.
        return jsonify(saved=True, redirect=target)
    return redirect(target)


def _render_form(form: VisitForm, company: Company, *, status: int = 200, focus_last_problem: bool = False):
    today = local_today()
    return render_template("visits/form.html", form=form, company=company, focus_last_problem=focus_last_problem,
                           today=today, earliest=today - timedelta(days=services.MAX_DAYS_BACK),
                           max_days_back=services.MAX_DAYS_BACK), status


def _choose_company():
    """"记录走访" without a company: the escort picks one of theirs, the least recently visited first."""
    window = current_window(local_today())
    rows = db.session.execute(queries.companies_with_last_visit(current_user)).all()
    return render_template("visits/choose_company.html", rows=rows, window=window)


@bp.route("/<int:visit_id>")
@login_required
def detail(visit_id: int):
    visit = _load(visit_id, detail=True)
    tickets = db.session.scalars(queries.visit_tickets(current_user, visit)).all()
    return render_template("visits/detail.html", visit=visit, tickets=tickets,
                           can_log=permissions.can_log_visit(current_user, visit.company))


@bp.route("/<int:visit_id>/photos/<int:photo_id>")
@login_required
def photo(visit_id: int, photo_id: int):
    visit = _load(visit_id)
    photo_ = get_visible_or_404(queries.visit_photos(visit), VisitPhoto, photo_id)
    require(permissions.can_download_visit_photo(current_user, visit, photo_))
    # Shown inline as an <img> (content checked as JPG/PNG at upload; nosniff is set); ?download=1 saves it.
    return send_stored_file(photo_, inline=request.args.get("download") != "1")


class _RowPagination(SelectPagination):
    """db.paginate() keeps only the first column; the unvisited list also needs the last visit date."""

    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


@bp.route("/unvisited")
@login_required
def unvisited():
    require(permissions.can_view_unvisited(current_user))
    window = current_window(local_today())
    form = UnvisitedFilterForm(request.args) if _sees_every_escort() else None
    filters = form.filters() if form else {}
    stmt = queries.unvisited_companies(current_user, window, **filters)
    page = _RowPagination(select=stmt, session=db.session(), per_page=current_app.config["ITEMS_PER_PAGE"],
                          max_per_page=200, error_out=False)
    return render_template("visits/unvisited.html", page=page, window=window, form=form)


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    """The list page's visits (same scope, same filters), all pages, as one XLSX."""
    require(permissions.can_export_visits(current_user))
    from app.core.spreadsheets import stream_xlsx

    _form, stmt = _filtered_visits()
    refuse_ignored_filters()
    filename = _("走访记录-%(day)s.xlsx", day=local_today().strftime("%Y%m%d"))
    headers, widths = queries.export_columns()
    return stream_xlsx(filename, headers, queries.export_rows(stmt), sheet_title=_("走访记录"), widths=widths)
