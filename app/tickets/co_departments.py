"""协办 (co-departments): a dispatch names the lead department and, optionally, co-departments.

Each co-department signs (co_sign, 协办签收) and gives its opinion (co_opinion, 协办意见) on its own
working-day clock: signing within the SLA's sign limit, the opinion within `co_opinion_days` of the
dispatch and never after the lead's reply deadline. The lead department's reply waits until every
opinion is in or overdue; a reply given while an opinion is overdue is flagged (协办意见逾期) on the
timeline. Both actions are rows of the transitions table (co_department=True) and run through
services.perform like every other action; this module holds their rules and the dispatch/return/
resume bookkeeping of the co-department rows (TicketCoDepartment). A 共性问题's dispatch names co-departments
by the same rules (`case` below: a Ticket or a CommonProblem; app.common_problems.co_departments keeps the
group's rows at hand for its pages).
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit
from app.core.timeutil import local_date
from app.core.workdays import deadline_after
from app.extensions import db
from app.reference.models import Department
from app.settings.sla import get_sla
from app.tickets import permissions
from app.tickets.models import DispatchRecord, Ticket, TicketCoDepartment
from app.tickets.services import (
    TicketActionError, add_event, check_action, department_helpers, is_common, notify_staff)
from app.accounts.models import Role, User

# The internal timeline event of a lead reply given while co-department opinions were overdue and missing.
OVERDUE_EVENT = "co_opinions_overdue"


def _refuse(message: str) -> TicketActionError:
    return TicketActionError(message, 400, {"co_departments": message})


def parse_co_departments(ids: list[int] | None, *, lead: Department) -> list[Department]:
    """The co-departments a dispatch names (ids, as schemas.Dispatch checked them): active departments,
    each once, none the lead itself; anything else is refused with a message naming what is wrong."""
    if not ids:
        return []
    found = {d.id: d for d in db.session.scalars(sa.select(Department).where(Department.id.in_(ids)))}
    chosen, seen = [], set()
    for department_id in ids:
        department = found.get(department_id)
        if department is None or not department.active:
            raise _refuse(_("协办部门不存在或已停用（编号 %(id)d）。", id=department_id))
        if department_id == lead.id:
            raise _refuse(_("协办部门不能是承办部门本身（%(name)s）。", name=department.name))
        if department_id in seen:
            raise _refuse(_("协办部门重复：%(name)s。", name=department.name))
        seen.add(department_id)
        chosen.append(department)
    return chosen


def _helpers_of(department_ids) -> list[User]:
    if not department_ids:
        return []
    return db.session.scalars(sa.select(User).where(
        User.department_id.in_(department_ids), User.role == Role.HELPER, User.active.is_(True))).all()


def open_rows(case) -> list[TicketCoDepartment]:
    """The open rows of the current dispatch of a problem or a 共性问题 (with their departments)."""
    if is_common(case):
        from app.common_problems.co_departments import rows

        return rows(case)
    return permissions.open_co_departments(case)


def start(actor, case, record: DispatchRecord, departments: list[Department], *, now: datetime) -> list:
    """Open one co-department row per department for this dispatch, each with its own clocks: signing within
    the SLA's sign limit, the opinion within `co_opinion_days` but never after the lead's reply deadline
    (nor before the signing one); their helpers are told."""
    sla = get_sla()
    sign_due = deadline_after(now, sla.sign_days)
    opinion_due = max(min(deadline_after(now, sla.co_opinion_days), case.reply_due_at), sign_due)
    rows = [TicketCoDepartment(**{case.dispatch_key: case.id}, dispatch_record=record, department_id=d.id,
                               dispatched_at=now, sign_due_at=sign_due, opinion_due_at=opinion_due)
            for d in departments]
    db.session.add_all(rows)
    case.co_department_count = len(rows)
    _forget(case)
    if rows:
        notify_staff(_helpers_of([d.id for d in departments]), "ticket_co_dispatched", case, "co_dispatch",
                     _l("请于 %(due)s 前签收，%(opinion)s 前提交协办意见。", due=local_date(sign_due).isoformat(),
                        opinion=local_date(opinion_due).isoformat()), title=case.title)
    return rows


def end(case, *, now: datetime) -> None:
    """The dispatch is over (the lead returned the case): its co-department requests lapse."""
    for row in open_rows(case):
        row.ended_at = now
    case.co_department_count = 0
    _forget(case)


def _forget(case) -> None:
    """A 共性问题's rows are kept at hand for the request (app.common_problems.co_departments.rows): read again."""
    if is_common(case):
        from app.common_problems.co_departments import forget

        forget(case)


def shift(ticket: Ticket, moved) -> None:
    """Resume after a pause: the co-departments' running clocks move on like the lead's (`moved` shifts one)."""
    for row in open_rows(ticket):
        if row.signed_at is None:
            row.sign_due_at = moved(row.sign_due_at)
        if row.opinion_at is None:
            row.opinion_due_at = moved(row.opinion_due_at)


