"""Every change to a common problem (共性问题): create, add and remove members, and its handling actions.

The handling actions are the ticket actions (dispatch, sign, return, reply, request_extension,
decide_extension, supervise), checked against the same transitions table: the common problem
moves to the state the table names, and each member problem follows it on its own timeline
(internal events: the company never sees the group). One department, one dispatch record, one
working-day clock — the members' own clocks are suspended while they are grouped. The reply
reaches every member: each becomes 已答复 with the reply, its company is notified and rates it on
its own (app.tickets.services.rate); 不满意 reopens that member alone, detached from the group.

Like app.tickets.services: flush, never commit; a refusal raises TicketActionError and the caller
rolls back.
"""
from collections import Counter
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.core import audit
from app.core.db import utcnow
from app.core.timeutil import end_of_local_day, local_date
from app.core.workdays import deadline_after, working_days_between
from app.extensions import db
from app.settings.sla import get_sla
from app.tickets import co_departments as ticket_co
from app.tickets import schemas as ticket_schemas
from app.tickets import services as ticket_services
from app.tickets.models import SUPERVISION_LEVELS, Ticket
from app.tickets.queries import visible_tickets
from app.tickets.services import TicketActionError
from app.tickets.transitions import TRANSITIONS, target_state

from app.common_problems import permissions
from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem, CommonProblemEvent
from app.common_problems.schemas import MAX_MEMBERS, MIN_MEMBERS
from app.tickets.models import OPEN_STATES


def PAUSE_REFUSED() -> str:  # noqa: N802  (a message, in the user's language at the time it is shown)
    """Why a common problem is never paused: one clock serves every member company, so waiting for one
    company's documents would stop the answer to all the others (DESIGN: handled once, one clock)."""
    return _("共性问题不能暂停计时：一个时钟服务所有成员企业，等一家企业的材料会耽误其他企业。"
             "请先将需要补充材料的问题移出共性问题，再对该问题单独暂停计时。")


def _label(action: str) -> str:
    return str(TRANSITIONS[action].label)


def _event(common_problem, actor, kind, *, now, from_status=None, to_status=None, body="", data=None):
    event = CommonProblemEvent(common_problem_id=common_problem.id, actor_id=getattr(actor, "id", None), kind=kind,
                               at=now, from_status=from_status, to_status=to_status, body=body, data=data)
    db.session.add(event)
    return event


def members_of(common_problem) -> list[Ticket]:
    return db.session.scalars(
        sa.select(Ticket).where(Ticket.common_problem_id == common_problem.id).order_by(Ticket.id)).all()


# The group's clock that each member shows while grouped: lists, filters, the dashboard and the ledger read a
# member's deadline from the ticket, so a late group makes each of its member problems late (and a member
# never runs a clock of its own meanwhile: the sweep, the department ranking and deadline recomputation
# count the group once, app.common_problems.sweep).
MIRRORED = ("due_at", "sign_due_at", "reply_due_at")


def sync_members(common_problem, members=None) -> None:
    """Each member problem still handled by the group takes the group's deadlines (before the reply only;
    the reply gives each member its own rating clock)."""
    if common_problem.status not in OPEN_GROUP_STATUSES:
        return
    for member in members if members is not None else members_of(common_problem):
        if member.status in OPEN_GROUP_STATUSES:
            for column in MIRRORED:
                value = getattr(common_problem, column)
                if getattr(member, column) != value:
                    setattr(member, column, value)


def member_finished(actor, ticket: Ticket, *, now: datetime, group_id: int | None = None) -> None:
    """A member problem was closed (rated, auto-closed) or left its group after the reply: once no member is
    still open, the answered common problem is 已办结 and leaves the open lists."""
    group_id = group_id or ticket.common_problem_id
    if group_id is None:
        return
    common_problem = db.session.get(CommonProblem, group_id)
    if common_problem is None or common_problem.status != "replied":
        return
    still_open = db.session.scalar(
        sa.select(sa.func.count()).select_from(Ticket).where(
            Ticket.common_problem_id == common_problem.id, Ticket.status.in_(OPEN_STATES), Ticket.id != ticket.id))
    if ticket.common_problem_id == common_problem.id and ticket.status in OPEN_STATES:
        still_open += 1
    if still_open:
        return
    rated = db.session.execute(
        sa.select(Ticket.rating, sa.func.count()).where(Ticket.common_problem_id == common_problem.id)
        .group_by(Ticket.rating)).all()
    common_problem.status = "closed"
    common_problem.closed_at = now
    common_problem.due_at = None
    common_problem.updated_at = now
    summary = {str(rating or "auto"): n for rating, n in rated}
    _event(common_problem, actor, "close", now=now, from_status="replied", to_status="closed",
           body=_("全部成员问题已办结（评价或自动办结）或已脱离，共性问题办结。"), data={"ratings": summary})
    audit.record("common_problem_close", common_problem, actor=actor, before={"status": "replied"},
                 after={"status": "closed", "ratings": summary})


