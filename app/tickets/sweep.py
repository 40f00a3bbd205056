"""The periodic sweep (cron: `flask tickets sweep`). Safe to run any number of times.

0. Accepted problems without a deadline (collected ones moved to 已受理 by migration 0013) get
   the escort's reply deadline, counted from now.
1. Replied problems whose rating window has passed are closed automatically.
2. Problems past their deadline: the people who owe the step and the managers
   are told once per deadline.
3. Problems overdue by the configured number of working days are supervised (督办).
4. Problems due within one working day: the people who owe the step are told once.
5. 协办: a co-department whose step (sign, then opinion) is due within one working day is told once
   (its helpers); once overdue its helpers and the managers are told once; when its opinion is
   overdue the lead department is told once that it may reply without it (the reply is then flagged
   协办意见逾期). Each notice is sent once per deadline: a pause or a calendar change that moves the
   deadline makes it due again. Paused problems are skipped (their clocks stand still).
Members of a 共性问题 are left to their group, which steps 2–4 treat once
(app.common_problems.sweep); a member closed automatically may finish its group (已办结).
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.db import utcnow
from app.core.notifications import notify
from app.core.timeutil import local_date
from app.core.workdays import add_working_days, deadline_after, end_of_local_day, overdue_working_days
from app.extensions import db
from app.settings.sla import get_sla
from app.tickets import permissions, services
from app.tickets.models import SLA_STATES, Ticket, TicketCoDepartment


@dataclass
class SweepResult:
    auto_closed: int = 0
    overdue_notified: int = 0
    supervised: int = 0
    due_soon_notified: int = 0
    deadlines_set: int = 0
    co_due_soon_notified: int = 0
    co_overdue_notified: int = 0
    co_lead_notified: int = 0


def owers(case) -> list:
    """Who owes the next step of a problem or a 共性问题: its department once dispatched; the managers while it
    waits for dispatch (a 共性问题 has no escort); otherwise the problem's escort."""
    if case.status in ("dispatched", "in_progress") and case.department_id:
        return list(services.department_helpers(case))
    if case.status == "escalated" or services.is_common(case):
        return list(services.managers())
    return [services.ticket_escort(case)]


def tell_overdue(case, now: datetime, sla, result: "SweepResult", supervise) -> None:
    """A problem or 共性问题 past its deadline: who owes the step and the managers are told once per deadline;
    overdue by the configured working days and not yet supervised, `supervise` (its service's) 督办 it, once."""
    days = overdue_working_days(case.due_at, now)
    if case.overdue_notified_for != case.due_at:
        case.overdue_notified_for = case.due_at
        services.notify_staff(owers(case) + list(services.managers()), "ticket_overdue", case, "overdue",
                              _l("已超期 %(n)d 个工作日：%(title)s", n=days, title=case.title),
                              once_per=case.due_at.isoformat())
        result.overdue_notified += 1
    if days >= sla.supervise_after_days and case.supervision is None:
        supervise(None, case, level="supervise", now=now, automatic=True)
        result.supervised += 1


def tell_due_soon(case, result: "SweepResult") -> None:
    """A problem or 共性问题 due within one working day: who owes the step is told once per deadline."""
    if case.due_soon_notified_for != case.due_at:
        case.due_soon_notified_for = case.due_at
        services.notify_staff(owers(case), "ticket_due_soon", case, "due_soon", case.title,
                              once_per=case.due_at.isoformat())
        result.due_soon_notified += 1


def sweep(now: datetime | None = None) -> SweepResult:
    now = now or utcnow()
    result = SweepResult()
    sla = get_sla()

    for ticket in db.session.scalars(
        sa.select(Ticket).where(Ticket.status == "accepted", Ticket.due_at.is_(None)).with_for_update()
    ):
        ticket.due_at = deadline_after(now, sla.escort_reply_days)
        result.deadlines_set += 1

    for ticket in db.session.scalars(
        sa.select(Ticket).where(Ticket.status == "replied", Ticket.autoclose_at < now).with_for_update()
    ):
        before = ticket.status
        ticket.status = "closed"
        ticket.auto_closed = True
        services.mark_closed(ticket, now)
        services.add_event(ticket, None, "auto_close", now=now, from_status=before, to_status="closed",
                        body=_("答复后超过 %(n)d 个工作日未评价，系统自动办结。", n=sla.autoclose_days))
        audit.record("ticket_auto_close", ticket, actor=None, before={"status": before}, after={"status": "closed"})
        result.auto_closed += 1
        if ticket.common_problem_id is not None:
            from app.common_problems.services import member_finished

            member_finished(None, ticket, now=now)

    overdue = db.session.scalars(
        sa.select(Ticket).options(joinedload(Ticket.company))
        .where(Ticket.status.in_(SLA_STATES), Ticket.due_at < now, Ticket.common_problem_id.is_(None))
    ).all()
    for ticket in overdue:
        tell_overdue(ticket, now, sla, result, services.supervise)

    horizon = end_of_local_day(add_working_days(local_date(now), 1))
    for ticket in db.session.scalars(
        sa.select(Ticket).options(joinedload(Ticket.company))
        .where(Ticket.status.in_(SLA_STATES), Ticket.due_at >= now, Ticket.due_at <= horizon,
               Ticket.common_problem_id.is_(None))
    ):
        tell_due_soon(ticket, result)

    _sweep_co_departments(now, horizon, result)

    from app.common_problems.sweep import sweep_common_problems  # common problems build on tickets

    sweep_common_problems(now, horizon, sla, result)
    db.session.flush()
    return result


