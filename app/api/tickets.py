"""Problems (tickets) through the API: the pages' scoping, rules and state machine, as JSON.

Every rule lives in app.tickets (visible_tickets, permissions, services.perform); this
module only parses requests, calls them, and shapes the answers.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from app.api import answers
from app.api.blueprint import operation
from app.api.common import (
    current_api_user, fail, get_or_404, json_body, paginate_by_id, parse_payload, parse_query, perform_action, refused,
)
from app.companies.models import Company
from app.companies.queries import visible_companies
from app.core.db import utcnow
from app.core.pagination import decode_token, keyset_page
from app.core.timeutil import local_date
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.search import queries as search_queries
from app.core.payloads import Paging, PayloadError
from app.tickets import permissions, queries, schemas, services, suggestions, tags
from app.tickets.models import ExtensionRequest, Ticket, TicketEvent
from app.tickets.services import TicketActionError


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_json(ticket: Ticket, user, *, pending: ExtensionRequest | None, now: datetime,
                tag_names: list[str] | None = None) -> dict:
    """The ticket object of the API (answers.Ticket), plus a few fields the pages show.

    Needs ticket.company loaded (the escort relation reads it) and the ticket's pending
    extension request (or None) so that allowed_actions runs no query. `tag_names`: the
    problem's tags (staff only; companies always get an empty list).
    """
    overdue = ticket.is_overdue(now)
    staff = permissions.can_view_internal(user, ticket)
    return answers.Ticket.of(**{
        "id": ticket.id,
        "number": ticket.number,
        "company_id": ticket.company_id,
        "company_name": ticket.company.name,
        "title": ticket.title,
        "description": ticket.description,
        "category": ticket.category,
        "source": ticket.source,
        "urgency": ticket.urgency,
        "complexity": ticket.complexity,
        "status": ticket.status,
        "escort_id": ticket.escort_id,
        "department_id": ticket.department_id,
        "helper_id": ticket.helper_id,
        "created_at": _iso(ticket.created_at),
        "due_at": _iso(ticket.due_at),
        "overdue": overdue,
        "overdue_days": overdue_working_days(ticket.due_at, now) if overdue else 0,
        "accept_due_at": _iso(ticket.accept_due_at),
        "sign_due_at": _iso(ticket.sign_due_at),
        "reply_due_at": _iso(ticket.reply_due_at),
        "replied_at": _iso(ticket.replied_at),
        "reply_message": ticket.reply_message or None,
        "closed_at": _iso(ticket.closed_at),
        "supervision": ticket.supervision,
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment or None,
        "reopen_count": ticket.reopen_count,
        "paused": ticket.paused_at is not None,
        "paused_at": _iso(ticket.paused_at),
        "pause_reason": ticket.pause_reason or None,
        "version": ticket.version,
        "tags": list(tag_names or ()) if staff else [],
        "pending_extension": answers.PendingExtension.of(
            new_due=local_date(pending.new_due_at).isoformat(),
            reason=pending.reason,
            requested_at=_iso(pending.requested_at),
            requested_by_id=pending.requested_by_id,
        ) if pending is not None and staff else None,
        "allowed_actions": permissions.allowed_actions(user, ticket, pending_extension=pending),
        "co_departments": [co_department_json(row, now) for row in permissions.open_co_departments(ticket)]
        if staff else None,
    })


def co_department_json(row, now: datetime) -> dict:
    """One 协办 co-department of the current dispatch (needs row.department loaded: queries.load_co_departments)."""
    return answers.CoDepartment.of(**{
        "department": {"id": row.department.id, "name": row.department.name},
        "sign_due_at": _iso(row.sign_due_at), "signed_at": _iso(row.signed_at), "signed_on_time": row.signed_on_time,
        "opinion_due_at": _iso(row.opinion_due_at), "opinion_at": _iso(row.opinion_at),
        "opinion_on_time": row.opinion_on_time, "opinion": row.opinion or None, "overdue": row.is_overdue(now),
        # awaiting_sign → signed → opinion_given; opinion_overdue: no opinion and its deadline passed (the lead
        # may then reply without it).
        "state": "opinion_given" if row.opinion_at else "signed" if row.signed_at else "awaiting_sign",
        "opinion_overdue": row.opinion_overdue(now),
    })


def _pending_by_ticket(ticket_ids) -> dict[int, ExtensionRequest]:
    """The pending extension request of each of these tickets, in one query."""
    if not ticket_ids:
        return {}
    rows = db.session.scalars(sa.select(ExtensionRequest).where(
        ExtensionRequest.ticket_id.in_(ticket_ids), ExtensionRequest.status == "pending"))
    return {row.ticket_id: row for row in rows}


def _tags_by_ticket(ticket_ids, user) -> dict[int, list[str]]:
    """Each problem's tags in one query; none for company users (tags are for staff)."""
    return tags.tags_by_ticket(ticket_ids) if permissions.can_use_staff_problem_pages(user) else {}


