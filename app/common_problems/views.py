"""Staff pages of common problems (共性问题): the list, creating one (from a suggestion: the members and title
come pre-filled), the detail page with members, timeline and one form per action the user may take now.

Views load through visible_common_problems (404 outside scope), call the service, commit once, and on a
refusal roll back and show the page again with what the user typed.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.core.db import utcnow
from app.core.pagination import desc, keyset_page
from app.core.permissions import get_visible_or_404, require
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.reference.models import Department
from app.tickets import forms as ticket_forms
from app.tickets import permissions as ticket_permissions
from app.tickets import suggestions
from app.tickets.models import RATINGS, STATUSES, Ticket
from app.tickets.queries import visible_tickets
from app.tickets.events import event_details, event_label
from app.tickets.errors import TicketActionError
from app.tickets.pages import post_action
from app.tickets.transitions import TRANSITIONS

from app.common_problems import co_departments, forms, permissions, queries, services
from app.common_problems.models import GROUP_STATUSES, UNFINISHED_GROUP_STATUSES, CommonProblem
from app.common_problems.blueprint import bp


def _load(common_problem_id: int) -> CommonProblem:
    require(permissions.can_read_common_problems(current_user))
    return get_visible_or_404(queries.visible_common_problems(current_user), CommonProblem, common_problem_id)


def _ids_arg() -> list[int]:
    raw = request.args.get("ticket_ids", "")
    return [int(x) for x in raw.split(",") if x.strip().isascii() and x.strip().isdigit() and len(x.strip()) < 10][:200]


@bp.route("/")
@login_required
def index():
    require(permissions.can_read_common_problems(current_user))
    status = request.args.get("status") or None
    if status not in (None, "open", "unfinished", *GROUP_STATUSES):
        status = None
    stmt = queries.visible_common_problems(current_user)
    if status == "open":
        stmt = stmt.where(CommonProblem.status.in_(services.OPEN_GROUP_STATUSES))
    elif status == "unfinished":  # 未办结: answered ones still wait for some members' ratings
        stmt = stmt.where(CommonProblem.status.in_(UNFINISHED_GROUP_STATUSES))
    elif status:
        stmt = stmt.where(CommonProblem.status == status)
    co_owing = request.args.get("co_owing") == "1"
    if co_owing:  # 协办待办: a co-department's sign or opinion still to come
        stmt = stmt.where(queries.co_owing_condition(current_user))
    stmt = stmt.options(joinedload(CommonProblem.department))
    page = keyset_page(stmt, (desc(CommonProblem.created_at), desc(CommonProblem.id)))
    counts = queries.counts_for([g.id for g in page.items])
    now = utcnow()
    return render_template(
        "common_problems/index.html", page=page, counts=counts, status=status, now=now, co_owing=co_owing,
        overdue_days=lambda g: overdue_working_days(g.due_at, now) if g.is_overdue(now) else 0,
        statuses=[(s, str(STATUSES[s])) for s in GROUP_STATUSES],
        can_create=permissions.can_create_common_problem(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_create_common_problem(current_user))
    form = forms.CommonProblemForm()
    visible = visible_tickets(current_user)
    if request.method == "GET":
        form.title.data = request.args.get("title", "")[:200]
        form.tickets.data = forms.ticket_numbers(visible, _ids_arg())
    message = None
    if form.validate_on_submit():
        ids, unknown = forms.resolve_numbers(visible, forms.split_numbers(form.tickets.data))
        if unknown:
            form.tickets.errors.append(_("找不到问题：%(numbers)s。", numbers="、".join(unknown)))
        else:
            try:
                group = services.create_common_problem(current_user, title=form.title.data,
                                                       description=form.description.data or "", ticket_ids=ids)
                db.session.commit()
            except TicketActionError as exc:
                db.session.rollback()
                message = exc.message
                for name, text in exc.fields.items():
                    field = {"ticket_ids": form.tickets}.get(name) or form._fields.get(name)
                    if field is not None:
                        field.errors = list(field.errors or []) + [text]
            else:
                flash(_("已创建共性问题 %(number)s，包含 %(n)d 个问题。", number=group.number, n=len(ids)), "success")
                return redirect(url_for("common_problems.detail", common_problem_id=group.id))
    status = 400 if request.method == "POST" else 200
    return render_template("common_problems/form.html", form=form, message=message), status


@bp.route("/<int:common_problem_id>")
@login_required
def detail(common_problem_id: int):
    return _render_detail(_load(common_problem_id))


@bp.route("/<int:common_problem_id>/actions/<action>", methods=["POST"])
@login_required
def act(common_problem_id: int, action: str):
    group = _load(common_problem_id)
    if action not in permissions.GROUP_ACTIONS:
        abort(404)
    return post_action(current_user, group, action, perform=services.perform, page=_render_detail,
                                    reload=lambda: _load(common_problem_id),
                                    done_url=url_for("common_problems.detail", common_problem_id=group.id))


@bp.route("/<int:common_problem_id>/members", methods=["POST"])
@login_required
def add_members(common_problem_id: int):
    group = _load(common_problem_id)
    require(permissions.can_manage_members(current_user, group))
    form = forms.MembersForm()
    if form.validate():
        ids, unknown = forms.resolve_numbers(visible_tickets(current_user), forms.split_numbers(form.tickets.data))
        if unknown:
            form.tickets.errors.append(_("找不到问题：%(numbers)s。", numbers="、".join(unknown)))
        else:
            try:
                added = services.add_members(current_user, group, ids)
                db.session.commit()
            except TicketActionError as exc:
                db.session.rollback()
                form.tickets.errors.append(exc.message)
                return _render_detail(_load(common_problem_id), members_form=form, message=exc.message,
                                      status=exc.status)
            flash(_("已加入 %(n)d 个问题。", n=len(added)), "success")
            back = request.form.get("back_to_ticket", type=int)
            if back and len(added) == 1 and added[0].id == back:
                return redirect(url_for("tickets.detail", ticket_id=back))
            return redirect(url_for("common_problems.detail", common_problem_id=group.id))
    return _render_detail(group, members_form=form, message=_("请检查填写的内容。"), status=400)


@bp.route("/<int:common_problem_id>/members/<int:ticket_id>/remove", methods=["POST"])
@login_required
def remove_member(common_problem_id: int, ticket_id: int):
    group = _load(common_problem_id)
    require(permissions.can_manage_members(current_user, group))
    form = forms.RemoveMemberForm()
    if not form.validate():
        return _render_detail(group, message=_("请检查填写的内容。"), status=400)
    ticket = get_visible_or_404(visible_tickets(current_user).where(Ticket.common_problem_id == group.id),
                                Ticket, ticket_id)
    try:
        services.remove_member(current_user, group, ticket)
        db.session.commit()
    except TicketActionError as exc:
        db.session.rollback()
        return _render_detail(_load(common_problem_id), message=exc.message, status=exc.status)
    flash(_("问题 %(number)s 已移出，恢复单独办理。", number=ticket.number), "success")
    return redirect(url_for("common_problems.detail", common_problem_id=group.id))


def _render_detail(group: CommonProblem, *, failed=None, members_form=None, message=None, status=200):
    now = utcnow()
    members = queries.members(group)
    actions = permissions.allowed_actions(current_user, group)
    action_forms = {a: ticket_forms.action_form(a, group) for a in actions}
    department_suggestions = (suggestions.department_suggestions(members[0])
                              if "dispatch" in actions and members else [])
    if department_suggestions:
        action_forms["dispatch"].department_id.data = department_suggestions[0].department.id
    if failed is not None:
        action, form = failed
        form.version.data = group.version
        if action in action_forms:
            action_forms[action] = form
    events = db.session.scalars(queries.timeline(group)).all()
    department = db.session.get(Department, group.department_id) if group.department_id else None
    return render_template(
        "common_problems/detail.html", group=group, members=members, now=now, actions=actions,
        action_forms=action_forms, failed_action=failed[0] if failed else None, message=message,
        action_labels={a: str(t.label) for a, t in TRANSITIONS.items()}, events=events, department=department,
        department_suggestions=department_suggestions, ratings=RATINGS,
        overdue_days=overdue_working_days(group.due_at, now) if group.is_overdue(now) else 0,
        can_manage=permissions.can_manage_members(current_user, group),
        can_view_member=lambda t: ticket_permissions.can_view_ticket(current_user, t),
        members_form=members_form or forms.MembersForm(formdata=None),
        remove_form=forms.RemoveMemberForm(formdata=None),
        event_label=event_label, event_details=event_details,
        companies=len({t.company_id for t in members}),
        co_rows=co_departments.rows(group), my_co_row=co_departments.row_of(current_user, group),
        awaited_co=co_departments.awaited(group, now) if group.status == "in_progress" else [],
    ), status
