"""Digests for a fixed clock, sent once per period and in the recipient's language; hotline intake."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.core.models import Notification
from app.notify.digests import send_due_digests
from tests.tickets.helpers import MONDAY, World

# Wednesday 2026-11-18, 09:00 in Shanghai: two working days after MONDAY's problems were filed.
WEDNESDAY_9 = datetime(2026, 11, 18, 1, 0, tzinfo=timezone.utc)


def _digests(db_session, user, kind="digest_daily"):
    return db_session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == kind)).all()


def test_the_daily_digest_lists_what_each_person_owes_once_a_day(make, db_session):
    w = World(make)
    to_sign = w.ticket_in("dispatched")  # sign due within a working day
    to_rate = w.ticket_in("replied")
    accepted = w.ticket_in("accepted", now=MONDAY - timedelta(days=14))  # the escort's reply is overdue
    w.company_user.locale = "en"
    db_session.commit()

    assert send_due_digests(WEDNESDAY_9 - timedelta(hours=2))["daily"] == 0  # 07:00: not yet
    sent = send_due_digests(WEDNESDAY_9)
    db_session.commit()
    assert sent["daily"] == 3  # the helper, the company user, the escort

    (helper,) = _digests(db_session, w.helper)
    assert helper.title == "每日待办：今日到期 0，超期 1，待签收 1，待评价 0"
    assert f"待签收（1）\n- {to_sign.number} {to_sign.title}" in helper.body
    assert f"已超期（1）\n- {to_sign.number}" in helper.body

    (company,) = _digests(db_session, w.company_user)
    assert company.title == "Daily to-do: due today 0, overdue 0, to sign 0, to rate 1"
    assert f"To rate (1)\n- {to_rate.number}" in company.body and company.url == "/portal/"

    (escort,) = _digests(db_session, w.escort)
    assert accepted.number in escort.body and to_rate.number not in escort.body

    assert send_due_digests(WEDNESDAY_9 + timedelta(hours=3))["daily"] == 0  # once per day
    assert send_due_digests(WEDNESDAY_9 + timedelta(days=1))["daily"] == 3


def test_the_weekly_summary_goes_to_managers_on_monday_and_the_visit_reminder_to_escorts_after_the_20th(
        make, db_session):
    w = World(make)
    w.ticket_in("closed")
    w.new_ticket()
    monday_9 = MONDAY + timedelta(days=7, hours=-1)  # 2026-11-23 09:00 Shanghai
    sent = send_due_digests(monday_9)
    db_session.commit()
    assert sent["weekly"] >= 1 and sent["monthly"] >= 1
    (summary,) = _digests(db_session, w.manager, "weekly_summary")
    assert summary.title.startswith("本周小结：新增 2，办结 1")
    (reminder,) = _digests(db_session, w.escort, "visit_reminder")
    assert reminder.title == "2026年11月尚未走访的企业：1 家" and w.company.name in reminder.body
    again = send_due_digests(monday_9 + timedelta(hours=1))
    assert (again["weekly"], again["monthly"]) == (0, 0)


def test_a_hotline_system_files_a_problem_through_the_api(api, make, db_session):
    """The 12345 hotline platform holds a manager's token and files problems with source hotline."""
    w = World(make)
    client, _manager, headers = api(user=w.manager)
    response = client.post("/api/v1/tickets", headers=headers, json={
        "company_id": w.company.id, "title": "来电反映：用工招聘困难", "description": "12345 工单 HL-20261118-001 转入。",
        "category": "labour", "source": "hotline"})
    assert response.status_code == 201, response.get_json()
    ticket = response.get_json()
    assert (ticket["source"], ticket["status"]) == ("hotline", "submitted")
    note = db_session.scalars(sa.select(Notification).where(Notification.user_id == w.escort.id)).one()
    assert ticket["number"] in note.title
