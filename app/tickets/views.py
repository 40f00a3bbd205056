"""Staff problem pages: the list with filters, filing on a company's behalf, the detail page
with the timeline and one form per action the user may take now, comments and attachments.

Every rule lives in services/permissions: views load through visible_tickets (404 outside
scope), call the service, commit once, and on a refusal roll back and show the page again
with the user's typed text still in the form.
"""
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from app.common_problems import queries as common_queries
from app.core.db import utcnow
from app.core.pagination import Segment, asc, desc, keyset_page
from app.core.permissions import get_visible_or_404, require
from app.core.workdays import overdue_working_days
from app.core.inputs import put_field_errors, query_int
from app.core.spreadsheets import stream_xlsx
from app.core.timeutil import local_today
from app.extensions import db
from app.knowledge import permissions as knowledge_permissions
from app.knowledge import queries as knowledge_queries
from app.search import queries as search_queries
from app.tickets import attachments, bulk, forms, ledger, permissions, queries, saved_views, services, suggestions, tags
from app.tickets.models import (
    COMPLEXITIES, SLA_STATES, SUPERVISION_LEVELS, Attachment, ExtensionRequest, SavedView, Ticket,
)
from app.tickets.errors import TicketActionError
from app.tickets.pages import commit_or_refuse, post_action
from app.tickets.events import event_details, event_label
from app.tickets.transitions import TRANSITIONS
from app.tickets.blueprint import bp


def _load(ticket_id: int, *, history: bool = False) -> Ticket:
    """The problem if the user may see it (404 otherwise); these pages are for staff (403 otherwise).
    history: the pages that only read also open an escort's problems of companies they served before."""
    stmt = queries.with_detail_loads(queries.visible_tickets(current_user, history=history))
    ticket = get_visible_or_404(stmt, Ticket, ticket_id)
    require(permissions.can_use_staff_problem_pages(current_user))
    return ticket


_OWING = sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at.is_not(None))
_OWING_FIRST = Segment((asc(Ticket.due_at), desc(Ticket.created_at), desc(Ticket.id)), where=_OWING)
_THE_REST = Segment((desc(Ticket.created_at), desc(Ticket.id)), where=sa.not_(_OWING))


def _list_segments(filters: dict) -> list[Segment]:
    """Problems owing a step against a deadline first, soonest (most overdue) deadline first;
    then everything else (replied, closed, rejected, withdrawn), newest first.

    Two keyset segments, each read through an index (status+due_at; created_at). A filter that
    can only match one of them leaves the other out rather than have the database find that out.
    """
    if filters.get("overdue") or filters.get("due_soon"):
        return [_OWING_FIRST]
    if filters.get("status") and filters["status"] not in SLA_STATES:
        return [_THE_REST]
    return [_OWING_FIRST, _THE_REST]


def _overdue_days(now, user=None):
    """Working days a listed problem is overdue; for a co-department's helper (协办), its own step's."""
    def days(ticket: Ticket) -> int:
        row = permissions.co_department_row(user, ticket) if user is not None else None
        if row is not None:
            return overdue_working_days(row.due_at, now) if row.is_overdue(now) else 0
        return overdue_working_days(ticket.due_at, now) if ticket.is_overdue(now) else 0

    return days


@bp.route("/")
@login_required
def index():
    require(permissions.can_use_staff_problem_pages(current_user))
    return _render_index(request.args)