def _text(value, field: str, message: str, *, limit: int = 5000, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise TicketActionError(message, 400, {field: message})
    if len(text) > limit:
        too_long = _("最多 %(n)d 字。", n=limit)
        raise TicketActionError(too_long, 400, {field: too_long})
    return text


# ---------------------------------------------------------------- members

def _load_members(actor, ticket_ids) -> list[Ticket]:
    """The problems named, each visible to `actor` and free to join; refused by field otherwise."""
    if not isinstance(ticket_ids, list) or not ticket_ids or len(ticket_ids) > MAX_MEMBERS or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ticket_ids):
        message = _("请选择要合并的问题（问题编号列表）。")
        raise TicketActionError(message, 400, {"ticket_ids": message})
    ids = list(dict.fromkeys(ticket_ids))
    tickets = db.session.scalars(visible_tickets(actor).where(Ticket.id.in_(ids)).order_by(Ticket.id)).all()
    missing = set(ids) - {t.id for t in tickets}
    if missing:
        message = _("找不到问题：%(ids)s。", ids="、".join(str(i) for i in sorted(missing)))
        raise TicketActionError(message, 400, {"ticket_ids": message})
    refused = [t for t in tickets if not permissions.can_join(t)]
    if refused:
        message = _("以下问题不能并入共性问题（已交办部门、已答复或已办结、暂停计时中，或已属于其他共性问题）：%(numbers)s。",
                    numbers="、".join(t.number for t in refused))
        raise TicketActionError(message, 400, {"ticket_ids": message})
    return tickets


def _join(actor, common_problem, ticket: Ticket, *, now: datetime) -> None:
    """The member's own handling stops: its state follows the group, its own clock is suspended."""
    ticket.common_problem_id = common_problem.id
    ticket.common_joined_at = now
    ticket.common_prior_status = ticket.status
    ticket.common_prior_due_at = ticket.due_at
    ticket.due_at = None
    ticket_services.move_ticket(ticket, actor, "join_common", now=now, to_status=common_problem.status, public=False,
                          body=_("并入共性问题 %(number)s，统一办理。", number=common_problem.number),
                          data={"common_problem_id": common_problem.id, "common_problem": common_problem.number})
    sync_members(common_problem, [ticket])


def _shift(value, days):
    return ticket_services.shift_deadline(value, days)


def _leave(actor, common_problem, ticket: Ticket, *, now: datetime, body: str, to_status: str | None = None) -> None:
    """The member leaves the group: back to its own flow (its state before joining, its clock moved on by
    the working days it was grouped), unless `to_status` says where it goes."""
    days = max(working_days_between(local_date(ticket.common_joined_at or now), local_date(now)), 0)
    if to_status is None:
        to_status = ticket.common_prior_status or ticket.status
        ticket.due_at = _shift(ticket.common_prior_due_at, days)
        # The group's dispatch was not the member's own: it goes back to where it was, without those deadlines.
        ticket.sign_due_at = ticket.reply_due_at = None
    ticket.common_problem_id = None
    ticket.common_joined_at = None
    ticket.common_prior_status = None
    ticket.common_prior_due_at = None
    ticket_services.move_ticket(ticket, actor, "leave_common", now=now, to_status=to_status, public=False, body=body,
                          data={"common_problem_id": common_problem.id, "common_problem": common_problem.number,
                                "grouped_days": days})


