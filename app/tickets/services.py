"""Every change to a problem: one function per action.

Each checks role, relation, state and version through the transitions table and
permissions, applies the change, writes the timeline event and the audit record,
and queues notifications, all in the caller's transaction (flush, never commit).
A refusal raises TicketActionError with a message in the user's language and
leaves nothing changed.
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Role, User
from app.companies.models import Company
from app.core import audit
from app.core.db import utcnow
from app.core.payloads import PayloadError
from app.core.notifications import notify
from app.notify import events
from app.core.timeutil import end_of_local_day, local_date, local_today
from app.core.workdays import add_working_days, deadline_after, is_workday, working_days_between
from app.extensions import db
from app.reference.models import Department
from app.settings.sla import get_sla
from app.tickets import permissions, schemas
from app.tickets.errors import TicketActionError
from app.tickets.models import (
    SUPERVISION_LEVELS, SUPERVISION_ORDER,
    DispatchRecord, ExtensionRequest, Ticket, TicketCounter, TicketEvent,
)
from app.tickets.transitions import COLLECT_EVENT, TRANSITIONS, initial_state, target_state


def stale_error() -> TicketActionError:
    return TicketActionError(_("该问题已被他人修改，请查看最新内容后重试。"), 409, code="stale_version")


# ---------------------------------------------------------------- numbering

def next_ticket_number(now: datetime) -> str:
    """XS-<year>-<6 digits>, unique under concurrent submissions (one atomic counter row per year)."""
    from flask import current_app

    year = local_date(now).year
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(TicketCounter).values(year=year, last=0).on_conflict_do_nothing())
    seq = db.session.execute(
        sa.update(TicketCounter).where(TicketCounter.year == year)
        .values(last=TicketCounter.last + 1).returning(TicketCounter.last)
    ).scalar_one()
    return f"{current_app.config['TICKET_NUMBER_PREFIX']}-{year}-{seq:06d}"


# ---------------------------------------------------------------- helpers

def add_event(ticket: Ticket, actor, kind: str, *, now: datetime, from_status=None, to_status=None,
           body: str = "", public: bool = True, data: dict | None = None) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket.id, actor_id=getattr(actor, "id", None), kind=kind, at=now,
        from_status=from_status, to_status=to_status, body=body, public=public, data=data,
    )
    db.session.add(event)
    return event


def ticket_url(ticket: Ticket, for_company: bool = False) -> str:
    try:
        if for_company:
            return url_for("portal.problem", ticket_id=ticket.id)
        return url_for("tickets.detail", ticket_id=ticket.id)
    except Exception:  # outside a request (CLI) or before the page exists
        return f"/tickets/{ticket.id}"


def managers():
    return db.session.scalars(
        sa.select(User).where(User.role == Role.MANAGER, User.active.is_(True))
    ).all()


def company_users(ticket: Ticket):
    return db.session.scalars(
        sa.select(User).where(User.company_id == ticket.company_id, User.role == Role.COMPANY, User.active.is_(True))
    ).all()


def department_helpers(case):
    """Who handles `case` (a problem or a 共性问题) at its department: the named helper, else its active helpers."""
    if case.helper_id:
        return [db.session.get(User, case.helper_id)]
    return db.session.scalars(
        sa.select(User).where(User.department_id == case.department_id, User.role == Role.HELPER,
                              User.active.is_(True))
    ).all()


def ticket_escort(ticket: Ticket):
    escort_id = db.session.scalar(sa.select(Company.escort_id).where(Company.id == ticket.company_id))
    return db.session.get(User, escort_id) if escort_id else None


def current_dispatch(case) -> DispatchRecord | None:
    """The open dispatch record of a problem or a 共性问题 (the latest one not returned)."""
    return db.session.scalars(
        sa.select(DispatchRecord).where(getattr(DispatchRecord, case.dispatch_key) == case.id,
                                        DispatchRecord.returned_at.is_(None))
        .order_by(DispatchRecord.id.desc()).limit(1)
    ).first()


# ---------------------------------------------------------------- what a problem and a 共性问题 share
# A 共性问题 (app.common_problems) is handled with the problem's steps, once for all its members: the
# functions below take `case`, a Ticket or a CommonProblem (the same handling columns: models.HandlingMixin),
# and hold each rule once; each service records the step on its own timeline.

def is_common(case) -> bool:
    return case.dispatch_key == "common_problem_id"


# The title of each staff notice a step sends: kind → (about a problem, about a 共性问题).
NOTICE_TITLES = {
    "ticket_dispatched": (_l("新交办问题 %(number)s：%(title)s"), _l("新交办共性问题 %(number)s：%(title)s")),
    "ticket_co_dispatched": (_l("新协办问题 %(number)s：%(title)s"), _l("新协办共性问题 %(number)s：%(title)s")),
    "ticket_returned": (_l("问题 %(number)s 被退回，需重新交办"), _l("共性问题 %(number)s 被退回，需重新交办")),
    "ticket_supervised": (_l("问题 %(number)s 被%(level)s"), _l("共性问题 %(number)s 被%(level)s")),
    "extension_requested": (_l("问题 %(number)s 申请延期至 %(due)s"), _l("共性问题 %(number)s 申请延期至 %(due)s")),
    "extension_decided": (_l("问题 %(number)s 的延期申请%(result)s"), _l("共性问题 %(number)s 的延期申请%(result)s")),
    "ticket_co_opinion": (_l("问题 %(number)s 收到%(department)s的协办意见"),
                          _l("共性问题 %(number)s 收到%(department)s的协办意见")),
    "ticket_overdue": (_l("问题 %(number)s 已超期"), _l("共性问题 %(number)s 已超期")),
    "ticket_due_soon": (_l("问题 %(number)s 即将到期"), _l("共性问题 %(number)s 即将到期")),
}


def notice_title(kind: str, case, **values) -> LazyString:
    """The title of the `kind` notice about `case`, rendered in each reader's language."""
    text = NOTICE_TITLES[kind][is_common(case)]
    values = {"number": case.number, **values}
    return LazyString(lambda: str(text) % values)