def _one_ticket_json(ticket: Ticket, user) -> dict:
    pending = db.session.scalars(queries.pending_extension(ticket)).first()
    queries.load_co_departments([ticket])
    tag_names = _tags_by_ticket([ticket.id], user).get(ticket.id)
    return ticket_json(ticket, user, pending=pending, now=utcnow(), tag_names=tag_names)


def event_json(event: TicketEvent, actor, attachments=()) -> dict:
    return answers.TicketEvent.of(**{
        "id": event.id,
        "at": _iso(event.at),
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "body": event.body,
        "public": event.public,
        "actor": {"id": actor.id, "name": actor.name, "role": actor.role} if actor is not None else None,
        "data": event.data,
        "attachments": [
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in attachments
        ],
    })


def _visible_ticket_or_404(ticket_id: int, user, *, history: bool = False) -> Ticket:
    """history: the reads also open an escort's problems of companies they served before."""
    return get_or_404(queries.with_detail_loads(queries.visible_tickets(user, history=history)), Ticket, ticket_id)


# ---------------------------------------------------------------- reads

@operation(
    "GET", "/tickets", "listTickets", tag="tickets", summary="问题列表 · List tickets",
    description=(
        "可见范围内的问题：管理者全部；陪跑员为其陪跑企业的；部门为交办本部门的；企业用户为本企业的。\n\n"
        "Problems in the caller's scope: all for managers, their companies' for escorts, the department's "
        "for helpers, its own for a company user."),
    query=schemas.TicketListQuery, answer=answers.Ticket, errors=(400,),
)
def list_tickets():
    user = current_api_user()
    args = parse_query(schemas.TicketListQuery)
    now = utcnow()
    tag = args.tag.strip()
    if tag and not permissions.can_use_staff_problem_pages(user):  # tags are internal: a company may not probe which of its problems carry one
        fail(400, _("提交的数据有误。"), "validation_error", {"tag": _("只有工作人员可以按标签筛选。")})
    search = search_queries.Search(user, args.q, db.session)
    stmt = queries.with_list_loads(queries.filter_tickets(
        queries.visible_tickets(user), user, now=now, status=args.status, category=args.category,
        company_id=args.company_id, department_id=args.department_id, overdue=args.overdue, tag=tag or None,
    ))

    def serialize_page(tickets):
        pending = _pending_by_ticket([t.id for t in tickets])
        queries.load_co_departments(tickets)
        tag_names = _tags_by_ticket([t.id for t in tickets], user)
        return [ticket_json(t, user, pending=pending.get(t.id), now=now, tag_names=tag_names.get(t.id))
                for t in tickets]

    if search:
        return _ranked_search_page(stmt, search, args, serialize_page)
    return paginate_by_id(stmt, Ticket, args, serialize_page=serialize_page)


def _ranked_search_page(stmt, search, paging: Paging, serialize_page) -> dict:
    """A search's results by relevance (number or title matches first, then the rest, newest first
    within each), paged by keyset across the two tiers; the cursor is the list pages' token."""
    cursor = paging.cursor
    segments = search.segments(stmt, after=cursor or None, per_page=paging.limit)
    if cursor and decode_token(cursor, segments) is None:
        fail(400, _("cursor 参数无效。"), "bad_request", {"cursor": _("无效的游标。")})
    page = keyset_page(stmt, segments=segments, per_page=paging.limit, after=cursor, before=None, count_cap=None)
    return {"items": serialize_page(page.items), "next_cursor": page.next_token}


