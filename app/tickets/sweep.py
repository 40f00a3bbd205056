"""The periodic sweep (cron: `flask tickets sweep`). Safe to run any number of times.

0. Accepted problems without a deadline (collected ones moved to 已受理 by migration 0013) get
   the escort's reply deadline, counted from now.
1. Replied problems whose rating window has passed are closed automatically.
2. Problems past their deadline: the people who owe the step and the managers
   are told once per deadline.
3. Problems overdue by the configured number of working days are supervised (督办).
4. Problems due within one working day: the people who owe the step are told once.
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
from app.tickets import services
from app.tickets.models import SLA_STATES, Ticket


@dataclass
class SweepResult:
    auto_closed: int = 0
    overdue_notified: int = 0
    supervised: int = 0
    due_soon_notified: int = 0
    deadlines_set: int = 0


def _owers(ticket: Ticket):
    """Who owes the next step of this problem."""
    if ticket.status in ("dispatched", "in_progress"):
        return services._department_helpers(ticket)
    if ticket.status == "escalated":
        return services._managers()
    return [services._escort(ticket)]


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
        services._event(ticket, None, "auto_close", now=now, from_status=before, to_status="closed",
                        body=_("答复后超过 %(n)d 个工作日未评价，系统自动办结。", n=sla.autoclose_days))
        audit.record("ticket_auto_close", ticket, actor=None, before={"status": before}, after={"status": "closed"})
        result.auto_closed += 1

    overdue = db.session.scalars(
        sa.select(Ticket).options(joinedload(Ticket.company))
        .where(Ticket.status.in_(SLA_STATES), Ticket.due_at < now)
    ).all()
    for ticket in overdue:
        days = overdue_working_days(ticket.due_at, now)
        if ticket.overdue_notified_for != ticket.due_at:
            ticket.overdue_notified_for = ticket.due_at
            notify(list(_owers(ticket)) + list(services._managers()), "ticket_overdue",
                   _l("问题 %(number)s 已超期", number=ticket.number),
                   _l("已超期 %(n)d 个工作日：%(title)s", n=days, title=ticket.title), services._ticket_url(ticket), ticket=ticket)
            result.overdue_notified += 1
        if days >= sla.supervise_after_days and ticket.supervision is None:
            services.supervise(None, ticket, level="supervise", now=now, automatic=True)
            result.supervised += 1

    horizon = end_of_local_day(add_working_days(local_date(now), 1))
    for ticket in db.session.scalars(
        sa.select(Ticket).options(joinedload(Ticket.company))
        .where(Ticket.status.in_(SLA_STATES), Ticket.due_at >= now, Ticket.due_at <= horizon)
    ):
        if ticket.due_soon_notified_for != ticket.due_at:
            ticket.due_soon_notified_for = ticket.due_at
            notify(_owers(ticket), "ticket_due_soon", _l("问题 %(number)s 即将到期", number=ticket.number),
                   ticket.title, services._ticket_url(ticket), ticket=ticket)
            result.due_soon_notified += 1
    db.session.flush()
    return result