def create_common_problem(actor, *, title, description="", ticket_ids, now=None) -> CommonProblem:
    """Group open problems (at least two) under a new common problem, 待交办, numbered GX-<year>-<id>."""
    now = now or utcnow()
    if not permissions.can_create_common_problem(actor):
        raise TicketActionError(_("仅管理者可以创建共性问题。"), 403)
    errors = {}
    try:
        title = _text(title, "title", _("请填写共性问题标题。"), limit=200)
    except TicketActionError as exc:
        errors.update(exc.fields)
    try:
        description = _text(description, "description", "", required=False)
    except TicketActionError as exc:
        errors.update(exc.fields)
    try:
        tickets = _load_members(actor, ticket_ids)
        if len(tickets) < MIN_MEMBERS:
            message = _("共性问题至少包含 %(n)d 个问题。", n=MIN_MEMBERS)
            raise TicketActionError(message, 400, {"ticket_ids": message})
    except TicketActionError as exc:
        errors.update(exc.fields)
    if errors:
        raise TicketActionError(next(iter(errors.values())), 400, errors)
    category = Counter(t.category for t in tickets).most_common(1)[0][0]
    urgency = "urgent" if any(t.urgency == "urgent" for t in tickets) else "ordinary"
    common_problem = CommonProblem(number=f"GX-{local_date(now).year}-TMP{tickets[0].id}", title=title,
                                   description=description, category=category, urgency=urgency, status="escalated",
                                   created_by_id=actor.id, created_at=now, updated_at=now,
                                   due_at=deadline_after(now, get_sla().accept_days))
    db.session.add(common_problem)
    db.session.flush()
    common_problem.number = f"GX-{local_date(now).year}-{common_problem.id:05d}"
    _event(common_problem, actor, "create", now=now, to_status="escalated",
           data={"ticket_ids": [t.id for t in tickets]})
    for ticket in tickets:
        _join(actor, common_problem, ticket, now=now)
    audit.record("common_problem_create", common_problem, actor=actor,
                 after={"number": common_problem.number, "ticket_ids": [t.id for t in tickets]})
    db.session.flush()
    return common_problem


def check_manage_members(actor, common_problem: CommonProblem) -> None:
    """Refuse unless `actor` may change the members now (403 for the role, 409 once answered)."""
    if not permissions.can_manage_members(actor, common_problem):
        if permissions.can_create_common_problem(actor):  # a manager: refused by the state
            raise TicketActionError(_("共性问题已答复，不能再加入问题。"), 409)
        raise TicketActionError(_("仅管理者可以调整共性问题的成员。"), 403)


def add_members(actor, common_problem: CommonProblem, ticket_ids, *, now=None) -> list[Ticket]:
    """Add open problems to a common problem that is not yet answered; they take its state."""
    now = now or utcnow()
    check_manage_members(actor, common_problem)
    tickets = _load_members(actor, ticket_ids)
    for ticket in tickets:
        _join(actor, common_problem, ticket, now=now)
    _event(common_problem, actor, "add_members", now=now, body="、".join(t.number for t in tickets),
           data={"ticket_ids": [t.id for t in tickets]})
    audit.record("common_problem_add_members", common_problem, actor=actor, after={"ticket_ids": [t.id for t in tickets]})
    common_problem.updated_at = now  # bumps the version: a form showing the old members notices
    db.session.flush()
    return tickets


def remove_member(actor, common_problem: CommonProblem, ticket: Ticket, *, now=None) -> Ticket:
    """Take a member out before the reply: it returns to its own flow, in the state it had when it joined."""
    now = now or utcnow()
    if not permissions.can_manage_members(actor, common_problem):
        if permissions.can_create_common_problem(actor):  # a manager: refused by the state
            raise TicketActionError(_("共性问题已答复，不能再移出问题。"), 409)
        raise TicketActionError(_("仅管理者可以调整共性问题的成员。"), 403)
    if ticket.common_problem_id != common_problem.id:
        raise TicketActionError(_("该问题不属于这个共性问题。"), 409)
    others = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.common_problem_id == common_problem.id, Ticket.id != ticket.id))
    if not others:
        raise TicketActionError(_("这是共性问题的最后一个问题，不能移出：共性问题至少保留一个问题。"), 409)
    _leave(actor, common_problem, ticket, now=now,
           body=_("移出共性问题 %(number)s，恢复单独办理。", number=common_problem.number))
    _event(common_problem, actor, "remove_member", now=now, body=ticket.number, data={"ticket_id": ticket.id})
    audit.record("common_problem_remove_member", common_problem, actor=actor, after={"ticket_id": ticket.id})
    common_problem.updated_at = now
    db.session.flush()
    return ticket


def detach_unsatisfied(actor, ticket: Ticket, *, now: datetime, comment: str) -> None:
    """A member rated 不满意 is reopened alone (app.tickets.services.rate has moved it): it leaves its group,
    with a note on both timelines; the department handles it on its own from here."""
    common_problem = db.session.get(CommonProblem, ticket.common_problem_id)
    ticket.common_problem_id = None
    ticket.common_joined_at = None
    ticket.common_prior_status = None
    ticket.common_prior_due_at = None
    ticket_services.add_event(ticket, actor, "leave_common", now=now, public=False,
                           body=_("评价不满意，已脱离共性问题 %(number)s，单独重新办理。", number=common_problem.number),
                           data={"common_problem_id": common_problem.id, "common_problem": common_problem.number})
    _event(common_problem, actor, "member_reopened", now=now, body=comment,
           data={"ticket_id": ticket.id, "number": ticket.number})
    member_finished(actor, ticket, now=now, group_id=common_problem.id)