def _names(department_ids) -> list[str]:
    if not department_ids:
        return []
    return db.session.scalars(sa.select(Department.name).where(Department.id.in_(department_ids))
                              .order_by(Department.code, Department.id)).all()


def check_lead_reply(case, *, now: datetime) -> list[str]:
    """The lead department's reply closes the loop once every co-opinion is in or overdue.

    Refuses (409) while an opinion is awaited within its deadline; returns the names of the
    co-departments whose opinion is overdue and missing (the reply is then flagged 协办意见逾期).
    """
    if case.status != "in_progress":
        return []
    rows = open_rows(case)
    awaited = [r.department_id for r in rows if r.opinion_at is None and not r.opinion_overdue(now)]
    if awaited:
        raise TicketActionError(
            _("尚待协办部门提交意见：%(names)s。请在其提交意见或逾期后再答复。", names="、".join(_names(awaited))), 409,
            code="co_opinions_pending")
    return _names([r.department_id for r in rows if r.opinion_at is None])


def _own_row(actor, case) -> TicketCoDepartment:
    if is_common(case):
        from app.common_problems.co_departments import row_of

        row = row_of(actor, case)
    else:
        row = permissions.co_department_row(actor, case)
    if row is None:  # the action's check has refused already; kept for a direct call
        raise TicketActionError(_("您的部门不是该问题的协办部门。"), 403)
    return row


def sign_row(row: TicketCoDepartment, actor, now: datetime) -> TicketCoDepartment:
    """The co-department's signing, on time or not by its own deadline (a problem's or a 共性问题's row)."""
    if row.signed_at is not None:
        raise TicketActionError(_("贵部门已签收该协办问题。"), 409)
    row.signed_at = now
    row.signed_on_time = now <= row.sign_due_at
    row.signed_by_id = actor.id
    return row


def give_opinion(row: TicketCoDepartment, actor, opinion, now: datetime) -> str:
    """The co-department's opinion, once and after signing (a problem's or a 共性问题's row); its text."""
    if row.signed_at is None:
        raise TicketActionError(_("请先签收该协办问题，再提交协办意见。"), 409)
    if row.opinion_at is not None:
        raise TicketActionError(_("贵部门已提交协办意见。"), 409)
    text = opinion  # trimmed and not empty: schemas.CoOpinion
    row.opinion = text
    row.opinion_at = now
    row.opinion_on_time = now <= row.opinion_due_at
    row.opinion_by_id = actor.id
    return text


def co_sign_step(actor, case, *, now: datetime, step) -> TicketCoDepartment:
    """协办签收 on a problem or a 共性问题 (the caller checked the action): the co-department takes the request
    on, on time or not by its own sign deadline; `step` records it on the case's timeline."""
    row = sign_row(_own_row(actor, case), actor, now)
    step(actor, case, "co_sign", now=now, data={
        "department_id": row.department_id, "department": row.department.name, "on_time": row.signed_on_time,
        "opinion_due_on": local_date(row.opinion_due_at).isoformat()})
    return row


def co_opinion_step(actor, case, *, opinion, now: datetime, step) -> TicketCoDepartment:
    """协办意见 on a problem or a 共性问题 (the caller checked the action): the co-department's opinion for the
    lead department (staff only, never the company); `step` records it, and the lead is told."""
    row = _own_row(actor, case)
    text = give_opinion(row, actor, opinion, now)
    set_committed_value(row, "opinion_by", actor)  # the page shows who gave it without loading them again
    name = row.department.name
    step(actor, case, "co_opinion", now=now, body=text,
         data={"department_id": row.department_id, "department": name, "on_time": row.opinion_on_time})
    lead = department_helpers(case) if case.department_id else []
    notify_staff(lead, "ticket_co_opinion", case, f"co_opinion:{row.id}", text[:200], department=name)
    return row


def _record(actor, ticket: Ticket, action: str, *, now: datetime, body: str = "", data: dict) -> None:
    """A co-department's step on a problem's timeline (internal) and in the audit log."""
    add_event(ticket, actor, action, now=now, from_status=ticket.status, to_status=ticket.status, body=body,
              public=False, data=data)
    audit.record(f"ticket_{action}", ticket, actor=actor, after={"department_id": data["department_id"],
                                                                 "on_time": data["on_time"]})
    ticket.updated_at = now  # bumps the version: the lead's page notices


def co_sign(actor, ticket: Ticket, *, version=None, now=None) -> TicketCoDepartment:
    """协办签收 on a problem."""
    from app.core.db import utcnow

    now = now or utcnow()
    check_action(actor, ticket, "co_sign", version)
    return co_sign_step(actor, ticket, now=now, step=_record)


def co_opinion(actor, ticket: Ticket, *, opinion, version=None, now=None) -> TicketCoDepartment:
    """协办意见 on a problem."""
    from app.core.db import utcnow

    now = now or utcnow()
    check_action(actor, ticket, "co_opinion", version)
    return co_opinion_step(actor, ticket, opinion=opinion, now=now, step=_record)
