"""Staff problem pages: the list with filters, filing on a company's behalf, the detail page
with the timeline and one form per action the user may take now, comments and attachments.

Every rule lives in services/permissions: views load through visible_tickets (404 outside
scope), call the service, commit once, and on a refusal roll back and show the page again
with the user's typed text still in the form.
"""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.accounts.models import Role
from app.common_problems import queries as common_queries
from app.core.db import utcnow
from app.core.pagination import Segment, asc, desc, keyset_page
from app.core.permissions import get_visible_or_404, require
from app.core.workdays import overdue_working_days
from app.core.inputs import query_int
from app.extensions import db
from app.knowledge import permissions as knowledge_permissions
from app.knowledge import queries as knowledge_queries
from app.search import queries as search_queries
from app.search import similarity
from app.tickets import attachments, forms, permissions, queries, services, suggestions, tags
from app.tickets.models import (
    COMPLEXITIES, RATINGS, SLA_STATES, STATUSES, Attachment, ExtensionRequest, Ticket,
)
from app.tickets.services import TicketActionError
from app.tickets.transitions import COLLECT_EVENT, TRANSITIONS

bp = Blueprint("tickets", __name__, url_prefix="/tickets", template_folder="templates")


def _load(ticket_id: int) -> Ticket:
    """The problem if the user may see it (404 otherwise); these pages are for staff (403 otherwise)."""
    ticket = get_visible_or_404(queries.with_detail_loads(queries.visible_tickets(current_user)), Ticket, ticket_id)
    require(current_user.is_staff)
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
    require(current_user.is_staff)
    now = utcnow()
    form = forms.TicketFilterForm(request.args, user=current_user)
    filters = form.filters()
    search = search_queries.Search(current_user, filters.pop("q", None), db.session)
    stmt = queries.with_list_loads(
        queries.filter_tickets(queries.visible_tickets(current_user), current_user, now=now, **filters)
    ).options(joinedload(Ticket.common_problem))  # the membership badge
    # A search lists by relevance (app.search.queries.Search); otherwise owing a step first.
    page = search.page(stmt) if search else keyset_page(stmt, segments=_list_segments(filters))
    helper = current_user.role == Role.HELPER
    if helper:  # 协办 rows of the listed problems that have some (no query otherwise)
        queries.load_co_departments(page.items)
    return render_template(
        "tickets/index.html", form=form, page=page, now=now,
        overdue_days=_overdue_days(now, current_user if helper else None),
        co_row=(lambda t: permissions.co_department_row(current_user, t)) if helper else (lambda t: None),
        search=search_queries.load_snippets(db.session, search, page.items) if search else None,
        # The roles can_create_ticket_for admits for some company (helpers file nothing).
        can_file=current_user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(current_user.is_staff)
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
    return _render_detail(_load(ticket_id))


@bp.route("/<int:ticket_id>/actions/<action>", methods=["POST"])
@login_required
def act(ticket_id: int, action: str):
    ticket = _load(ticket_id)
    if action not in forms.ACTION_FORMS:
        abort(404)
    form = forms.action_form(action, ticket, request.form)
    if not form.validate():  # only unreadable input (e.g. a malformed date) fails here
        return _render_detail(ticket, failed=(action, form), message=_("请检查填写的内容。"), status=400)
    try:
        services.perform(current_user, ticket, action, form.action_data())
        db.session.commit()
    except TicketActionError as exc:
        db.session.rollback()
        _put_field_errors(form, exc.fields)
        return _render_detail(_load(ticket_id), failed=(action, form), message=exc.message, status=exc.status)
    flash(_("已完成“%(action)s”。", action=str(TRANSITIONS[action].label)), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/comments", methods=["POST"])
@login_required
def comment(ticket_id: int):
    ticket = _load(ticket_id)
    require(permissions.can_comment_ticket(current_user, ticket))
    form = forms.CommentForm(formdata=request.form)
    if not form.validate():  # text the database cannot hold (the service checks the rest)
        return _render_detail(ticket, comment_form=form, message=_("请检查填写的内容。"), status=400)
    try:
        services.add_comment(current_user, ticket, body=form.body.data, internal=bool(form.internal.data))
        db.session.commit()
    except TicketActionError as exc:
        db.session.rollback()
        _put_field_errors(form, exc.fields)
        return _render_detail(_load(ticket_id), comment_form=form, message=exc.message, status=exc.status)
    flash(_("内部备注已保存。") if form.internal.data else _("留言已发表。"), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/tags")
@login_required
def tag_list():
    """The tags in use on the problems the user may see, with how many problems carry each."""
    require(current_user.is_staff)
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
    try:
        name = tags.add_tag(current_user, ticket, form.name.data)
        db.session.commit()
    except TicketActionError as exc:
        db.session.rollback()
        _put_field_errors(form, exc.fields)
        return _render_detail(_load(ticket_id), tag_form=form, message=exc.message, status=exc.status)
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
    saved = []
    internal = bool(form.internal.data)
    try:
        file = form.file.data
        if not file or not getattr(file, "filename", ""):
            raise attachments.AttachmentError(_("请选择要上传的文件。"))
        attachments.check_upload(file)  # refuse a bad file before anything else is written
        note = (form.note.data or "").strip()
        event = services.add_comment(current_user, ticket, body=note, internal=internal) if note else None
        saved.append(attachments.save_attachment(current_user, ticket, file, event=event, public=not internal))
        db.session.commit()
    except (attachments.AttachmentError, TicketActionError) as exc:
        db.session.rollback()
        attachments.discard_files(saved)
        if isinstance(exc, TicketActionError):
            _put_field_errors(form, {"note": v for k, v in exc.fields.items() if k == "body"})
        else:
            _put_field_errors(form, {"file": exc.message})
        return _render_detail(_load(ticket_id), upload_form=form, message=exc.message, status=exc.status)
    except Exception:
        db.session.rollback()
        attachments.discard_files(saved)
        raise
    flash(_("附件“%(name)s”已上传。", name=saved[0].filename), "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/attachments/<int:att_id>")
@login_required
def download(ticket_id: int, att_id: int):
    ticket = _load(ticket_id)
    include_internal = permissions.can_view_internal(current_user, ticket)
    attachment = get_visible_or_404(
        queries.ticket_attachments(ticket, include_internal=include_internal), Attachment, att_id)
    require(permissions.can_download_attachment(current_user, ticket, attachment))
    return attachments.send_attachment(attachment)


# ---------------------------------------------------------------- the detail page

def _put_field_errors(form, fields: dict) -> None:
    """Show a service's per-field messages on the matching form fields (by their unprefixed names)."""
    for name, message in (fields or {}).items():
        field = form._fields.get(name)
        if field is not None and field.type not in ("HiddenField", "SubmitField"):
            field.errors = list(field.errors or []) + [message]


def _render_detail(ticket: Ticket, *, failed=None, comment_form=None, upload_form=None, tag_form=None, message=None,
                   status=200):
    """The detail page; `failed` = (action, form) re-shows a refused form with what the user typed."""
    now = utcnow()
    queries.load_co_departments([ticket])  # 协办 rows with their departments (no query without any)
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
    similar = similarity.similar_problems(queries.visible_tickets(current_user), ticket, load=queries.with_list_loads)
    answers = knowledge_queries.suggestions(f"{ticket.title}。{ticket.description}", limit=3)
    reply_templates = (db.session.scalars(knowledge_queries.templates_for(current_user, ticket.department_id)).all()
                       if "reply" in actions else [])
    return render_template(
        "tickets/detail.html", ticket=ticket, now=now, pending=pending, actions=actions,
        action_forms=action_forms, failed_action=failed[0] if failed else None, leftover=leftover,
        action_labels={a: str(t.label) for a, t in TRANSITIONS.items()}, message=message,
        events=events, event_label=_event_label, event_details=_event_details, files=files,
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


def _event_label(event) -> str:
    if event.kind in TRANSITIONS:
        if event.kind == "supervise" and (event.data or {}).get("automatic"):
            return _("超期自动督办")
        return str(TRANSITIONS[event.kind].label)
    return {
        "submit": _("提交问题"), COLLECT_EVENT: _("走访收集并受理"), "comment": _("留言"), "note": _("内部备注"), "auto_close": _("逾期未评价，自动办结"),
        "deadline_recomputed": _("工作日历调整，期限重算"), "co_opinions_overdue": _("协办意见逾期"),
        "join_common": _("并入共性问题"), "leave_common": _("脱离共性问题"),
    }.get(event.kind, event.kind)


def _event_details(event) -> list[str]:
    """Facts an event carries besides its text, in words."""
    data = event.data or {}
    details = []
    if event.from_status and event.to_status and event.from_status != event.to_status:
        details.append(_("状态：%(a)s → %(b)s", a=str(STATUSES[event.from_status]), b=str(STATUSES[event.to_status])))
    if event.kind == "dispatch":
        details.append(_("承办部门：%(name)s", name=data.get("department") or ""))
        if data.get("complexity"):
            details.append(_("复杂程度：%(c)s", c=str(COMPLEXITIES.get(data["complexity"], data["complexity"]))))
        if data.get("due_on"):
            details.append(_("办理期限：%(d)s", d=data["due_on"]))
        if data.get("co_departments"):
            details.append(_("协办部门：%(names)s", names="、".join(data["co_departments"])))
    if event.kind in ("co_sign", "co_opinion"):
        details.append(_("协办部门：%(name)s", name=data.get("department") or ""))
        if data.get("on_time") is False:
            details.append(_("逾期签收") if event.kind == "co_sign" else _("逾期提交"))
    if event.kind == "co_opinions_overdue":
        details.append(_("承办部门答复时以下协办部门未提交意见：%(names)s", names="、".join(data.get("departments") or [])))
    if event.kind == "return" and data.get("suggested_department"):
        details.append(_("建议承办部门：%(name)s", name=data["suggested_department"]))
    if event.kind == "rate" and data.get("rating") in RATINGS:
        details.append(_("评价：%(r)s", r=str(RATINGS[data["rating"]])))
        if data.get("via") == "follow_up_call":
            details.append(_("陪跑员回访记录"))
    if event.kind == "deadline_recomputed" and data.get("new_due"):
        details.append(_("期限：%(a)s → %(b)s", a=data.get("old_due") or "—", b=data["new_due"]))
    if event.kind == "resume":
        details.append(_("暂停 %(n)d 个工作日，期限相应顺延", n=data.get("paused_days") or 0))
        if data.get("by_upload"):
            details.append(_("企业上传材料后自动恢复"))
    if event.kind in ("request_extension", "decide_extension") and data.get("new_due"):
        details.append(_("新期限：%(d)s", d=data["new_due"]))
    return details


from app.tickets import io_views  # noqa: E402,F401  (the ledger export registers on this blueprint)