def _render_index(args, *, save_form=None, bulk_form=None, checked=(), message=None, status=200):
    """The list with the conditions in `args` (the request's, or a refused form's saved ones: nothing typed is lost)."""
    now = utcnow()
    form = forms.TicketFilterForm(args, user=current_user)
    filters = form.filters()
    search = search_queries.Search(current_user, filters.pop("q", None), db.session)
    # A search lists by relevance (app.search.queries.Search); otherwise owing a step first. How the viewer's scope
    # is read (as one, by its arms, by status first) depends on the conditions: queries.list_scope.
    filtered = any(filters.values())
    scoped, arms = queries.list_scope(current_user, filters, searching=bool(search))
    stmt = queries.with_list_loads(
        queries.filter_tickets(scoped, current_user, now=now, **filters)
    ).options(joinedload(Ticket.common_problem))  # the membership badge
    page = (search.page(stmt, filtered=filtered) if search
            else keyset_page(stmt, segments=_list_segments(filters), arms=arms))
    helper = permissions.works_through_department(current_user)
    # 协办 rows of the listed problems (one query for a page with problems, whether or not any has some):
    # every staff member sees a problem's co-departments and their state; a co-department's helper its own clock.
    queries.load_co_departments(page.items, always=True)
    current_query = saved_views.normalise_query(args.items(multi=True))
    can_save = permissions.can_save_ticket_views(current_user)
    can_bulk = permissions.can_bulk_act_on_tickets(current_user)
    if save_form is None and can_save:
        save_form = forms.SavedViewForm(formdata=None, query=current_query)
    if bulk_form is None and can_bulk:
        bulk_form = forms.BulkForm(formdata=None, back=current_query)
    return render_template(
        "tickets/index.html", form=form, page=page, now=now,
        overdue_days=_overdue_days(now, current_user if helper else None),
        co_row=(lambda t: permissions.co_department_row(current_user, t)) if helper else (lambda t: None),
        co_rows=permissions.open_co_departments, co_state=lambda row: ledger.co_state(row, now),
        search=search_queries.load_snippets(db.session, search, page.items) if search else None,
        can_file=permissions.can_file_tickets(current_user),
        saved=db.session.scalars(queries.visible_saved_views(current_user)).all() if can_save else [],
        current_query=current_query, can_save=can_save, save_form=save_form,
        can_bulk=can_bulk, bulk_form=bulk_form, checked={int(i) for i in checked}, message=message,
        max_selection=bulk.MAX_SELECTION,
    ), status


# ---------------------------------------------------------------- saved views

def _load_saved_view(view_id: int) -> SavedView:
    """One of the user's own views (another person's is a 404, like anything outside one's scope)."""
    require(permissions.can_save_ticket_views(current_user))
    view = get_visible_or_404(queries.visible_saved_views(current_user), SavedView, view_id)
    require(permissions.can_manage_saved_view(current_user, view))
    return view


@bp.route("/saved-views", methods=["POST"])
@login_required
def save_view():
    require(permissions.can_save_ticket_views(current_user))
    form = forms.SavedViewForm()
    query = form.query.data or ""
    args = MultiDict(parse_qsl(query[:4000]))
    if not form.validate():
        return _render_index(args, save_form=form, message=_("请检查填写的内容。"), status=400)
    view, refusal = commit_or_refuse(form, lambda: saved_views.create_view(current_user, form.name.data, query))
    if refusal:
        return _render_index(args, save_form=form, message=refusal.message, status=refusal.status)
    flash(_("已保存视图“%(name)s”。", name=view.name), "success")
    return redirect(url_for("tickets.index") + ("?" + view.query if view.query else ""))


@bp.route("/saved-views")
@login_required
def saved_view_list():
    require(permissions.can_save_ticket_views(current_user))
    return _render_saved_views()


def _render_saved_views(failed=None, message=None, status=200):
    """The user's views with a rename form each; `failed` = (view id, form) re-shows a refused rename."""
    views = db.session.scalars(queries.visible_saved_views(current_user)).all()
    rename_forms = {v.id: forms.RenameViewForm(formdata=None, name=v.name) for v in views}
    if failed is not None:
        rename_forms[failed[0]] = failed[1]
    return render_template("tickets/saved_views.html", views=views, rename_forms=rename_forms, message=message), status


@bp.route("/saved-views/<int:view_id>/rename", methods=["POST"])
@login_required
def rename_saved_view(view_id: int):
    view = _load_saved_view(view_id)
    form = forms.RenameViewForm()
    if not form.validate():
        return _render_saved_views((view.id, form), _("请检查填写的内容。"), 400)
    refusal = commit_or_refuse(form, lambda: saved_views.rename_view(current_user, view, form.name.data))[1]
    if refusal:
        return _render_saved_views((view_id, form), refusal.message, refusal.status)
    flash(_("视图已重命名为“%(name)s”。", name=view.name), "success")
    return redirect(url_for("tickets.saved_view_list"))