# ---------------------------------------------------------------- the handling actions

def _check(actor, common_problem: CommonProblem, action: str, version) -> None:
    """Refuse unless `actor` may take `action` now (permissions.require_action: the rules can_act answers
    with) and the caller saw the group's current version."""
    permissions.require_action(actor, common_problem, action)
    ticket_services.check_version(common_problem, version, TicketActionError(
        _("该共性问题已被他人修改，请查看最新内容后重试。"), 409, code="stale_version"))


def _step(actor, common_problem, action, *, now, body="", data=None) -> None:
    """The common problem moves as the transitions table says; each member follows (internal events)."""
    before = common_problem.status
    common_problem.status = target_state(action, before)
    common_problem.updated_at = now
    _event(common_problem, actor, action, now=now, from_status=before, to_status=common_problem.status, body=body,
           data=data)
    audit.record(f"common_problem_{action}", common_problem, actor=actor, before={"status": before},
                 after={"status": common_problem.status, **(data or {})})
    members = members_of(common_problem)
    if common_problem.status != before:
        for member in members:
            ticket_services.move_ticket(member, actor, action, now=now, to_status=common_problem.status, public=False,
                                  data={**(data or {}), "common_problem_id": common_problem.id,
                                        "common_problem": common_problem.number})
    sync_members(common_problem, members)


def dispatch(actor, common_problem, *, department_id: int, helper_id: int | None = None, complexity: str = "ordinary",
             due_on: date | None = None, co_department_ids: list[int] | None = None, version=None, now=None):
    """Dispatch to the lead department, optionally naming 协办 co-departments (app.tickets.services.open_dispatch)."""
    now = now or utcnow()
    _check(actor, common_problem, "dispatch", version)
    data = ticket_services.open_dispatch(
        actor, common_problem, department_id=department_id, helper_id=helper_id, complexity=complexity,
        due_on=due_on, co_department_ids=co_department_ids, now=now)
    _step(actor, common_problem, "dispatch", now=now, data=data)
    ticket_services.notify_dispatched(common_problem)


def sign(actor, common_problem, *, version=None, now=None):
    now = now or utcnow()
    _check(actor, common_problem, "sign", version)
    ticket_services.sign_dispatch(common_problem, ticket_services.current_dispatch(common_problem), actor, now)
    _step(actor, common_problem, "sign", now=now)


def return_common_problem(actor, common_problem, *, reason: str, suggested_department_id: int | None = None,
                          version=None, now=None):
    now = now or utcnow()
    _check(actor, common_problem, "return", version)
    data = ticket_services.end_dispatch(
        common_problem, ticket_services.suggested_department(suggested_department_id), now)
    ticket_co.end(common_problem, now=now)  # the co-departments' requests lapse with the dispatch
    _step(actor, common_problem, "return", now=now, body=reason, data=data)
    ticket_services.notify_staff(ticket_services.managers(), "ticket_returned", common_problem, "return", reason)


def reply(actor, common_problem, *, message: str, version=None, now=None):
    """One answer for all: every member becomes 已答复 with it, and each company is told and asked to rate."""
    now = now or utcnow()
    _check(actor, common_problem, "reply", version)
    co_overdue = ticket_co.check_lead_reply(common_problem, now=now)  # 409 while an opinion is awaited
    on_time = common_problem.due_at is None or now <= common_problem.due_at
    ticket_services.stamp_reply(common_problem, actor, message, now, on_time=on_time,
                                record=ticket_services.current_dispatch(common_problem))
    common_problem.due_at = None
    members = members_of(common_problem)
    before = common_problem.status
    common_problem.status = target_state("reply", before)
    common_problem.updated_at = now
    _event(common_problem, actor, "reply", now=now, from_status=before, to_status=common_problem.status, body=message,
           data={"members": len(members)})
    audit.record("common_problem_reply", common_problem, actor=actor, before={"status": before},
                 after={"status": common_problem.status, "members": len(members)})
    if co_overdue:  # 协办意见逾期: the reply went out without them (staff only: the group's timeline)
        _event(common_problem, actor, ticket_co.OVERDUE_EVENT, now=now, from_status=common_problem.status,
               to_status=common_problem.status, data={"departments": co_overdue})
    for member in members:
        member.department_id = common_problem.department_id
        member.helper_id = common_problem.helper_id
        member.dispatched_at = member.dispatched_at or common_problem.dispatched_at
        member.signed_at = member.signed_at or common_problem.signed_at
        member.reply_due_at = common_problem.reply_due_at
        ticket_services.stamp_reply(member, actor, message, now, on_time=on_time)
        # 不满意 reopens it with the department, on its own; the group robots never hear of the group's members.
        ticket_services.deliver_reply(member, actor, message, now, replied_from="in_progress", robots=False)


