"""`flask tickets sweep` with a frozen clock across the 2026 National Day holiday and the 调休 Saturday.

Calendar facts used (chinesecalendar): 2026-10-01..07 are holidays, 2026-10-08 (Thu)
and 2026-10-09 (Fri) are workdays, 2026-10-10 (Sat) is a swapped workday, 10-11 (Sun) is not.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.models import Notification
from app.core.timeutil import local_date
from app.tickets.models import TicketEvent
from tests.tickets.helpers import World

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SH).astimezone(timezone.utc)


def sweep(app, moment: datetime) -> str:
    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def notices(session, user, kind):
    return session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind))


def test_accept_deadline_skips_the_holiday(make):
    world = World(make)
    ticket = world.new_ticket(now=at("2026-09-30"))
    assert local_date(ticket.due_at).isoformat() == "2026-10-08"


def test_overdue_counts_the_swapped_saturday_and_supervises_after_three_working_days(app, make):
    world = World(make)
    ticket = world.new_ticket(now=at("2026-09-30"))
    session = make.session

    sweep(app, at("2026-10-05"))  # inside the holiday: nothing due yet
    assert notices(session, world.escort, "ticket_overdue") == 0

    sweep(app, at("2026-10-08", 12))  # due tonight: a due-soon notice, once
    sweep(app, at("2026-10-08", 13))
    assert notices(session, world.escort, "ticket_due_soon") == 1

    output = sweep(app, at("2026-10-09"))  # one working day late
    assert "overdue notices 1" in output
    assert notices(session, world.escort, "ticket_overdue") == 1
    assert notices(session, world.manager, "ticket_overdue") == 1
    session.refresh(ticket)
    assert ticket.supervision is None

    sweep(app, at("2026-10-11"))  # Sunday: Oct 9 and the 调休 Saturday Oct 10 → 2 days, not yet 3
    session.refresh(ticket)
    assert ticket.supervision is None
    assert notices(session, world.escort, "ticket_overdue") == 1  # told once per deadline

    output = sweep(app, at("2026-10-12"))  # Oct 9, 10 (Sat, workday), 12 → 3 working days
    assert "supervised 1" in output
    session.refresh(ticket)
    assert ticket.supervision == "supervise"
    events = session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "supervise")).all()
    assert len(events) == 1 and events[0].data["automatic"] is True

    sweep(app, at("2026-10-13"))  # idempotent
    assert len(session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "supervise")).all()) == 1


def test_auto_close_after_five_working_days_without_rating(app, make):
    world = World(make)
    ticket = world.new_ticket(now=at("2026-09-30", 9))
    world.act(world.manager, ticket, "dispatch", now=at("2026-09-30", 9), department_id=world.department.id)
    world.act(world.helper, ticket, "sign", now=at("2026-09-30", 9))
    world.act(world.helper, ticket, "reply", now=at("2026-09-30"), message="已答复。")
    # 5 working days after Sep 30: Oct 8, 9, 10 (调休), 12, 13.
    assert local_date(ticket.autoclose_at).isoformat() == "2026-10-13"

    sweep(app, at("2026-10-13", 20))
    make.session.refresh(ticket)
    assert ticket.status == "replied"

    output = sweep(app, at("2026-10-14", 1))
    assert "auto-closed 1" in output
    make.session.refresh(ticket)
    assert ticket.status == "closed" and ticket.auto_closed and ticket.rating is None
    assert sweep(app, at("2026-10-14", 2)).startswith("auto-closed 0")


def test_replied_tickets_are_never_counted_overdue(app, make):
    world = World(make)
    ticket = world.ticket_in("replied", now=at("2026-11-02"))
    assert not ticket.is_overdue(at("2026-11-03"))
    sweep(app, at("2026-11-03"))
    assert notices(make.session, world.company_user, "ticket_overdue") == 0