@operation(
    "GET", "/tickets/<int:ticket_id>", "getTicket", tag="tickets", summary="一个问题 · One ticket",
    description=(
        "问题详情，含调用者此刻可执行的操作（allowed_actions）和 version。\n\n"
        "The ticket, with the actions the caller may take now (allowed_actions) and its version."),
    answer=answers.Ticket, errors=(400,),
)
def get_ticket(ticket_id: int):
    user = current_api_user()
    parse_query()
    return _one_ticket_json(_visible_ticket_or_404(ticket_id, user, history=True), user)


@operation(
    "GET", "/tickets/<int:ticket_id>/events", "listTicketEvents", tag="tickets", summary="问题时间线 · Ticket timeline",
    description=(
        "按时间顺序的事件；企业用户只看到公开事件。\n\nEvents in order; company users see public events only."),
    query=Paging, answer=answers.TicketEvent, errors=(400,),
)
def list_ticket_events(ticket_id: int):
    user = current_api_user()
    page = parse_query(Paging)
    ticket = _visible_ticket_or_404(ticket_id, user, history=True)
    stmt = queries.timeline(ticket, include_internal=permissions.can_view_internal(user, ticket))

    def serialize(event):
        shown = [a for a in event.attachments if permissions.can_download_attachment(user, ticket, a)]
        return event_json(event, event.actor, shown)

    return paginate_by_id(stmt, TicketEvent, page, serialize)


@operation(
    "GET", "/tickets/<int:ticket_id>/similar", "listSimilarTickets", tag="tickets", summary="相似问题 · Similar problems",
    description=(
        "调用者可见范围内与该问题最相似的至多 5 个问题（跨企业），含状态、承办部门和答复；仅工作人员（企业用户 403）。"
        "候选由全文索引找出，再按标题和描述的字符 n-gram TF-IDF 余弦相似度排序。\n\n"
        "The (at most 5) problems most like this one within the caller's scope (across companies), with their state, "
        "department and answer; staff only (403 for company users). Candidates come from the full-text "
        "index, ranked by the character n-gram TF-IDF cosine of title and description."),
    answer=answers.SimilarTickets, errors=(400, 403),
)
def list_similar_tickets(ticket_id: int):
    """The problems most like this one within the caller's scope, best first (staff only)."""
    user = current_api_user()
    parse_query()
    ticket = _visible_ticket_or_404(ticket_id, user)
    if not permissions.can_use_staff_problem_pages(user):
        fail(403, _("仅工作人员可以查看相似问题。"), "forbidden")
    found = queries.similar_problems(user, ticket)
    now = utcnow()
    pending = _pending_by_ticket([item.ticket.id for item in found])
    queries.load_co_departments([item.ticket for item in found])
    tag_names = _tags_by_ticket([item.ticket.id for item in found], user)
    return answers.SimilarTickets.of(items=[
        {"ticket": ticket_json(item.ticket, user, pending=pending.get(item.ticket.id), now=now,
                               tag_names=tag_names.get(item.ticket.id)),
         "score": item.score} for item in found])


@operation(
    "GET", "/tickets/<int:ticket_id>/department-suggestions", "listDepartmentSuggestions", tag="tickets",
    summary="建议承办部门 · Department suggestions",
    description=(
        "至多 3 个建议承办部门，附 0..1 的分数和理由，最佳在前；仅管理者和管理员（其他角色 403）。依据：经办人退回时建议的部门、"
        "已交办的相似问题最终由哪个部门办理（按相似度加权）、同类问题由哪个部门办理（相似问题少时权重更大）；"
        "历史交办足够且经检验优于按类别计数时，分数来自按历史交办训练的部门模型（flask tickets train-departments）。\n\n"
        "At most 3 suggested departments with a score 0..1 and the reason, best first; managers and admins only "
        "(403 otherwise). Evidence: the department a helper suggested when returning the problem, the departments "
        "that kept dispatched similar problems (weighted by similarity), and the category's history (weighing more "
        "while similar problems are few); once history suffices and it beat the category counts on held-out history, "
        "the score comes from the department model trained on past dispatches (flask tickets train-departments)."),
    answer=answers.DepartmentSuggestions, errors=(400, 403),
)
def list_department_suggestions(ticket_id: int):
    """The departments best placed to handle this problem, with a score and why (managers, admins)."""
    user = current_api_user()
    parse_query()
    ticket = _visible_ticket_or_404(ticket_id, user)
    if not permissions.can_see_department_suggestions(user):
        fail(403, _("仅管理者可以查看交办建议。"), "forbidden")
    return answers.DepartmentSuggestions.of(items=[
        {"department": {"id": s.department.id, "name": s.department.name}, "score": s.score, "reason": s.reason}
        for s in suggestions.department_suggestions(ticket)])