def staff_url(case) -> str:
    """The staff page of a problem or a 共性问题."""
    if not is_common(case):
        return ticket_url(case)
    try:
        return url_for("common_problems.detail", common_problem_id=case.id)
    except Exception:  # outside a request
        return f"/common-problems/{case.id}"


def notify_staff(users, kind: str, case, action: str, body="", *, once_per=None, **values) -> None:
    """Tell staff of a step on `case` (NOTICE_TITLES[kind] with `values`). A 共性问题's notice is one per step
    and version (or `once_per`, e.g. the deadline it is about) and never reaches the group robots (the
    companies' channels know only their own problem)."""
    title = notice_title(kind, case, **values)
    if is_common(case):
        notify(users, kind, title, body, staff_url(case), robots=False,
               event_key=f"common:{case.id}:{action}:{case.version if once_per is None else once_per}")
    else:
        notify(users, kind, title, body, ticket_url(case), ticket=case)


def check_version(case, version, stale: TicketActionError) -> None:
    """Refuse with `stale` unless the form or request saw the current version of `case` (no version: no check)."""
    if version is None:
        return
    try:
        if int(version) != case.version:
            raise stale
    except (TypeError, ValueError, OverflowError):
        raise TicketActionError(_("版本号无效。"), 400, {"version": _("应为整数。")})


def end_dispatch(case, suggested: Department | None, now: datetime) -> dict:
    """退回: the department gives `case` back. Its dispatch record ends, the department and its deadlines go,
    and the managers' acceptance clock runs again; returns the step's data (who had it, who is suggested)."""
    data = {"department_id": case.department_id, "suggested_department_id": suggested.id if suggested else None,
            "suggested_department": suggested.name if suggested else None}
    record = current_dispatch(case)
    if record is not None:
        record.returned_at = now
    case.return_count += 1
    case.department_id = None
    case.helper_id = None
    case.sign_due_at = case.reply_due_at = None
    case.due_at = deadline_after(now, get_sla().accept_days)
    return data


def stamp_reply(case, actor, message: str, now: datetime, *, on_time: bool, record: DispatchRecord | None = None):
    """The answer on `case` (and on the dispatch record it closes, when the department replied)."""
    if record is not None:
        record.replied_at = now
        record.replied_on_time = on_time
    case.replied_on_time = on_time
    case.replied_at = now
    case.replied_by_id = actor.id
    case.reply_message = message


def deliver_reply(ticket: Ticket, actor, message: str, now: datetime, *, replied_from: str, robots: bool = True,
                  co_overdue=None) -> None:
    """A problem answered (on its own, or as a member of its 共性问题): 已答复, the rating clock runs, and its
    company is asked to rate; a reply given while 协办 opinions were overdue is flagged for staff only."""
    from app.tickets import co_departments  # co_departments builds on this module

    ticket.replied_from = replied_from
    ticket.autoclose_at = deadline_after(now, get_sla().autoclose_days)
    ticket.due_at = ticket.autoclose_at
    move_ticket(ticket, actor, "reply", now=now, to_status="replied", body=message, public=True)
    if co_overdue:  # 协办意见逾期: the reply went out without them; staff see it on the timeline, never the company
        add_event(ticket, actor, co_departments.OVERDUE_EVENT, now=now, from_status=ticket.status,
                  to_status=ticket.status, public=False, data={"departments": co_overdue})
    notify(company_users(ticket), "ticket_replied", _l("问题 %(number)s 已答复，请评价", number=ticket.number),
           message[:200], ticket_url(ticket, True), ticket=ticket, robots=robots)