@bp.route("/saved-views/<int:view_id>/delete", methods=["POST"])
@login_required
def delete_saved_view(view_id: int):
    view = _load_saved_view(view_id)
    name = view.name
    saved_views.delete_view(current_user, view)
    db.session.commit()
    flash(_("已删除视图“%(name)s”。", name=name), "success")
    return redirect(url_for("tickets.saved_view_list"))


# ---------------------------------------------------------------- bulk actions

def _selected_ids() -> list[int] | None:
    """The ticked problem ids in order, without repeats; None when one is not a problem id."""
    ids = []
    for raw in request.form.getlist("ids"):
        if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31):
            return None
        if int(raw) not in ids:
            ids.append(int(raw))
    return ids


@bp.route("/bulk", methods=["POST"])
@login_required
def bulk_action():
    """督办, tag or export the problems ticked on the list (managers, admins), each checked on its own."""
    require(permissions.can_bulk_act_on_tickets(current_user))
    form = forms.BulkForm()
    back = form.back.data or ""
    args = MultiDict(parse_qsl(back[:4000]))
    ids = _selected_ids()
    op = form.op.data
    problem = None
    if not form.validate() or ids is None or op not in forms.BulkForm.OPS:
        problem = _("请检查填写的内容。")
    elif not ids:
        problem = _("请先勾选要处理的问题。")
    elif len(ids) > bulk.MAX_SELECTION:
        problem = _("一次最多选择 %(n)d 个问题。", n=bulk.MAX_SELECTION)
    elif op == "supervise" and form.level.data not in SUPERVISION_LEVELS:
        problem = _("请选择督办级别。")
    if problem:
        return _render_index(args, bulk_form=form, checked=ids or (), message=problem, status=400)
    if op == "export":
        require(permissions.can_export_tickets(current_user))
        now = utcnow()
        filename = f"{_('问题台账')}-{local_today():%Y%m%d}.xlsx"
        return stream_xlsx(filename, ledger.headers(), ledger.rows(bulk.export_select(current_user, ids), now=now),
                           sheet_title=_("问题台账"))
    if op == "supervise":
        result = bulk.supervise_many(current_user, ids, form.level.data)
        label = _("督办（%(level)s）", level=str(SUPERVISION_LEVELS[form.level.data]))
    else:
        try:
            name, result = bulk.tag_many(current_user, ids, form.tag.data)
        except TicketActionError as exc:
            db.session.rollback()
            form.tag.errors = list(form.tag.errors or []) + [exc.message]
            return _render_index(args, bulk_form=form, checked=ids, message=exc.message, status=exc.status)
        label = _("添加标签“%(name)s”", name=name)
    db.session.commit()
    return render_template("tickets/bulk_result.html", label=label, result=result,
                           back=url_for("tickets.index") + ("?" + back if back else ""))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_use_staff_problem_pages(current_user))
    form = forms.TicketForm(user=current_user)
    if request.method == "GET" and query_int("company_id"):
        form.company_id.data = query_int("company_id")
    if form.validate_on_submit():
        company = form.chosen_company()
        new, errors = services.validate_new_ticket(form.ticket_data(), allowed_sources=forms.STAFF_SOURCES)
        if company is None:
            errors["company_id"] = _("请选择企业。")
        if not errors:
            try:
                ticket = services.submit_ticket(current_user, company, new)
                db.session.commit()
            except TicketActionError as exc:
                db.session.rollback()
                flash(exc.message, "danger")
            else:
                flash(_("问题 %(number)s 已提交。", number=ticket.number), "success")
                return redirect(url_for("tickets.detail", ticket_id=ticket.id))
        for name, message in errors.items():
            getattr(form, name).errors.append(message)
    return render_template("tickets/form.html", form=form)


@bp.route("/<int:ticket_id>")
@login_required
def detail(ticket_id: int):
    return _render_detail(_load(ticket_id, history=True))


