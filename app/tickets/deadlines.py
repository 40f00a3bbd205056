"""Deadlines follow the calendar: when a holiday or 调休 override is added, changed or removed, the
open problems whose running deadline spans a changed day get their due dates computed again.

A deadline is "n working days after the day its stage started" (app/core/workdays.deadline_after).
Before the calendar changes, `plan_recompute` finds the open problems whose stage start lies before a
changed day and whose deadline lies on or after it, and counts n between them with the calendar as
it was. After the change, `apply_recompute` puts the deadline n working days after the same start with
the new calendar: a new holiday moves it one working day later, a new 调休 working day one earlier.
Each moved deadline gets an internal timeline note and an audit row.

Stage starts (the time the running deadline was counted from):
  submitted    created_at                                (accept_due_at)
  accepted     accepted_at, or the 不满意 rating that sent it back (rated_at, when later)
  escalated    escalated_at (the escalation, or the department's return)
  dispatched   dispatched_at                             (sign_due_at; also reply_due_at)
  in_progress  dispatched_at, or the 不满意 rating that reopened it (rated_at, when later) (reply_due_at)
The current dispatch record's sign and reply deadlines move with the ticket's. The co-departments' own
clocks (协办: sign and opinion deadlines, counted from their dispatch) move the same way.

A 共性问题 runs one clock for its members: its own deadlines are planned like a problem's (待交办 from its
creation or the department's latest return, 已交办/办理中 from its dispatch), its dispatch record follows,
and each member takes the group's new deadlines (app.common_problems.services.sync_members) with the same
timeline note. Members are never planned on their own (their deadlines only mirror the group's).
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from app.core import audit
from app.core.db import utcnow
from app.core.timeutil import local_date, start_of_local_day
from app.core.workdays import deadline_after, working_days_between
from app.extensions import db
from app.tickets.models import SLA_STATES, Ticket, TicketCoDepartment, TicketEvent


@dataclass
class Planned:
    ticket_id: int
    start: datetime
    # column → working days from the start's local day to the deadline's, under the old calendar
    days: dict
    # 协办: the co-department row whose own clocks (sign_due_at, opinion_due_at) these are, counted from its
    # dispatch; None for the problem's own deadlines.
    co_row_id: int | None = None
    # 共性问题: the group whose deadlines these are (its members follow it); None for a problem's own.
    common_problem_id: int | None = None


def _start(ticket: Ticket) -> datetime | None:
    status = ticket.status
    if status == "submitted":
        return ticket.created_at
    if status == "escalated":
        return ticket.escalated_at
    if status == "dispatched":
        return ticket.dispatched_at
    base = ticket.accepted_at if status == "accepted" else ticket.dispatched_at
    if ticket.reopen_count and ticket.rated_at and (base is None or ticket.rated_at > base):
        return ticket.rated_at
    return base


def _columns(ticket: Ticket) -> list[str]:
    """The deadline columns that run from the current stage's start."""
    if ticket.status == "submitted":
        return ["due_at", "accept_due_at"]
    if ticket.status == "dispatched":
        return ["due_at", "sign_due_at", "reply_due_at"]
    if ticket.status == "in_progress":
        return ["due_at", "reply_due_at"]
    return ["due_at"]


def plan_recompute(days: set[date]) -> list[Planned]:
    """Before the calendar changes: the open problems a change on `days` may move (one query)."""
    if not days:
        return []
    first, last = min(days), max(days)
    tickets = db.session.scalars(
        sa.select(Ticket).where(Ticket.status.in_(SLA_STATES), Ticket.common_problem_id.is_(None), sa.or_(
            Ticket.due_at >= start_of_local_day(first), Ticket.reply_due_at >= start_of_local_day(first)))
    ).all()
    plans = []
    for ticket in tickets:
        start = _start(ticket)
        if start is None or local_date(start) >= last:
            continue
        counted = {}
        for column in _columns(ticket):
            due = getattr(ticket, column)
            if due is not None and any(local_date(start) < d <= local_date(due) for d in days):
                counted[column] = working_days_between(local_date(start), local_date(due))
        if counted:
            plans.append(Planned(ticket.id, start, counted))
    return plans + _plan_co_departments(days) + _plan_common_problems(days)


def _plan_common_problems(days: set[date]) -> list[Planned]:
    """The open common problems' running clocks a change on `days` may move (two queries: the groups, then
    the time their 待交办 clock started — created, or returned by the department — for those waiting)."""
    from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem, CommonProblemEvent

    first, last = min(days), max(days)
    groups = db.session.scalars(sa.select(CommonProblem).where(
        CommonProblem.status.in_(OPEN_GROUP_STATUSES), sa.or_(
            CommonProblem.due_at >= start_of_local_day(first),
            CommonProblem.reply_due_at >= start_of_local_day(first)))).all()
    waiting = [g.id for g in groups if g.status == "escalated"]
    started = dict(db.session.execute(
        sa.select(CommonProblemEvent.common_problem_id, sa.func.max(CommonProblemEvent.at))
        .where(CommonProblemEvent.common_problem_id.in_(waiting), CommonProblemEvent.kind.in_(("create", "return")))
        .group_by(CommonProblemEvent.common_problem_id)).all()) if waiting else {}
    plans = []
    for group in groups:
        start = started.get(group.id) if group.status == "escalated" else group.dispatched_at
        if start is None or local_date(start) >= last:
            continue
        columns = {"escalated": ["due_at"], "dispatched": ["due_at", "sign_due_at", "reply_due_at"],
                   "in_progress": ["due_at", "reply_due_at"]}[group.status]
        counted = {}
        for column in columns:
            due = getattr(group, column)
            if due is not None and any(local_date(start) < d <= local_date(due) for d in days):
                counted[column] = working_days_between(local_date(start), local_date(due))
        if counted:
            plans.append(Planned(0, start, counted, common_problem_id=group.id))
    return plans


