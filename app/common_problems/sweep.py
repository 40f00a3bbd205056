"""The sweep's part for common problems (共性问题): called by `flask tickets sweep` (app.tickets.sweep).

A common problem runs one clock for all its members, so the sweep tells and supervises the group once —
never each member (their deadlines only mirror the group's: app.common_problems.services.sync_members):

1. A group past its deadline: who owes the step (待交办: the managers; 已交办/办理中: the department's
   named helper, or all its active helpers) and the managers are told once per deadline
   (overdue_notified_for).
2. A group overdue by the configured number of working days and not yet supervised is supervised
   (督办) automatically, once: its timeline says so and the department is told.
3. A group due within one working day: who owes the step is told once per deadline (due_soon_notified_for).
The rules are a problem's (app.tickets.sweep: tell_overdue, tell_due_soon); only the groups are chosen here.
"""
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.settings.sla import SLA
from app.tickets.sweep import tell_due_soon, tell_overdue

from app.common_problems import services
from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem


def sweep_common_problems(now: datetime, horizon: datetime, sla: SLA, result) -> None:
    """Notices and automatic supervision of the open common problems (two queries, then one per notice)."""
    overdue = db.session.scalars(
        sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES), CommonProblem.due_at < now)
        .order_by(CommonProblem.id)).all()
    for group in overdue:
        tell_overdue(group, now, sla, result, services.supervise)

    for group in db.session.scalars(
        sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES), CommonProblem.due_at >= now,
                                       CommonProblem.due_at <= horizon).order_by(CommonProblem.id)
    ):
        tell_due_soon(group, result)