def _co_helpers(row: TicketCoDepartment):
    from app.tickets.co_departments import _helpers_of

    return _helpers_of([row.department_id])


def _sweep_co_departments(now: datetime, horizon: datetime, result: SweepResult) -> None:
    """协办 notices (point 5 above): the open co-department rows of open, unpaused problems — and of open
    common problems (共性问题), whose dispatch names co-departments too — whose step is due by the horizon,
    in one query each (with their department)."""
    from app.common_problems import co_departments as group_co
    from app.common_problems.models import CommonProblem

    co = TicketCoDepartment
    due_by_horizon = sa.or_(sa.and_(co.signed_at.is_(None), co.sign_due_at <= horizon), co.opinion_due_at <= horizon)
    ticket_rows = db.session.execute(
        sa.select(co, Ticket).join(Ticket, Ticket.id == co.ticket_id)
        .options(joinedload(co.department))
        .where(co.ended_at.is_(None), co.opinion_at.is_(None), Ticket.status.in_(("dispatched", "in_progress")),
               Ticket.paused_at.is_(None), due_by_horizon)
        .order_by(co.ticket_id, co.id)
    ).all()
    for row, ticket in ticket_rows:
        _notify_co_row(row, now, result, number=ticket.number, title=ticket.title,
                       url=services.ticket_url(ticket), notice={"ticket": ticket},
                       lead=lambda t=ticket: services.department_helpers(t) if t.department_id else [],
                       awaited=lambda t=ticket: permissions.awaited_co_opinions(t, now))
    group_rows = db.session.execute(
        sa.select(co, CommonProblem).join(CommonProblem, CommonProblem.id == co.common_problem_id)
        .options(joinedload(co.department))
        .where(co.ended_at.is_(None), co.opinion_at.is_(None),
               CommonProblem.status.in_(("dispatched", "in_progress")), due_by_horizon)
        .order_by(co.common_problem_id, co.id)
    ).all()
    for row, group in group_rows:
        _notify_co_row(row, now, result, number=group.number, title=group.title, url=services.staff_url(group),
                       notice={"url": services.staff_url(group)},
                       lead=lambda g=group: services.department_helpers(g) if g.department_id else [],
                       awaited=lambda g=group: group_co.awaited(g, now))


def _notify_co_row(row, now, result: SweepResult, *, number, title, url, notice, lead, awaited) -> None:
    """The notices one co-department row is owed now, each once per deadline (its markers)."""
    due = row.due_at
    step = _("签收") if row.signed_at is None else _("提交协办意见")
    key = f"co:{row.id}:{due.isoformat()}"
    if due < now:
        if row.overdue_notified_for != due:
            row.overdue_notified_for = due
            days = overdue_working_days(due, now)
            notify(list(_co_helpers(row)) + list(services.managers()), "ticket_overdue",
                   _l("协办问题 %(number)s 已超期（%(department)s）", number=number, department=row.department.name),
                   _l("%(department)s%(step)s已超期 %(n)d 个工作日：%(title)s", department=row.department.name,
                      step=step, n=days, title=title),
                   robots=False, event_key=f"{key}:overdue", **notice)
            result.co_overdue_notified += 1
    elif row.due_soon_notified_for != due:
        row.due_soon_notified_for = due
        notify(_co_helpers(row), "ticket_due_soon", _l("协办问题 %(number)s 即将到期", number=number),
               _l("请于 %(due)s 前%(step)s：%(title)s", due=local_date(due).isoformat(), step=step, title=title),
               robots=False, event_key=f"{key}:soon", **notice)
        result.co_due_soon_notified += 1
    if row.opinion_overdue(now) and row.lead_notified_for != row.opinion_due_at:
        row.lead_notified_for = row.opinion_due_at
        waiting = [r.department.name for r in awaited()]
        body = (_l("仍待以下协办部门的意见（未到期）：%(names)s。", names="、".join(waiting)) if waiting
                else _l("可以答复：答复将注明该协办意见逾期未提交。"))
        notify(lead(), "ticket_co_overdue",
               _l("问题 %(number)s 的协办意见逾期：%(department)s", number=number, department=row.department.name),
               body, robots=False, event_key=f"co:{row.id}:lead:{row.opinion_due_at.isoformat()}", **notice)
        result.co_lead_notified += 1