# ---------------------------------------------------------------- writes

def _company_for_new_ticket(user, data) -> Company:
    """A company user files for its own company (any company_id is ignored); staff name one they serve."""
    if permissions.files_for_own_company(user):
        company = db.session.scalars(visible_companies(user)).first()
        if company is None:
            fail(403, _("您的账号未关联企业，不能提交问题。"), "forbidden")
        return company
    raw = data.get("company_id")
    if raw is None or raw == "":
        fail(400, _("提交的数据有误。"), "validation_error", {"company_id": _("请选择企业。")})
    company_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        company_id = int(raw.strip())
    company = None
    if company_id is not None and 0 < company_id < 2**31:
        company = db.session.scalars(visible_companies(user).where(Company.id == company_id)).first()
    if company is None:
        fail(400, _("提交的数据有误。"), "validation_error", {"company_id": _("企业不存在或不在您的服务范围内。")})
    return company


@operation(
    "POST", "/tickets", "createTicket", tag="tickets", summary="提交问题 · Create a ticket",
    description=(
        "企业用户为本企业提交（company_id 忽略）；陪跑员为其陪跑的企业、管理者为任一企业代报（company_id 必填）。"
        "返回新问题：来源 portal、hotline 的为 submitted（待受理）；来源 visit、escort（陪跑员收集）的由提交人"
        "当即受理，为 accepted（时间线 collect：走访收集并受理），没有受理时限。\n\n"
        "A company user files for its own company (company_id is ignored); an escort for a company they serve, "
        "a manager for any (company_id required). Returns the new ticket: status submitted for sources portal and "
        "hotline; for sources visit and escort (collected by the escort) accepted at once by the filer (timeline "
        "event collect), with no acceptance deadline."),
    answer=answers.Ticket, status=201, errors=(400, 403, 413, 415), body=schemas.TicketCreate,
    example={"company_id": 7, "title": "厂房用电增容审批慢", "description": "申请增容三个月没有进展。",
             "category": "energy", "urgency": "urgent"},
)
def create_ticket():
    user = current_api_user()
    data = json_body()
    company = _company_for_new_ticket(user, data)
    if not permissions.can_create_ticket_for(user, company):
        fail(403, _("您不能为该企业提交问题。"), "forbidden")
    new, errors = services.validate_new_ticket(data, allowed_sources=services.sources_for(user))
    if errors:
        fail(400, _("提交的数据有误。"), "validation_error", errors)
    try:
        ticket = services.submit_ticket(user, company, new)
    except TicketActionError as error:
        refused(error)
    set_committed_value(ticket, "company", company)  # loaded already: the answer needs no query for it
    body = ticket_json(ticket, user, pending=None, now=utcnow())
    db.session.commit()
    return body, 201


@operation(
    "POST", "/tickets/<int:ticket_id>/comments", "addTicketComment", tag="tickets", summary="留言或内部备注 · Comment",
    description=(
        "公开留言（企业可见）；工作人员可写内部备注（internal: true），企业用户不能。\n\n"
        "A public comment (the company sees it); staff may write an internal note (internal: true), company "
        "users may not (403)."),
    answer=answers.TicketEvent, status=201, errors=(400, 403, 413, 415), body=schemas.CommentCreate,
    example={"body": "已电话联系企业，了解详细情况。", "internal": False},
)
def add_ticket_comment(ticket_id: int):
    user = current_api_user()
    ticket = _visible_ticket_or_404(ticket_id, user)
    data = json_body()
    internal = data.get("internal", False)
    try:
        payload = schemas.CommentCreate.parse(data)
    except PayloadError as error:
        if set(error.fields) == {"body"}:  # the refusals come first (403: no comment, no internal note here)
            try:
                services.check_comment(user, ticket, internal=internal is True)
            except TicketActionError as refusal:
                refused(refusal)
        fail(400, _("提交的数据有误。"), "validation_error", error.fields)
    try:
        event = services.add_comment(user, ticket, body=payload.body, internal=payload.internal)
    except TicketActionError as error:
        refused(error)
    body = event_json(event, user)
    db.session.commit()
    return body, 201


