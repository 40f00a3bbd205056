"""协办 on a common problem (共性问题): its dispatch names co-departments like a ticket's.

The rules are the ticket's (app.tickets.co_departments): each co-department signs (co_sign) and gives its
opinion (co_opinion) on its own working-day clock — signing within the SLA's sign limit, the opinion
within `co_opinion_days` of the dispatch and never after the group's reply deadline; the lead
department's reply waits until every opinion is in or overdue, and a reply given while one is overdue is
flagged (协办意见逾期) on the group's timeline. The rows are ticket_co_departments rows with
common_problem_id set (ticket_id empty), so department rankings count each co-department's timeliness
once per common problem, like the lead's dispatch record. Both actions are rows of the transitions table
and are checked against it like every other group action.
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.core.timeutil import local_date
from app.core.workdays import deadline_after
from app.extensions import db
from app.reference.models import Department
from app.settings.sla import get_sla
from app.tickets.co_departments import (  # noqa: F401
    OVERDUE_EVENT, _helpers_of, give_opinion, parse_co_departments, sign_row)
from app.tickets.models import TicketCoDepartment
from app.tickets.services import TicketActionError

_LOADED = "_co_rows"


def rows(common_problem) -> list[TicketCoDepartment]:
    """The open co-department rows of the group's current dispatch, with their departments (one query, kept on
    the object for the request; none for a group without co-departments)."""
    loaded = common_problem.__dict__.get(_LOADED)
    if loaded is not None and any("department" not in row.__dict__ for row in loaded):
        loaded = None  # expired by a commit since: read again
    if loaded is None:
        if not common_problem.co_department_count:
            loaded = []
        else:
            loaded = db.session.scalars(
                sa.select(TicketCoDepartment)
                .where(TicketCoDepartment.common_problem_id == common_problem.id,
                       TicketCoDepartment.ended_at.is_(None))
                .options(joinedload(TicketCoDepartment.department), joinedload(TicketCoDepartment.opinion_by))
                .order_by(TicketCoDepartment.id)).all()
        common_problem.__dict__[_LOADED] = loaded
    return loaded


def forget(common_problem) -> None:
    common_problem.__dict__.pop(_LOADED, None)


def row_of(user, common_problem):
    """The open row of `user`'s department, when it is a co-department of the group (None otherwise)."""
    if user is None or user.role != "helper" or not user.department_id:
        return None
    return next((r for r in rows(common_problem) if r.department_id == user.department_id), None)


def awaited(common_problem, now: datetime) -> list[TicketCoDepartment]:
    """Rows whose opinion is still to come within its deadline (the lead's reply waits for them)."""
    return [r for r in rows(common_problem) if r.opinion_at is None and not r.opinion_overdue(now)]


def start(actor, common_problem, record, departments: list[Department], *, now: datetime, notify_staff) -> list:
    """Open one row per co-department for this dispatch, each with its own clocks; tell their helpers."""
    sla = get_sla()
    sign_due = deadline_after(now, sla.sign_days)
    opinion_due = max(min(deadline_after(now, sla.co_opinion_days), common_problem.reply_due_at), sign_due)
    new = [TicketCoDepartment(common_problem_id=common_problem.id, dispatch_record=record, department_id=d.id,
                              dispatched_at=now, sign_due_at=sign_due, opinion_due_at=opinion_due)
           for d in departments]
    db.session.add_all(new)
    common_problem.co_department_count = len(new)
    forget(common_problem)
    if new:
        notify_staff(_helpers_of([d.id for d in departments]), "ticket_co_dispatched",
                     _l("新协办共性问题 %(number)s：%(title)s", number=common_problem.number,
                        title=common_problem.title),
                     _l("请于 %(due)s 前签收，%(opinion)s 前提交协办意见。", due=local_date(sign_due).isoformat(),
                        opinion=local_date(opinion_due).isoformat()), common_problem, "co_dispatch")
    return new


def end(common_problem, *, now: datetime) -> None:
    """The dispatch is over (the lead returned it): the co-departments' requests lapse."""
    for row in rows(common_problem):
        row.ended_at = now
    common_problem.co_department_count = 0
    forget(common_problem)


def _names(department_ids) -> list[str]:
    if not department_ids:
        return []
    return db.session.scalars(sa.select(Department.name).where(Department.id.in_(department_ids))
                              .order_by(Department.code, Department.id)).all()


def check_lead_reply(common_problem, *, now: datetime) -> list[str]:
    """Refuses (409) while an opinion is awaited within its deadline; returns the names of the co-departments
    whose opinion is overdue and missing (the reply is then flagged 协办意见逾期)."""
    waiting = awaited(common_problem, now)
    if waiting:
        raise TicketActionError(
            _("尚待协办部门提交意见：%(names)s。请在其提交意见或逾期后再答复。",
              names="、".join(_names([r.department_id for r in waiting]))), 409, code="co_opinions_pending")
    return _names([r.department_id for r in rows(common_problem) if r.opinion_at is None])


def _own_row(actor, common_problem) -> TicketCoDepartment:
    row = row_of(actor, common_problem)
    if row is None:
        raise TicketActionError(_("您的部门不是该问题的协办部门。"), 403)
    return row


def co_sign(actor, common_problem, *, now: datetime, step) -> TicketCoDepartment:
    row = sign_row(_own_row(actor, common_problem), actor, now)
    step(actor, common_problem, "co_sign", now=now, data={
        "department_id": row.department_id, "department": row.department.name, "on_time": row.signed_on_time,
        "opinion_due_on": local_date(row.opinion_due_at).isoformat()})
    return row


def co_opinion(actor, common_problem, *, opinion, now: datetime, step, notify_staff, lead) -> TicketCoDepartment:
    row = _own_row(actor, common_problem)
    text = give_opinion(row, actor, opinion, now)
    set_committed_value(row, "opinion_by", actor)
    name = row.department.name
    step(actor, common_problem, "co_opinion", now=now, body=text,
         data={"department_id": row.department_id, "department": name, "on_time": row.opinion_on_time})
    notify_staff(lead, "ticket_co_opinion",
                 _l("共性问题 %(number)s 收到%(department)s的协办意见", number=common_problem.number, department=name),
                 text[:200], common_problem, f"co_opinion:{row.id}")
    return row
