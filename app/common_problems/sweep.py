"""The sweep's part for common problems (共性问题): called by `flask tickets sweep` (app.tickets.sweep).

A common problem runs one clock for all its members, so the sweep tells and supervises the group once —
never each member (their deadlines only mirror the group's: app.common_problems.services.sync_members):

1. A group past its deadline: who owes the step (待交办: the managers; 已交办/办理中: the department's
   named helper, or all its active helpers) and the managers are told once per deadline
   (overdue_notified_for).
2. A group overdue by the configured number of working days and not yet supervised is supervised
   (督办) automatically, once: its timeline says so and the department is told.
3. A group due within one working day: who owes the step is told once per deadline (due_soon_notified_for).
"""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.notifications import notify
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.settings.sla import SLA
from app.tickets import services as ticket_services

from app.common_problems import services
from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem


def _owers(common_problem: CommonProblem):
    if common_problem.status in ("dispatched", "in_progress") and common_problem.department_id:
        return list(ticket_services.department_helpers(common_problem))
    return list(ticket_services.managers())


def sweep_common_problems(now: datetime, horizon: datetime, sla: SLA, result) -> None:
    """Notices and automatic supervision of the open common problems (two queries, then one per notice)."""
    overdue = db.session.scalars(
        sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES), CommonProblem.due_at < now)
        .order_by(CommonProblem.id)).all()
    for group in overdue:
        days = overdue_working_days(group.due_at, now)
        if group.overdue_notified_for != group.due_at:
            group.overdue_notified_for = group.due_at
            notify(_owers(group) + list(ticket_services.managers()), "ticket_overdue",
                   _l("共性问题 %(number)s 已超期", number=group.number),
                   _l("已超期 %(n)d 个工作日：%(title)s", n=days, title=group.title), ticket_services.staff_url(group),
                   robots=False, event_key=f"common:{group.id}:overdue:{group.due_at.isoformat()}")
            result.overdue_notified += 1
        if days >= sla.supervise_after_days and group.supervision is None:
            services.supervise(None, group, level="supervise", now=now, automatic=True)
            result.supervised += 1

    for group in db.session.scalars(
        sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES), CommonProblem.due_at >= now,
                                       CommonProblem.due_at <= horizon).order_by(CommonProblem.id)
    ):
        if group.due_soon_notified_for != group.due_at:
            group.due_soon_notified_for = group.due_at
            notify(_owers(group), "ticket_due_soon", _l("共性问题 %(number)s 即将到期", number=group.number),
                   group.title, ticket_services.staff_url(group), robots=False,
                   event_key=f"common:{group.id}:due_soon:{group.due_at.isoformat()}")
            result.due_soon_notified += 1