def raise_supervision(case, level: str, now: datetime) -> None:
    """督办 only goes up (催办 may be repeated); refused otherwise."""
    current = SUPERVISION_ORDER.index(case.supervision) if case.supervision else -1
    if SUPERVISION_ORDER.index(level) <= current and not (level == "remind" and case.supervision == "remind"):
        held = str(SUPERVISION_LEVELS[case.supervision])
        raise TicketActionError(_("该共性问题已处于“%(level)s”，只能提升督办级别。", level=held) if is_common(case)
                                else _("该问题已处于“%(level)s”，只能提升督办级别。", level=held), 409)
    case.supervision = level
    case.supervised_at = now


def notify_supervised(case, level: str) -> None:
    """督办 reaches whoever owes the next step: the department once dispatched; before, a problem's escort, or
    the managers for a 共性问题 (which has no escort)."""
    if case.department_id:
        recipients = department_helpers(case)
    else:
        recipients = managers() if is_common(case) else [ticket_escort(case)]
    notify_staff(recipients, "ticket_supervised", case, "supervise", case.title, level=SUPERVISION_LEVELS[level])


def approve_extension(case, new_due: datetime) -> None:
    """An approved extension moves the reply deadline (the one running now) and the dispatch record's."""
    case.reply_due_at = case.due_at = new_due
    record = current_dispatch(case)
    if record is not None:
        record.reply_due_at = new_due


def notify_extension_decided(case, requester, approve: bool) -> None:
    notify_staff([requester], "extension_decided", case, "decide_extension", "",
                 result=_l("已获同意") if approve else _l("未获同意"))


def run_action(actions: dict, check, actor, case, action: str, data: dict, *, now=None):
    """Run `action` (a problem's or a 共性问题's ACTIONS) with the fields in `data` (a form's or the API's),
    flushing to catch lost updates.

    No autoflush inside the action: the case is written once (its version moves by one), and a concurrent
    change surfaces here as the stale-version refusal, not from some query mid-action. `check(action,
    version)` is the action's refusal, asked before the payload's own errors are shown."""
    if not isinstance(action, str) or action not in actions:
        raise TicketActionError(_("未知的操作。"), 400, {"action": _("未知的操作。")})
    schema, run = actions[action]
    payload = schemas.parse_action(schema, action, data, lambda: check(action, data.get("version")))
    try:
        with db.session.no_autoflush:
            result = run(actor, case, **payload.arguments(), now=now)
        db.session.flush()
    except StaleDataError:
        raise stale_error()
    return result


def mark_closed(ticket: Ticket, now: datetime) -> None:
    """Close bookkeeping shared by rating and auto-close: time stamps and working days taken."""
    ticket.closed_at = now
    ticket.due_at = None
    ticket.autoclose_at = None
    # The working days the clock was paused (待企业补充材料) were the company's, not the handling's.
    taken = working_days_between(local_date(ticket.created_at), local_date(now))
    ticket.close_working_days = max(taken - (ticket.paused_working_days or 0), 0)


def check_action(actor, ticket: Ticket, action: str, version, *, now=None) -> None:
    """Refuse unless `actor` may take `action` on `ticket` now (permissions.require_action: the rules
    can_perform answers with) and the caller saw its current version."""
    permissions.require_action(actor, ticket, action, now=now)
    check_version(ticket, version, stale_error())


def move_ticket(ticket: Ticket, actor, action: str, *, now: datetime, body: str = "", data: dict | None = None,
          to_status: str | None = None, public: bool = True) -> TicketEvent:
    before = ticket.status
    ticket.status = to_status or target_state(action, before)
    event = add_event(ticket, actor, action, now=now, from_status=before, to_status=ticket.status,
                   body=body, public=public, data=data)
    audit.record(f"ticket_{action}", ticket, actor=actor, before={"status": before},
                 after={"status": ticket.status, **(data or {})})
    events.emit("ticket.status_changed", events.ticket_data(ticket, from_status=before, action=action), now=now)
    return event