@bp.route("/<int:ticket_id>/actions/<action>", methods=["POST"])
@login_required
def act(ticket_id: int, action: str):
    ticket = _load(ticket_id)
    if action not in forms.ACTION_FORMS:
        abort(404)
    return post_action(current_user, ticket, action, perform=services.perform, page=_render_detail,
                             reload=lambda: _load(ticket_id), done_url=url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/comments", methods=["POST"])
@login_required
def comment(ticket_id: int):
    ticket = _load(ticket_id)
    require(permissions.can_comment_ticket(current_user, ticket))
    form = forms.CommentForm(formdata=request.form)
    if not form.validate():  # text the database cannot hold (the service checks the rest)
        return _render_detail(ticket, comment_form=form, message=_("请检查填写的内容。"), status=400)
    internal = bool(form.internal.data)
    refusal = commit_or_refuse(
        form, lambda: services.add_comment(current_user, ticket, body=form.body.data, internal=internal))[1]
    if refusal:
        return _render_detail(_load(ticket_id), comment_form=form, message=refusal.message, status=refusal.status)
    flash(_("内部备注已保存。") if form.internal.data else _("留言已发表。"), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/tags")
@login_required
def tag_list():
    """The tags in use on the problems the user may see, with how many problems carry each."""
    require(permissions.can_use_staff_problem_pages(current_user))
    return render_template("tickets/tags.html", tags=tags.tag_counts(queries.visible_tickets(current_user)))


@bp.route("/<int:ticket_id>/tags", methods=["POST"])
@login_required
def add_tag(ticket_id: int):
    ticket = _load(ticket_id)
    require(permissions.can_tag_ticket(current_user, ticket))
    form = forms.TagForm(formdata=request.form)
    if not form.validate():  # text the database cannot hold, or far too long
        if len(form.name.data or "") > tags.MAX_LENGTH:
            form.name.errors = [_("标签最多 %(n)d 个字。", n=tags.MAX_LENGTH)]
        return _render_detail(ticket, tag_form=form, message=_("请检查填写的内容。"), status=400)
    name, refusal = commit_or_refuse(form, lambda: tags.add_tag(current_user, ticket, form.name.data))
    if refusal:
        return _render_detail(_load(ticket_id), tag_form=form, message=refusal.message, status=refusal.status)
    flash(_("已添加标签“%(name)s”。", name=name), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/tags/remove", methods=["POST"])
@login_required
def remove_tag(ticket_id: int):
    ticket = _load(ticket_id)
    require(permissions.can_tag_ticket(current_user, ticket))
    form = forms.TagRemoveForm(formdata=request.form)
    if not form.validate():
        return _render_detail(ticket, message=_("请检查填写的内容。"), status=400)
    try:
        name = tags.remove_tag(current_user, ticket, form.name.data)
        db.session.commit()
    except TicketActionError as exc:
        db.session.rollback()
        return _render_detail(_load(ticket_id), message=exc.message, status=exc.status)
    flash(_("已删除标签“%(name)s”。", name=name), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/attachments", methods=["POST"])
@login_required
def upload(ticket_id: int):
    """Store one allow-listed file (with an optional note that goes on the timeline)."""
    ticket = _load(ticket_id)
    require(permissions.can_attach_to_ticket(current_user, ticket))
    form = forms.AttachmentForm()
    if not form.validate():  # a note or file name the database cannot hold
        return _render_detail(ticket, upload_form=form, message=_("请检查填写的内容。"), status=400)
    internal = bool(form.internal.data)
    try:
        with attachments.undone_on_error() as saved:
            file = form.file.data
            if not file or not getattr(file, "filename", ""):
                raise attachments.AttachmentError(_("请选择要上传的文件。"))
            attachments.check_upload(file)  # refuse a bad file before anything else is written
            note = (form.note.data or "").strip()
            event = services.add_comment(current_user, ticket, body=note, internal=internal) if note else None
            saved.append(attachments.save_attachment(current_user, ticket, file, event=event, public=not internal))
            db.session.commit()
    except (attachments.AttachmentError, TicketActionError) as exc:
        if isinstance(exc, TicketActionError):
            put_field_errors(form, {"note": v for k, v in exc.fields.items() if k == "body"})
        else:
            put_field_errors(form, {"file": exc.message})
        return _render_detail(_load(ticket_id), upload_form=form, message=exc.message, status=exc.status)
    flash(_("附件“%(name)s”已上传。", name=saved[0].filename), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/attachments/<int:att_id>")
@login_required
def download(ticket_id: int, att_id: int):
    ticket = _load(ticket_id, history=True)
    include_internal = permissions.can_view_internal(current_user, ticket)
    attachment = get_visible_or_404(
        queries.ticket_attachments(ticket, include_internal=include_internal), Attachment, att_id)
    require(permissions.can_download_attachment(current_user, ticket, attachment))
    return attachments.send_attachment(attachment)


# ---------------------------------------------------------------- the detail page

def _render_detail(ticket: Ticket, *, failed=None, comment_form=None, upload_form=None, tag_form=None, message=None,
                   status=200):
    """The detail page; `failed` = (action, form) re-shows a refused form with what the user typed."""
    now = utcnow()
    # 协办 rows with their departments: one query, whether or not the problem has some (a pinned count).
    queries.load_co_departments([ticket], always=True)
    pending = db.session.scalars(
        queries.pending_extension(ticket).options(joinedload(ExtensionRequest.requested_by))
    ).first()
    include_internal = permissions.can_view_internal(current_user, ticket)
    actions = permissions.allowed_actions(current_user, ticket, pending_extension=pending)
    action_forms = {a: forms.action_form(a, ticket) for a in actions}
    department_suggestions = suggestions.department_suggestions(ticket) if "dispatch" in actions else []
    if department_suggestions:  # the best one pre-selected on a fresh form
        action_forms["dispatch"].department_id.data = department_suggestions[0].department.id
    leftover = None
    if failed is not None:
        action, form = failed
        form.version.data = ticket.version  # the user has now seen the latest content
        if action in action_forms:
            action_forms[action] = form
        else:
            leftover = (action, form)
    events = db.session.scalars(queries.timeline(ticket, include_internal=include_internal)).unique().all()
    files = db.session.scalars(queries.ticket_attachments(ticket, include_internal=include_internal)).all()
    similar = queries.similar_problems(current_user, ticket)
    answers = knowledge_queries.suggestions(f"{ticket.title}。{ticket.description}", limit=3)
    reply_templates = (db.session.scalars(knowledge_queries.templates_for(current_user, ticket.department_id)).all()
                       if "reply" in actions else [])
    return render_template(
        "tickets/detail.html", ticket=ticket, now=now, pending=pending, actions=actions,
        action_forms=action_forms, failed_action=failed[0] if failed else None, leftover=leftover,
        action_labels={a: str(t.label) for a, t in TRANSITIONS.items()}, message=message,
        events=events, event_label=event_label, event_details=event_details, files=files,
        overdue_days=overdue_working_days(ticket.due_at, now) if ticket.is_overdue(now) else 0,
        include_internal=include_internal, similar=similar, department_suggestions=department_suggestions, answers=answers, reply_templates=reply_templates,
        can_publish=knowledge_permissions.can_publish_knowledge(current_user, ticket),
        can_comment=permissions.can_comment_ticket(current_user, ticket),
        can_note=permissions.can_add_internal_note(current_user, ticket),
        can_attach=permissions.can_attach_to_ticket(current_user, ticket),
        can_download=lambda att: permissions.can_download_attachment(current_user, ticket, att),
        comment_form=comment_form or forms.CommentForm(formdata=None),
        upload_form=upload_form or forms.AttachmentForm(formdata=None),
        tags=tags.ticket_tags(ticket), can_tag=permissions.can_tag_ticket(current_user, ticket),
        tag_form=tag_form or forms.TagForm(formdata=None),
        complexity_label=str(COMPLEXITIES.get(ticket.complexity, ticket.complexity)),
        co_rows=permissions.open_co_departments(ticket),
        awaited_co=permissions.awaited_co_opinions(ticket, now) if ticket.status == "in_progress" else [],
        co_overdue_days=lambda row: overdue_working_days(row.due_at, now) if row.is_overdue(now) else 0,
        my_co_row=permissions.co_department_row(current_user, ticket),
        common_panel=common_queries.ticket_panel(current_user, ticket),
    ), status