@operation(
    "POST", "/tickets/<int:ticket_id>/actions", "performTicketAction", tag="tickets",
    summary="执行操作 · Perform an action",
    description=(
        "按状态机执行一个操作，带上问题当前的 version。角色不能执行此操作为 403；当前状态不允许或 version 过期为 409；"
        "字段有误为 400。返回更新后的问题。\n\n"
        "Runs one state-machine action, with the ticket's current version. 403 when the role may never take "
        "it; 409 when the state does not allow it or the version is stale; 400 for bad fields. Returns the "
        "updated ticket."),
    answer=answers.Ticket, errors=(400, 403, 409, 413, 415), body="TicketAction",
    example={"action": "dispatch", "version": 3, "department_id": 4, "complexity": "ordinary"},
)
def perform_ticket_action(ticket_id: int):
    user = current_api_user()
    ticket = _visible_ticket_or_404(ticket_id, user)
    return perform_action(services.perform, user, ticket, lambda ticket: _one_ticket_json(ticket, user),
                          version_message=_("请提供问题的当前版本号（version）。"))


# ---------------------------------------------------------------- tags

def _taggable_ticket_or_error(ticket_id: int, user) -> Ticket:
    """The problem (404 outside scope) if the caller may tag it (403: companies never see tags)."""
    ticket = _visible_ticket_or_404(ticket_id, user)
    if not permissions.can_tag_ticket(user, ticket):
        fail(403, _("只有工作人员可以为问题添加或删除标签。"), "forbidden")
    return ticket


def _tags_answer(ticket: Ticket) -> dict:
    return answers.TicketTags.of(ticket_id=ticket.id, tags=tags.ticket_tags(ticket))


@operation(
    "POST", "/tickets/<int:ticket_id>/tags", "addTicketTag", tag="tickets", summary="添加标签 · Add a tag",
    description=(
        "服务该问题的工作人员添加标签（与问题页相同：规范化后去重，每个问题最多 10 个，已有的不重复添加）；企业用户 403，"
        "超过 10 个为 409。返回问题的全部标签。\n\n"
        "Staff serving the problem add a tag (as on the page: normalised, no duplicates, at most 10 a problem; "
        "adding one already there changes nothing). 403 for company users, 409 past 10 tags. Returns all the "
        "problem's tags."),
    answer=answers.TicketTags, status=201, errors=(400, 403, 409, 413, 415), body=schemas.TagCreate,
    example={"name": "用工"},
)
def add_ticket_tag(ticket_id: int):
    """Add one tag (normalised as on the page; adding one already there changes nothing)."""
    user = current_api_user()
    ticket = _taggable_ticket_or_error(ticket_id, user)
    payload = parse_payload(schemas.TagCreate)
    try:
        tags.add_tag(user, ticket, payload.name)
    except TicketActionError as error:
        refused(error)
    db.session.flush()
    body = _tags_answer(ticket)
    db.session.commit()
    return body, 201


@operation(
    "DELETE", "/tickets/<int:ticket_id>/tags", "removeTicketTag", tag="tickets", summary="删除标签 · Remove a tag",
    description=(
        "删除 ?name= 指定的标签（规范化后比较）；问题没有该标签为 404；企业用户 403。返回剩余的标签。\n\n"
        "Removes the tag named by ?name= (compared after normalising); 404 when the problem does not carry it; "
        "403 for company users. Returns the remaining tags."),
    query=schemas.TagRemoveQuery, answer=answers.TicketTags, errors=(400, 403),
)
def remove_ticket_tag(ticket_id: int):
    """Remove the tag given as ?name= (404 when the problem does not carry it)."""
    user = current_api_user()
    args = parse_query(schemas.TagRemoveQuery)
    ticket = _taggable_ticket_or_error(ticket_id, user)
    try:
        tags.remove_tag(user, ticket, args.name)
    except TicketActionError as error:
        refused(error)
    db.session.flush()
    body = _tags_answer(ticket)
    db.session.commit()
    return body
