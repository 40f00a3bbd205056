"""Deadlines follow the calendar: adding, changing or removing a holiday or 调休 override moves the due
dates of the open problems whose running deadline spans the day (timeline note, audit row).

March 2027 has no chinesecalendar data: Monday to Friday are working days until an admin says otherwise.
  Mon 03-01  Tue 03-02  Wed 03-03  Thu 03-04  Fri 03-05  Sat 03-06  Sun 03-07  Mon 03-08  Tue 03-09
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa

from app.core.models import AuditLog
from app.core.timeutil import local_date
from app.tickets.models import DispatchRecord, Ticket, TicketEvent
from tests.tickets.helpers import World


def at(day: int, hour: int = 10) -> datetime:
    """A Shanghai wall-clock time in March 2027, as aware UTC."""
    return datetime(2027, 3, day, hour - 8, 0, tzinfo=timezone.utc)


def due(db_session, ticket, column="due_at") -> date:
    db_session.expire_all()
    return local_date(getattr(db_session.get(Ticket, ticket.id), column))


def test_an_added_holiday_and_an_added_tiaoxiu_saturday_move_open_deadlines(make, login_as, db_session):
    world = World(make)
    # A: submitted and dispatched on Mon 03-01: sign within 1 working day (03-02), reply within 5 (03-08).
    a = world.new_ticket(now=at(1))
    world.act(world.manager, a, "dispatch", now=at(1, 11), department_id=world.department.id)
    assert (due(db_session, a, "sign_due_at"), due(db_session, a, "reply_due_at")) == (date(2027, 3, 2), date(2027, 3, 8))
    # B: submitted Fri 03-05, waiting for acceptance: due the next working day, Mon 03-08.
    b = world.new_ticket(now=at(5))
    assert due(db_session, b) == date(2027, 3, 8)
    # C: submitted Mon 03-01 and already answered: no running deadline of a staff step to move.
    c = world.new_ticket(now=at(1))
    world.act(world.escort, c, "accept", now=at(1, 11))
    world.act(world.escort, c, "reply", now=at(1, 12), message="已答复。")
    c_due = due(db_session, c)

    admin, _user = login_as("admin")
    # A new holiday on Wed 03-03: A's reply deadline moves one working day later (03-09); its signing
    # deadline (03-02) is before the holiday and stays; B (started 03-05) is not affected.
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-03-03", "kind": "holiday", "note": "区里放假"})
    assert "1 个未办结问题的期限已按新日历重新计算" in admin.follow(response).get_data(as_text=True)
    assert (due(db_session, a, "sign_due_at"), due(db_session, a, "reply_due_at")) == (date(2027, 3, 2), date(2027, 3, 9))
    assert due(db_session, a) == date(2027, 3, 2)  # the running step is the signing
    record = db_session.scalars(sa.select(DispatchRecord).where(DispatchRecord.ticket_id == a.id)).one()
    assert local_date(record.reply_due_at) == date(2027, 3, 9) and local_date(record.sign_due_at) == date(2027, 3, 2)
    assert due(db_session, b) == date(2027, 3, 8) and due(db_session, c) == c_due
    note = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == a.id,
                                                           TicketEvent.kind == "deadline_recomputed")).one()
    assert note.public is False and "2027-03-03" in note.body
    audit = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "ticket_deadline_recomputed")).one()
    assert audit.object_id == a.id and audit.after == {"reply_due_at": record.reply_due_at.isoformat()}

    # The year's arrangement in one step, with a 调休 working Saturday 03-06: A's reply deadline comes back to
    # Mon 03-08 (03-02, 03-04, 03-05, 03-06, 03-08), and B's acceptance is due Saturday 03-06.
    response = admin.post("/admin/settings/calendar/bulk", {
        "year": "2027", "lines": "2027-03-03 休 区里放假\n2027-03-06 班 调休上班"})
    assert response.status_code == 302
    assert "2 个未办结问题的期限已按新日历重新计算" in admin.follow(response).get_data(as_text=True)
    assert due(db_session, a, "reply_due_at") == date(2027, 3, 8)
    assert due(db_session, b) == date(2027, 3, 6) and due(db_session, b, "accept_due_at") == date(2027, 3, 6)

    # The timeline shows the change to staff.
    page = admin.get(f"/tickets/{a.id}").get_data(as_text=True)
    assert "工作日历调整，期限重算" in page

    # Removing the holiday moves A's reply deadline one working day earlier: 03-02 … 03-06 (the worked Saturday).
    from app.core.models import CalendarOverride

    holiday = db_session.scalars(sa.select(CalendarOverride).where(CalendarOverride.day == date(2027, 3, 3))).one()
    admin.post(f"/admin/settings/calendar/{holiday.id}/delete", {}, form_page="/admin/settings/calendar")
    assert due(db_session, a, "reply_due_at") == date(2027, 3, 6)
    assert due(db_session, b) == date(2027, 3, 6)


def test_a_reopened_problem_counts_from_its_reopening(make, db_session):
    from app.settings import services

    world = World(make)
    t = world.new_ticket(now=at(1))
    world.act(world.escort, t, "accept", now=at(1, 11))
    world.act(world.escort, t, "reply", now=at(1, 12), message="已答复。")
    world.act(world.company_user, t, "rate", now=at(3), rating="unsatisfied", comment="没有解决。")
    before = due(db_session, t)
    # A holiday on 03-02 is before the reopening (03-03): the deadline counted from 03-03 does not move.
    services.save_override(world.admin, None, day=date(2027, 3, 2), is_workday=False, note="")
    make.session.commit()
    assert due(db_session, t) == before
    # One after it does.
    services.save_override(world.admin, None, day=date(2027, 3, 4), is_workday=False, note="")
    make.session.commit()
    assert due(db_session, t) > before