def _plan_co_departments(days: set[date]) -> list[Planned]:
    """The co-departments' own running clocks (协办签收, 协办意见) a change on `days` may move (one query), of
    problems and of common problems (共性问题) alike."""
    from app.common_problems.models import CommonProblem

    first, last = min(days), max(days)
    handling = ("dispatched", "in_progress")
    rows = db.session.scalars(
        sa.select(TicketCoDepartment)
        .outerjoin(Ticket, Ticket.id == TicketCoDepartment.ticket_id)
        .outerjoin(CommonProblem, CommonProblem.id == TicketCoDepartment.common_problem_id).where(
            sa.or_(Ticket.status.in_(handling), CommonProblem.status.in_(handling)),
            TicketCoDepartment.ended_at.is_(None),
            TicketCoDepartment.opinion_at.is_(None), TicketCoDepartment.dispatched_at < start_of_local_day(last),
            TicketCoDepartment.opinion_due_at >= start_of_local_day(first))
    ).all()
    plans = []
    for row in rows:
        start = local_date(row.dispatched_at)
        counted = {}
        for column in ("opinion_due_at",) if row.signed_at else ("sign_due_at", "opinion_due_at"):
            due = local_date(getattr(row, column))
            if any(start < d <= due for d in days):
                counted[column] = working_days_between(start, due)
        if counted:
            plans.append(Planned(row.ticket_id, row.dispatched_at, counted, co_row_id=row.id))
    return plans


def apply_recompute(actor, plans: list[Planned], *, reason: str, now: datetime | None = None) -> int:
    """After the calendar changed: move the planned deadlines; returns how many problems moved."""
    now = now or utcnow()
    moved = 0
    for plan in plans:
        if plan.co_row_id is not None:
            _move_co_department(plan)
            continue
        if plan.common_problem_id is not None:
            moved += _move_common_problem(actor, plan, reason=reason, now=now)
            continue
        ticket = db.session.get(Ticket, plan.ticket_id)
        changes, data = _move_clocks(ticket, plan)
        if not changes:
            continue
        db.session.add(TicketEvent(
            ticket_id=ticket.id, at=now, actor_id=actor.id if actor else None, kind="deadline_recomputed",
            public=False, body=reason, data=data,
        ))
        audit.record("ticket_deadline_recomputed", ticket, actor=actor,
                     before={c: v[0].isoformat() for c, v in changes.items()},
                     after={c: v[1].isoformat() for c, v in changes.items()}, message=reason[:500])
        moved += 1
    db.session.flush()
    return moved


def _move_clocks(case, plan: Planned) -> tuple[dict, dict]:
    """A problem's or a 共性问题's planned deadlines after the calendar changed (the same working days after
    their start), and its open dispatch record's where they were the same; returns the changes
    ({column: (old, new)}, none when nothing moved) and the timeline's data for them."""
    from app.tickets.services import current_dispatch

    changes = {}
    for column, n in plan.days.items():
        old, new = getattr(case, column), deadline_after(plan.start, n)
        if new != old:
            changes[column] = (old, new)
            setattr(case, column, new)
    if not changes:
        return changes, {}
    record = current_dispatch(case) if case.status in ("dispatched", "in_progress") else None
    if record is not None:
        for column in ("sign_due_at", "reply_due_at"):
            if column in changes and getattr(record, column) == changes[column][0]:
                setattr(record, column, changes[column][1])
    old_due, new_due = changes.get("due_at", (case.due_at, case.due_at))
    return changes, {"old_due": local_date(old_due).isoformat() if old_due else None,
                     "new_due": local_date(new_due).isoformat() if new_due else None, "columns": sorted(changes)}


def _move_co_department(plan: Planned) -> None:
    """A co-department's clocks after the calendar changed: the same working days after its dispatch."""
    row = db.session.get(TicketCoDepartment, plan.co_row_id)
    for column, n in plan.days.items():
        setattr(row, column, deadline_after(plan.start, n))


def _move_common_problem(actor, plan: Planned, *, reason: str, now: datetime) -> int:
    """A common problem's clocks after the calendar changed, its dispatch record's and (through
    sync_members) its members'; returns how many member problems' deadlines moved."""
    from app.common_problems import services as common_services
    from app.common_problems.models import CommonProblem, CommonProblemEvent

    group = db.session.get(CommonProblem, plan.common_problem_id)
    changes, data = _move_clocks(group, plan)
    if not changes:
        return 0
    db.session.add(CommonProblemEvent(common_problem_id=group.id, at=now, actor_id=actor.id if actor else None,
                                      kind="deadline_recomputed", body=reason, data=data))
    audit.record("common_problem_deadline_recomputed", group, actor=actor,
                 before={c: v[0].isoformat() for c, v in changes.items() if v[0]},
                 after={c: v[1].isoformat() for c, v in changes.items()}, message=reason[:500])
    members = common_services.members_of(group)
    common_services.sync_members(group, members)
    for member in members:
        db.session.add(TicketEvent(ticket_id=member.id, at=now, actor_id=actor.id if actor else None,
                                   kind="deadline_recomputed", public=False, body=reason,
                                   data={**data, "common_problem": group.number}))
    return len(members)