def supervise(actor, common_problem, *, level: str, version=None, now=None, automatic: bool = False):
    """督办 by a manager, or automatically by the sweep (actor None) when the group is long overdue."""
    now = now or utcnow()
    if not automatic:
        _check(actor, common_problem, "supervise", version)
    ticket_services.raise_supervision(common_problem, level, now)
    _step(actor, common_problem, "supervise", now=now, body=str(SUPERVISION_LEVELS[level]),
          data={"level": level, "automatic": automatic})
    ticket_services.notify_supervised(common_problem, level)


def request_extension(actor, common_problem, *, new_due: date, reason: str, version=None, now=None):
    now = now or utcnow()
    _check(actor, common_problem, "request_extension", version)
    ticket_services.check_new_due(common_problem, new_due, now)
    common_problem.extension_due_at = end_of_local_day(new_due)
    common_problem.extension_reason = reason
    common_problem.extension_requested_by_id = actor.id
    common_problem.extension_requested_at = now
    _step(actor, common_problem, "request_extension", now=now, body=reason, data={"new_due": new_due.isoformat()})
    ticket_services.notify_staff(ticket_services.managers(), "extension_requested", common_problem,
                                 "request_extension", reason, due=new_due.isoformat())


def decide_extension(actor, common_problem, *, approve: bool, version=None, now=None):
    now = now or utcnow()
    _check(actor, common_problem, "decide_extension", version)
    new_due = common_problem.extension_due_at
    requester = db.session.get(User, common_problem.extension_requested_by_id)
    if approve:
        ticket_services.approve_extension(common_problem, new_due)
    common_problem.extension_due_at = None
    common_problem.extension_reason = ""
    common_problem.extension_requested_by_id = None
    common_problem.extension_requested_at = None
    _step(actor, common_problem, "decide_extension", now=now, body=_("同意延期") if approve else _("不同意延期"),
          data={"approve": approve, "new_due": local_date(new_due).isoformat()})
    ticket_services.notify_extension_decided(common_problem, requester, approve)


def co_sign(actor, common_problem, *, version=None, now=None):
    """协办签收 by a co-department of the group, on its own clock."""
    now = now or utcnow()
    _check(actor, common_problem, "co_sign", version)
    return ticket_co.co_sign_step(actor, common_problem, now=now, step=_step)


def co_opinion(actor, common_problem, *, opinion, version=None, now=None):
    """协办意见 for the lead department (staff only; the lead is told)."""
    now = now or utcnow()
    _check(actor, common_problem, "co_opinion", version)
    return ticket_co.co_opinion_step(actor, common_problem, opinion=opinion, now=now, step=_step)


# Each action's payload schema (the ticket action's) and the function that takes it.
ACTIONS = {
    "dispatch": (ticket_schemas.Dispatch, dispatch),
    "sign": (ticket_schemas.Sign, sign),
    "return": (ticket_schemas.Return, return_common_problem),
    "reply": (ticket_schemas.Reply, reply),
    "supervise": (ticket_schemas.Supervise, supervise),
    "request_extension": (ticket_schemas.RequestExtension, request_extension),
    "decide_extension": (ticket_schemas.DecideExtension, decide_extension),
    "co_sign": (ticket_schemas.CoSign, co_sign),
    "co_opinion": (ticket_schemas.CoOpinion, co_opinion),
}
assert set(ACTIONS) == set(permissions.GROUP_ACTIONS), "every action of a 共性问题 has its payload and function"


def perform(actor, common_problem: CommonProblem, action: str, data: dict, *, now=None) -> CommonProblem:
    """Run `action` with the fields in `data` (a form's or the API's); a concurrent change is the stale refusal."""
    if action in ("pause", "resume"):
        raise TicketActionError(PAUSE_REFUSED(), 409)
    ticket_services.run_action(ACTIONS, lambda action, version: _check(actor, common_problem, action, version),
                               actor, common_problem, action, data, now=now)
    return common_problem

