"""A common problem behaves like a ticket everywhere its clock matters (issue 17, the group's lifecycle):
the sweep tells and supervises the group once (never each member), members show the group's deadline,
the group reaches 已办结 once every member is finished, and pause/withdraw/removal are refused clearly.

Clock: Monday 2026-12-14 (Asia/Shanghai) onwards, ordinary weeks (no holiday in December 2026)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.common_problems import services
from app.common_problems.models import CommonProblem, CommonProblemEvent
from app.core.models import Notification
from app.core.timeutil import local_date
from app.tickets import services as ticket_services
from app.tickets.models import Ticket, TicketEvent
from app.tickets.services import TicketActionError
from tests.common_problems.helpers import Firms
from tests.conftest import Browser

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SH).astimezone(timezone.utc)


def sweep(app, moment: datetime) -> str:
    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def notices(session, user, kind, like="") -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind, Notification.title.contains(like)))


def fresh(session, model, id_):
    session.expire_all()
    return session.get(model, id_)


def grouped_and_dispatched(firms, session, *, members=5):
    group = services.create_common_problem(firms.manager, title="一线工人招工难",
                                           ticket_ids=[t.id for t in firms.tickets[:members]], now=at("2026-12-14", 9))
    services.perform(firms.manager, group, "dispatch", {"version": group.version, "department_id": firms.hr.id},
                     now=at("2026-12-14", 10))
    session.commit()
    return group


def test_a_late_group_is_told_and_supervised_once_never_each_member(app, make):
    firms = Firms(make)
    session = make.session
    group = grouped_and_dispatched(firms, session)
    assert local_date(group.sign_due_at).isoformat() == "2026-12-15"
    # Every member shows the group's deadline (lists, dashboard and ledger read it from the member).
    for t in firms.tickets:
        member = fresh(session, Ticket, t.id)
        assert member.due_at == group.due_at and member.sign_due_at == group.sign_due_at

    sweep(app, at("2026-12-15", 12))  # due tonight: the department is told once
    sweep(app, at("2026-12-15", 13))
    assert notices(session, firms.helper, "ticket_due_soon", group.number) == 1
    assert notices(session, firms.helper, "ticket_due_soon") == 1  # and not once per member

    output = sweep(app, at("2026-12-16"))  # one working day late
    assert "overdue notices 1" in output
    sweep(app, at("2026-12-16", 15))  # again: nothing new
    assert notices(session, firms.helper, "ticket_overdue", group.number) == 1
    assert notices(session, firms.manager, "ticket_overdue", group.number) == 1
    assert notices(session, firms.helper, "ticket_overdue") == 1
    for t in firms.tickets:  # nobody is told per member (the sixth firm's own late problem is told as usual)
        for user in (firms.manager, *firms.escorts):
            assert notices(session, user, "ticket_overdue", t.number) == 0
    assert fresh(session, CommonProblem, group.id).supervision is None

    output = sweep(app, at("2026-12-18"))  # three working days late: supervised automatically, once
    assert "supervised 1" in output
    sweep(app, at("2026-12-21"))
    group = fresh(session, CommonProblem, group.id)
    assert group.supervision == "supervise"
    events = session.scalars(sa.select(CommonProblemEvent).where(
        CommonProblemEvent.common_problem_id == group.id, CommonProblemEvent.kind == "supervise")).all()
    assert len(events) == 1 and events[0].actor_id is None and events[0].data["automatic"] is True
    assert notices(session, firms.helper, "ticket_supervised", group.number) == 1
    for t in firms.tickets:  # no member was supervised on its own
        assert fresh(session, Ticket, t.id).supervision is None
    assert not session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.kind == "supervise", TicketEvent.ticket_id.in_([t.id for t in firms.tickets])))

    # Signing moves the deadline: the reply deadline is a new one, told again when it comes.
    services.perform(firms.helper, group, "sign", {"version": group.version}, now=at("2026-12-21", 11))
    session.commit()
    member = fresh(session, Ticket, firms.tickets[0].id)
    assert member.status == "in_progress" and member.due_at == fresh(session, CommonProblem, group.id).reply_due_at


def test_the_group_is_closed_when_its_last_member_is_finished_and_leaves_the_open_list(app, make):
    firms = Firms(make)
    session = make.session
    group = grouped_and_dispatched(firms, session, members=3)
    services.perform(firms.helper, group, "sign", {"version": group.version}, now=at("2026-12-14", 11))
    services.perform(firms.helper, group, "reply", {"version": group.version, "message": "已安排专场招聘会。"},
                     now=at("2026-12-14", 15))
    session.commit()
    first, second, third = (fresh(session, Ticket, t.id) for t in firms.tickets[:3])
    ticket_services.perform(firms.users[0], first, "rate", {"version": first.version, "rating": "satisfied"})
    ticket_services.perform(firms.users[1], second, "rate",
                            {"version": second.version, "rating": "unsatisfied", "comment": "时间不合适。"})
    session.commit()
    assert fresh(session, CommonProblem, group.id).status == "replied"  # one member still waits for its rating

    manager = Browser(app.test_client())
    manager.login(firms.manager.username)
    assert group.number in manager.get("/common-problems/?status=unfinished").get_data(as_text=True)

    # The third company never rates: the sweep closes it after the window, and the group with it.
    output = sweep(app, at("2026-12-28"))
    assert "auto-closed 1" in output
    group = fresh(session, CommonProblem, group.id)
    assert group.status == "closed" and group.closed_at == at("2026-12-28") and group.due_at is None
    close = session.scalars(sa.select(CommonProblemEvent).where(CommonProblemEvent.common_problem_id == group.id,
                                                                CommonProblemEvent.kind == "close")).one()
    assert close.data["ratings"] == {"satisfied": 1, "auto": 1}
    assert fresh(session, Ticket, third.id).status == "closed"
    assert fresh(session, Ticket, second.id).common_problem_id is None  # detached, handled alone
    open_list = manager.get("/common-problems/?status=unfinished").get_data(as_text=True)
    assert group.number not in open_list
    page = manager.get(f"/common-problems/{group.id}").get_data(as_text=True)
    assert "已办结" in page and "共性问题办结" in page
    assert group.number in manager.get("/common-problems/?status=closed").get_data(as_text=True)
    sweep(app, at("2026-12-29"))  # idempotent: closed once
    assert session.scalar(sa.select(sa.func.count()).select_from(CommonProblemEvent).where(
        CommonProblemEvent.common_problem_id == group.id, CommonProblemEvent.kind == "close")) == 1


def test_every_member_rated_closes_the_group_through_the_portal(app, make, api):
    firms = Firms(make)
    session = make.session
    group = grouped_and_dispatched(firms, session, members=2)
    services.perform(firms.helper, group, "sign", {"version": group.version})
    services.perform(firms.helper, group, "reply", {"version": group.version, "message": "已安排。"})
    session.commit()
    for i in range(2):
        member = fresh(session, Ticket, firms.tickets[i].id)
        ticket_services.perform(firms.users[i], member, "rate", {"version": member.version, "rating": "satisfied"})
        session.commit()
        assert fresh(session, CommonProblem, group.id).status == ("closed" if i == 1 else "replied")
    client, _user, headers = api(user=firms.manager)
    body = client.get(f"/api/v1/common-problems/{group.id}", headers=headers).get_json()
    assert body["status"] == "closed" and body["closed_at"] and body["allowed_actions"] == []
    assert [m["status"] for m in body["members"]] == ["closed", "closed"]


def test_a_group_is_never_paused_and_says_why(app, make, api):
    firms = Firms(make)
    session = make.session
    group = grouped_and_dispatched(firms, session)
    services.perform(firms.helper, group, "sign", {"version": group.version})
    session.commit()
    client, _user, headers = api(user=firms.helper)
    response = client.post(f"/api/v1/common-problems/{group.id}/actions", headers=headers,
                           json={"action": "pause", "version": group.version, "reason": "缺营业执照"})
    assert response.status_code == 409
    assert "共性问题不能暂停计时" in response.get_json()["error"]["message"]
    # Nor one of its members on its own (here its escort tries): the message says what to do instead.
    member = fresh(session, Ticket, firms.tickets[0].id)
    try:
        ticket_services.perform(firms.escorts[0], member, "pause", {"version": member.version, "reason": "缺材料"})
    except TicketActionError as exc:
        assert exc.status == 409 and "移出共性问题" in exc.message
    else:
        raise AssertionError("a grouped problem was paused")
    session.rollback()
    group = fresh(session, CommonProblem, group.id)
    assert group.due_at is not None and fresh(session, Ticket, member.id).paused_at is None
    # The way the message names: remove it, then pause it alone.
    services.remove_member(firms.manager, group, fresh(session, Ticket, member.id))
    session.commit()
    member = fresh(session, Ticket, member.id)
    assert member.common_problem_id is None and member.sign_due_at is None and member.reply_due_at is None


def test_a_company_cannot_withdraw_a_grouped_problem_and_nothing_changes(app, make, api):
    firms = Firms(make)
    session = make.session
    group = services.create_common_problem(firms.manager, title="招工难", ticket_ids=[t.id for t in firms.tickets[:3]])
    session.commit()
    member = fresh(session, Ticket, firms.tickets[0].id)  # a portal problem: 待受理 before it was grouped
    portal = Browser(app.test_client())
    portal.login(firms.users[0].username)
    page = portal.get(f"/portal/problems/{member.id}").get_data(as_text=True)
    assert "/actions/withdraw" not in page
    client, _user, headers = api(user=firms.users[0])
    response = client.post(f"/api/v1/tickets/{member.id}/actions", headers=headers,
                           json={"action": "withdraw", "version": member.version})
    assert response.status_code == 409 and "不能执行" in response.get_json()["error"]["message"]
    member = fresh(session, Ticket, member.id)
    assert member.status == "escalated" and member.common_problem_id == group.id


def test_the_last_member_cannot_be_removed(make):
    firms = Firms(make)
    session = make.session
    group = services.create_common_problem(firms.manager, title="招工难", ticket_ids=[t.id for t in firms.tickets[:2]])
    session.commit()
    services.remove_member(firms.manager, group, fresh(session, Ticket, firms.tickets[0].id))
    session.commit()
    group = fresh(session, CommonProblem, group.id)
    try:
        services.remove_member(firms.manager, group, fresh(session, Ticket, firms.tickets[1].id))
    except TicketActionError as exc:
        assert exc.status == 409 and "最后一个问题" in exc.message
    else:
        raise AssertionError("the last member was removed")
    session.rollback()
    assert fresh(session, Ticket, firms.tickets[1].id).common_problem_id == group.id


def test_a_calendar_change_moves_the_groups_deadlines_and_every_member_follows(app, make, login_as):
    """March 2027 has no chinesecalendar data: Monday to Friday are working days until an admin says otherwise."""
    from datetime import date

    from app.tickets.models import DispatchRecord

    def shanghai(day, hour=10):
        return datetime(2027, 3, day, hour - 8, 0, tzinfo=timezone.utc)

    firms = Firms(make)
    session = make.session
    group = services.create_common_problem(firms.manager, title="招工难", ticket_ids=[t.id for t in firms.tickets[:3]],
                                           now=shanghai(1, 9))
    services.perform(firms.manager, group, "dispatch", {"version": group.version, "department_id": firms.hr.id},
                     now=shanghai(1, 11))
    # A second group still waiting for dispatch, created Fri 03-05: due the next working day, Mon 03-08.
    waiting = services.create_common_problem(firms.manager, title="另一组",
                                             ticket_ids=[firms.tickets[3].id, firms.tickets[4].id], now=shanghai(5))
    session.commit()
    assert local_date(group.reply_due_at) == date(2027, 3, 8) and local_date(group.sign_due_at) == date(2027, 3, 2)
    assert local_date(waiting.due_at) == date(2027, 3, 8)

    admin, _user = login_as("admin")
    # A holiday on Wed 03-03 moves the group's reply deadline to 03-09 (sign 03-02 stays) and its record's.
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-03-03", "kind": "holiday", "note": "区里放假"})
    assert "3 个未办结问题的期限已按新日历重新计算" in admin.follow(response).get_data(as_text=True)
    group = fresh(session, CommonProblem, group.id)
    assert local_date(group.reply_due_at) == date(2027, 3, 9) and local_date(group.sign_due_at) == date(2027, 3, 2)
    record = session.scalars(sa.select(DispatchRecord).where(DispatchRecord.common_problem_id == group.id)).one()
    assert local_date(record.reply_due_at) == date(2027, 3, 9)
    for t in firms.tickets[:3]:
        member = session.get(Ticket, t.id)
        assert member.reply_due_at == group.reply_due_at and member.due_at == group.due_at
        assert session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == t.id, TicketEvent.kind == "deadline_recomputed")) == 1
    page = admin.get(f"/common-problems/{group.id}").get_data(as_text=True)
    assert "工作日历调整，期限重算" in page

    # A 调休 working Saturday 03-06 moves the waiting group's deadline (and its members') to Saturday.
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-03-06", "kind": "workday", "note": "调休"})
    assert response.status_code == 302
    waiting = fresh(session, CommonProblem, waiting.id)
    assert local_date(waiting.due_at) == date(2027, 3, 6)
    assert local_date(session.get(Ticket, firms.tickets[3].id).due_at) == date(2027, 3, 6)
    group = fresh(session, CommonProblem, group.id)
    assert local_date(group.reply_due_at) == date(2027, 3, 8)


def test_the_last_open_member_rated_unsatisfied_detaches_and_closes_the_group(app, make):
    firms = Firms(make)
    session = make.session
    group = grouped_and_dispatched(firms, session, members=2)
    services.perform(firms.helper, group, "sign", {"version": group.version})
    services.perform(firms.helper, group, "reply", {"version": group.version, "message": "已安排。"})
    session.commit()
    first = fresh(session, Ticket, firms.tickets[0].id)
    ticket_services.perform(firms.users[0], first, "rate", {"version": first.version, "rating": "satisfied"})
    session.commit()
    second = fresh(session, Ticket, firms.tickets[1].id)
    ticket_services.perform(firms.users[1], second, "rate",
                            {"version": second.version, "rating": "unsatisfied", "comment": "没有解决。"})
    session.commit()
    group = fresh(session, CommonProblem, group.id)
    assert group.status == "closed"
    second = session.get(Ticket, second.id)
    assert second.status == "in_progress" and second.common_problem_id is None and second.due_at is not None