def _require_text(value, field: str, message: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise TicketActionError(message, 400, {field: message})
    if len(text) > 5000:
        raise TicketActionError(_("内容过长（最多5000字）。"), 400, {field: _("内容过长（最多5000字）。")})
    return text


# ---------------------------------------------------------------- submit

@dataclass
class NewTicket:
    title: str
    description: str
    category: str
    urgency: str = "ordinary"
    source: str = "portal"


def validate_new_ticket(data: dict, *, allowed_sources) -> tuple[NewTicket | None, dict]:
    """Check a new problem's fields (schemas.TicketCreate); returns (value, {field: message})."""
    try:
        payload = schemas.TicketCreate.parse(data, allowed_sources=tuple(allowed_sources))
    except PayloadError as error:
        return None, error.fields
    return NewTicket(payload.title, payload.description, payload.category, payload.urgency, payload.source), {}


def sources_for(user) -> tuple[str, ...]:
    if user.role == Role.COMPANY:
        return ("portal",)
    return ("escort", "hotline", "visit") if user.role == Role.ESCORT else ("hotline", "escort", "visit")


def submit_ticket(actor, company: Company, new: NewTicket, *, now: datetime | None = None,
                  visit_id: int | None = None) -> Ticket:
    """File a problem for `company`, numbered, timed, and announced to its escort.

    It starts where the transitions table says for its source: portal and hotline problems wait
    in 待受理 under the acceptance clock; problems the escort collects (sources `visit`, `escort`)
    start 已受理, accepted by `actor` now (timeline 走访收集并受理), with the escort's next-step
    clock (reply directly or ask for dispatch) running instead.
    """
    if not permissions.can_create_ticket_for(actor, company):
        raise TicketActionError(_("您不能为该企业提交问题。"), 403)
    now = now or utcnow()
    sla = get_sla()
    status = initial_state(new.source)
    ticket = Ticket(
        number=next_ticket_number(now), company_id=company.id, title=new.title, description=new.description,
        category=new.category, urgency=new.urgency, source=new.source, status=status,
        created_by_id=actor.id, escort_id=company.escort_id, created_at=now, updated_at=now,
    )
    if status == "accepted":
        ticket.accepted_at = now
        ticket.due_at = deadline_after(now, sla.escort_reply_days)
    else:
        ticket.accept_due_at = ticket.due_at = deadline_after(now, sla.accept_days)
    if visit_id is not None:
        ticket.visit_id = visit_id
    db.session.add(ticket)
    db.session.flush()
    kind = COLLECT_EVENT if status == "accepted" else "submit"
    add_event(ticket, actor, kind, now=now, to_status=status, body="", data={"source": new.source})
    audit.record("ticket_submit", ticket, actor=actor,
                 after={"number": ticket.number, "company_id": company.id, "status": status})
    events.emit("ticket.created", events.ticket_data(ticket), now=now)
    escort = ticket_escort(ticket)
    recipients = [escort] if escort else managers()
    notify([u for u in recipients if u.id != actor.id], "ticket_new",
           _l("新问题 %(number)s：%(title)s", number=ticket.number, title=ticket.title),
           company.name, ticket_url(ticket), ticket=ticket)
    if status == "accepted":
        notify(company_users(ticket), "ticket_accepted", _l("问题 %(number)s 已受理", number=ticket.number),
               ticket.title, ticket_url(ticket, True), ticket=ticket)
    return ticket


# ---------------------------------------------------------------- actions

def accept(actor, ticket: Ticket, *, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "accept", version)
    sla = get_sla()
    ticket.accepted_on_time = ticket.due_at is None or now <= ticket.due_at
    ticket.accepted_at = now
    ticket.due_at = deadline_after(now, sla.escort_reply_days)
    move_ticket(ticket, actor, "accept", now=now)
    notify(company_users(ticket), "ticket_accepted", _l("问题 %(number)s 已受理", number=ticket.number),
           ticket.title, ticket_url(ticket, True), ticket=ticket)
    return ticket


def reject(actor, ticket: Ticket, *, reason: str, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "reject", version)
    ticket.due_at = None
    ticket.closed_at = now
    move_ticket(ticket, actor, "reject", now=now, body=reason)
    notify(company_users(ticket), "ticket_rejected", _l("问题 %(number)s 不予受理", number=ticket.number),
           reason, ticket_url(ticket, True), ticket=ticket)
    return ticket


def withdraw(actor, ticket: Ticket, *, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "withdraw", version)
    ticket.due_at = None
    ticket.closed_at = now
    move_ticket(ticket, actor, "withdraw", now=now)
    escort = ticket_escort(ticket)
    notify([escort] if escort else [], "ticket_withdrawn", _l("问题 %(number)s 已被企业撤回", number=ticket.number),
           ticket.title, ticket_url(ticket), ticket=ticket)
    return ticket


def reply(actor, ticket: Ticket, *, message: str, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "reply", version, now=now)
    from app.tickets import co_departments  # co_departments builds on this module

    co_overdue = co_departments.check_lead_reply(ticket, now=now)
    record = current_dispatch(ticket) if ticket.status == "in_progress" else None  # the department's reply
    stamp_reply(ticket, actor, message, now, on_time=ticket.due_at is None or now <= ticket.due_at, record=record)
    deliver_reply(ticket, actor, message, now, replied_from=ticket.status, co_overdue=co_overdue)
    return ticket


def escalate(actor, ticket: Ticket, *, reason: str, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "escalate", version)
    ticket.escalated_on_time = ticket.due_at is None or now <= ticket.due_at
    ticket.escalated_at = ticket.escort_escalated_at = now
    ticket.due_at = deadline_after(now, get_sla().accept_days)
    move_ticket(ticket, actor, "escalate", now=now, body=reason, public=True)
    notify(managers(), "ticket_escalated", _l("问题 %(number)s 待交办", number=ticket.number), reason,
           ticket_url(ticket), ticket=ticket)
    return ticket


def custom_due(due_on: date | None, now: datetime, sign_due_at: datetime, limit: datetime):
    """The reply deadline a dispatch names (`due_on`, a working day between the signing deadline and
    the limit the SLA allows for this problem), as the end of that local day; None when not given."""
    if due_on is None:
        return None
    earliest, latest = local_date(sign_due_at), local_date(limit)
    if due_on < earliest or due_on > latest:
        message = _("办理期限应在 %(a)s 至 %(b)s 之间（超过时限请在办理中申请延期）。",
                    a=earliest.isoformat(), b=latest.isoformat())
        raise TicketActionError(message, 400, {"due_on": message})
    if not is_workday(due_on):
        message = _("%(d)s 不是工作日，请选择工作日。", d=due_on.isoformat())
        raise TicketActionError(message, 400, {"due_on": message})
    return end_of_local_day(due_on)


def dispatch_target(department_id: int, helper_id: int | None) -> tuple[Department, User | None]:
    """The lead department a dispatch names (active) and its optional helper (an active helper of it)."""
    department = db.session.get(Department, department_id)
    if department is None or not department.active:
        raise TicketActionError(_("请选择有效的承办部门。"), 400, {"department_id": _("请选择有效的承办部门。")})
    helper = None
    if helper_id is not None:
        helper = db.session.get(User, helper_id)
        if helper is None or helper.role != Role.HELPER or helper.department_id != department.id or not helper.active:
            raise TicketActionError(_("指定的经办人不属于该部门。"), 400, {"helper_id": _("指定的经办人不属于该部门。")})
    return department, helper


def start_dispatch_clock(case, department, helper, complexity: str, due_on: date | None, now: datetime):
    """Hand `case` (a problem or a 共性问题: the same clock columns) to the department: the signing deadline,
    the reply deadline (the SLA's limit for its complexity and urgency, or the custom `due_on` within it), and
    the signing deadline as the one now running. Returns the custom deadline (None when not given)."""
    sla = get_sla()
    case.department_id = department.id
    case.helper_id = helper.id if helper else None
    case.complexity = complexity
    case.dispatched_at = now
    case.signed_at = None
    case.sign_due_at = deadline_after(now, sla.sign_days)
    limit = deadline_after(now, sla.handling_days(case.complexity, case.urgency))
    custom = custom_due(due_on, now, case.sign_due_at, limit)
    case.reply_due_at = custom or limit
    case.due_at = case.sign_due_at
    return custom


def sign_dispatch(case, record: DispatchRecord | None, actor, now: datetime) -> None:
    """The department signs for `case` (problem or 共性问题): the dispatch record notes whether on time, the
    signer becomes its helper unless one was named, and the reply deadline starts running."""
    if record is not None:
        record.signed_at = now
        record.signed_on_time = now <= record.sign_due_at
        record.helper_id = record.helper_id or actor.id
    case.signed_at = now
    case.helper_id = case.helper_id or actor.id
    case.due_at = case.reply_due_at


def suggested_department(suggested_department_id: int | None) -> Department | None:
    """The department a return suggests instead (optional; it must exist)."""
    if suggested_department_id is None:
        return None
    suggested = db.session.get(Department, suggested_department_id)
    if suggested is None:
        raise TicketActionError(_("建议的部门不存在。"), 400, {"suggested_department_id": _("建议的部门不存在。")})
    return suggested


def check_new_due(case, new_due: date, now: datetime) -> None:
    """An extension asks for a later reply deadline, at least the SLA's notice (working days) before the
    current one."""
    current_due = local_date(case.reply_due_at)
    if new_due <= current_due:
        raise TicketActionError(_("新期限必须晚于当前期限 %(due)s。", due=current_due.isoformat()), 400,
                                {"new_due": _("新期限必须晚于当前期限。")})
    notice = get_sla().extension_notice_days
    if working_days_between(local_date(now), current_due) < notice:
        raise TicketActionError(
            _("延期须在期限前至少 %(n)d 个工作日提出，当前期限为 %(due)s。", n=notice, due=current_due.isoformat()), 409)


def dispatch(actor, ticket: Ticket, *, department_id: int, helper_id: int | None = None, complexity: str = "ordinary",
             due_on: date | None = None, co_department_ids: list[int] | None = None, version=None,
             now=None) -> Ticket:
    """交办 to a lead department (optional named helper, complexity, custom deadline) and, optionally,
    协办 co-departments, each with its own sign and opinion clocks (app.tickets.co_departments)."""
    now = now or utcnow()
    check_action(actor, ticket, "dispatch", version)
    data = open_dispatch(actor, ticket, department_id=department_id, helper_id=helper_id, complexity=complexity,
                         due_on=due_on, co_department_ids=co_department_ids, now=now)
    move_ticket(ticket, actor, "dispatch", now=now, data=data)
    notify_dispatched(ticket)
    return ticket


def open_dispatch(actor, case, *, department_id: int, helper_id: int | None, complexity: str, due_on: date | None,
                  co_department_ids: list[int] | None, now: datetime) -> dict:
    """交办 of a problem or a 共性问题: the lead department (and named helper) checked, the clock started, the
    dispatch record opened, and the 协办 co-departments' rows with their own clocks (app.tickets.co_departments);
    returns the step's data for the case's timeline."""
    from app.tickets import co_departments  # co_departments builds on this module

    department, helper = dispatch_target(department_id, helper_id)
    co = co_departments.parse_co_departments(co_department_ids, lead=department)
    custom = start_dispatch_clock(case, department, helper, complexity, due_on, now)
    record = DispatchRecord(
        **{case.dispatch_key: case.id}, department_id=department.id, helper_id=case.helper_id,
        dispatched_by_id=actor.id, dispatched_at=now, sign_due_at=case.sign_due_at, reply_due_at=case.reply_due_at,
    )
    db.session.add(record)
    co_departments.start(actor, case, record, co, now=now)
    return {
        "department_id": department.id, "helper_id": case.helper_id, "complexity": complexity,
        "department": department.name,
        **({"due_on": local_date(custom).isoformat()} if custom else {}),
        **({"co_department_ids": [d.id for d in co], "co_departments": [d.name for d in co]} if co else {}),
    }


def notify_dispatched(case) -> None:
    notify_staff(department_helpers(case), "ticket_dispatched", case, "dispatch",
                 _l("请于 %(due)s 前签收。", due=local_date(case.sign_due_at).isoformat()), title=case.title)


def sign(actor, ticket: Ticket, *, version=None, now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "sign", version)
    sign_dispatch(ticket, current_dispatch(ticket), actor, now)
    move_ticket(ticket, actor, "sign", now=now)
    return ticket


def return_ticket(actor, ticket: Ticket, *, reason: str, suggested_department_id: int | None = None, version=None,
                  now=None) -> Ticket:
    now = now or utcnow()
    check_action(actor, ticket, "return", version)
    from app.tickets import co_departments  # co_departments builds on this module

    data = end_dispatch(ticket, suggested_department(suggested_department_id), now)
    co_departments.end(ticket, now=now)  # the co-departments' requests lapse with the dispatch
    ticket.escalated_at = now
    move_ticket(ticket, actor, "return", now=now, body=reason, data=data, public=False)
    notify_staff(managers(), "ticket_returned", ticket, "return", reason)
    return ticket


def rate(actor, ticket: Ticket, *, rating: str, comment: str = "", version=None, now=None) -> Ticket:
    """满意/基本满意 close the problem; 不满意 (with a reason: schemas.Rate) sends it back to whoever replied."""
    now = now or utcnow()
    check_action(actor, ticket, "rate", version)
    ticket.rating = rating
    ticket.rating_comment = comment
    ticket.rated_at = now
    ticket.rated_by_id = actor.id
    data = {"rating": rating, "via": "follow_up_call" if actor.role == Role.ESCORT else "portal"}
    events.emit("ticket.rated", events.ticket_data(ticket, rating=rating, comment=comment), now=now)
    if rating == "unsatisfied":
        sla = get_sla()
        back_to = ticket.replied_from or "accepted"
        ticket.reopen_count += 1
        if back_to == "in_progress":
            ticket.reply_due_at = deadline_after(now, sla.handling_days(ticket.complexity, ticket.urgency))
            ticket.due_at = ticket.reply_due_at
        else:
            ticket.due_at = deadline_after(now, sla.escort_reply_days)
        ticket.autoclose_at = None
        move_ticket(ticket, actor, "rate", now=now, body=comment, data={**data, "reopened": True}, to_status=back_to)
        if ticket.common_problem_id is not None:  # 不满意 reopens this member alone, out of its 共性问题
            from app.common_problems.services import detach_unsatisfied

            detach_unsatisfied(actor, ticket, now=now, comment=comment)
        replier = db.session.get(User, ticket.replied_by_id) if ticket.replied_by_id else None
        recipients = [replier] + (managers() if ticket.reopen_count >= 2 else [])
        notify(recipients, "ticket_reopened", _l("问题 %(number)s 评价为不满意，已重新办理", number=ticket.number),
               comment, ticket_url(ticket), ticket=ticket)
    else:
        mark_closed(ticket, now)
        move_ticket(ticket, actor, "rate", now=now, body=comment, data=data)
        if ticket.common_problem_id is not None:  # the last member closed: its 共性问题 is 已办结
            from app.common_problems.services import member_finished

            member_finished(actor, ticket, now=now)
    return ticket


def supervise(actor, ticket: Ticket, *, level: str, version=None, now=None, automatic: bool = False) -> Ticket:
    now = now or utcnow()
    if not automatic:
        check_action(actor, ticket, "supervise", version)
    raise_supervision(ticket, level, now)
    add_event(ticket, actor, "supervise", now=now, from_status=ticket.status, to_status=ticket.status,
           body=str(SUPERVISION_LEVELS[level]), public=False, data={"level": level, "automatic": automatic})
    audit.record("ticket_supervise", ticket, actor=actor, after={"level": level, "automatic": automatic})
    ticket.updated_at = now  # bumps the version so a stale form notices
    notify_supervised(ticket, level)
    return ticket


def request_extension(actor, ticket: Ticket, *, new_due: date, reason: str, version=None,
                      now=None) -> ExtensionRequest:
    now = now or utcnow()
    check_action(actor, ticket, "request_extension", version)  # refused while a request awaits a decision
    check_new_due(ticket, new_due, now)
    request_ = ExtensionRequest(ticket_id=ticket.id, requested_by_id=actor.id, requested_at=now, reason=reason,
                                old_due_at=ticket.reply_due_at, new_due_at=end_of_local_day(new_due))
    db.session.add(request_)
    add_event(ticket, actor, "request_extension", now=now, from_status=ticket.status, to_status=ticket.status,
           body=reason, public=False, data={"new_due": new_due.isoformat()})
    audit.record("ticket_request_extension", ticket, actor=actor, after={"new_due": new_due.isoformat()})
    ticket.updated_at = now
    notify_staff(managers(), "extension_requested", ticket, "request_extension", reason, due=new_due.isoformat())
    return request_


def decide_extension(actor, ticket: Ticket, *, approve: bool, version=None, now=None) -> ExtensionRequest:
    now = now or utcnow()
    check_action(actor, ticket, "decide_extension", version)
    pending = db.session.scalars(sa.select(ExtensionRequest).where(  # there is one: check_action
        ExtensionRequest.ticket_id == ticket.id, ExtensionRequest.status == "pending")).first()
    pending.status = "approved" if approve else "denied"
    pending.decided_by_id = actor.id
    pending.decided_at = now
    if approve:
        approve_extension(ticket, pending.new_due_at)
    add_event(ticket, actor, "decide_extension", now=now, from_status=ticket.status, to_status=ticket.status,
           body=_("同意延期") if approve else _("不同意延期"), public=False,
           data={"approve": approve, "new_due": local_date(pending.new_due_at).isoformat()})
    audit.record("ticket_decide_extension", ticket, actor=actor, after={"approve": approve})
    ticket.updated_at = now
    notify_extension_decided(ticket, db.session.get(User, pending.requested_by_id), approve)
    return pending


def pause(actor, ticket: Ticket, *, reason: str, version=None, now=None) -> Ticket:
    """待企业补充材料: stop the clock of the step owed now; the company is told what is needed."""
    now = now or utcnow()
    check_action(actor, ticket, "pause", version)
    ticket.paused_at = now
    ticket.pause_reason = reason
    ticket.paused_due_at = ticket.due_at
    ticket.due_at = None
    add_event(ticket, actor, "pause", now=now, from_status=ticket.status, to_status=ticket.status, body=reason,
           public=True, data={"due_at": ticket.paused_due_at.isoformat() if ticket.paused_due_at else None})
    audit.record("ticket_pause", ticket, actor=actor, after={"reason": reason})
    ticket.updated_at = now
    notify(company_users(ticket), "ticket_paused",
           _("问题 %(number)s 需要补充材料", number=ticket.number), reason, ticket_url(ticket, True))
    return ticket


def shift_deadline(value: datetime | None, days: int) -> datetime | None:
    """A deadline moved on by `days` working days (deadlines are ends of local working days)."""
    if value is None or days <= 0:
        return value
    return end_of_local_day(add_working_days(local_date(value), days))


def resume(actor, ticket: Ticket, *, version=None, now=None, by_upload: bool = False) -> Ticket:
    """Restart the clock: every running deadline moves on by the working days the problem was paused."""
    now = now or utcnow()
    if by_upload:
        if ticket.paused_at is None or not permissions.in_working_scope(actor, ticket):
            raise TicketActionError(_("该问题未暂停计时。"), 409)
    else:
        check_action(actor, ticket, "resume", version)
    days = max(working_days_between(local_date(ticket.paused_at), local_date(now)), 0)
    ticket.due_at = shift_deadline(ticket.paused_due_at, days)
    ticket.sign_due_at = shift_deadline(ticket.sign_due_at, days)
    ticket.reply_due_at = shift_deadline(ticket.reply_due_at, days)
    record = current_dispatch(ticket) if ticket.department_id else None
    if record is not None:  # rankings judge the department against the moved deadlines: paused time excluded
        record.sign_due_at = shift_deadline(record.sign_due_at, days) if record.signed_at is None else record.sign_due_at
        record.reply_due_at = shift_deadline(record.reply_due_at, days)
    if ticket.co_department_count:
        from app.tickets import co_departments  # co_departments builds on this module

        co_departments.shift(ticket, lambda value: shift_deadline(value, days))
    data = {"paused_days": days, "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
            "by_upload": by_upload}
    ticket.paused_working_days = (ticket.paused_working_days or 0) + days
    ticket.paused_at = None
    ticket.paused_due_at = None
    ticket.pause_reason = ""
    add_event(ticket, actor, "resume", now=now, from_status=ticket.status, to_status=ticket.status, public=True,
           data=data)
    audit.record("ticket_resume", ticket, actor=actor, after=data)
    ticket.updated_at = now
    if by_upload:
        staff = [ticket_escort(ticket)] + (department_helpers(ticket) if ticket.department_id else [])
        notify([u for u in staff if u], "ticket_resumed",
               _("问题 %(number)s 企业已补充材料，恢复计时", number=ticket.number), ticket.title, ticket_url(ticket))
    else:
        notify(company_users(ticket), "ticket_resumed", _("问题 %(number)s 已恢复办理", number=ticket.number),
               ticket.title, ticket_url(ticket, True))
    return ticket


def check_comment(actor, ticket: Ticket, *, internal: bool) -> None:
    """Refuse (403) unless `actor` may comment on `ticket`, or write an internal note there."""
    if not permissions.can_comment_ticket(actor, ticket):
        raise TicketActionError(_("您无权处理该问题。"), 403)
    if internal and not permissions.can_add_internal_note(actor, ticket):
        raise TicketActionError(_("企业用户不能添加内部备注。"), 403)


def add_comment(actor, ticket: Ticket, *, body, internal: bool = False, now=None) -> TicketEvent:
    """A public comment (the company sees it) or, for staff, an internal note."""
    now = now or utcnow()
    check_comment(actor, ticket, internal=internal)
    body = _require_text(body, "body", _("请填写内容。"))
    event = add_event(ticket, actor, "note" if internal else "comment", now=now, body=body, public=not internal)
    db.session.flush()
    audit.record("ticket_note" if internal else "ticket_comment", ticket, actor=actor)
    if not internal:
        events.emit("ticket.commented", events.ticket_data(ticket, comment=body, by_company=actor.role == Role.COMPANY),
                    now=now)
        if actor.role == Role.COMPANY:
            staff = [ticket_escort(ticket)] + (department_helpers(ticket) if ticket.department_id else [])
            notify(staff, "ticket_comment", _l("问题 %(number)s 有新留言", number=ticket.number), body[:200],
                   ticket_url(ticket), ticket=ticket)
        else:
            notify(company_users(ticket), "ticket_comment", _l("问题 %(number)s 有新回复", number=ticket.number),
                   body[:200], ticket_url(ticket, True), ticket=ticket)
    return event


# ---------------------------------------------------------------- one entry point for pages and API

def _co_sign(actor, ticket: Ticket, **kwargs):
    from app.tickets import co_departments  # co_departments builds on this module

    return co_departments.co_sign(actor, ticket, **kwargs)


def _co_opinion(actor, ticket: Ticket, **kwargs):
    from app.tickets import co_departments  # co_departments builds on this module

    return co_departments.co_opinion(actor, ticket, **kwargs)


# Each action's payload schema and the function that takes it (as keyword arguments).
ACTIONS: dict[str, tuple[type[schemas.ActionPayload], object]] = {
    "accept": (schemas.Accept, accept),
    "reject": (schemas.Reject, reject),
    "withdraw": (schemas.Withdraw, withdraw),
    "reply": (schemas.Reply, reply),
    "escalate": (schemas.Escalate, escalate),
    "dispatch": (schemas.Dispatch, dispatch),
    "sign": (schemas.Sign, sign),
    "return": (schemas.Return, return_ticket),
    "rate": (schemas.Rate, rate),
    "supervise": (schemas.Supervise, supervise),
    "request_extension": (schemas.RequestExtension, request_extension),
    "decide_extension": (schemas.DecideExtension, decide_extension),
    "pause": (schemas.Pause, pause),
    "resume": (schemas.Resume, resume),
    "co_sign": (schemas.CoSign, _co_sign),
    "co_opinion": (schemas.CoOpinion, _co_opinion),
}
assert set(ACTIONS) == set(TRANSITIONS), "every action of the state machine has its payload and function"


def perform(actor, ticket: Ticket, action: str, data: dict, *, now=None):
    """Run `action` with the fields in `data` (a form's or the API's): run_action."""
    return run_action(ACTIONS, lambda action, version: check_action(actor, ticket, action, version),
                      actor, ticket, action, data, now=now)


def today() -> date:
    return local_today()
