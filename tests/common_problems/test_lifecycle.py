"""共性问题 (issue 17), through the pages: a manager sees that five firms raised the same 用工 problem, groups
them in two clicks (合并为共性问题 → 创建), dispatches once, the helper signs and replies once, every firm gets
the answer and rates it on its own; 不满意 reopens that firm's problem alone, detached with a note."""
import html
import re

import sqlalchemy as sa

from app.common_problems.models import CommonProblem, CommonProblemEvent
from app.core.models import Notification
from app.tickets.models import DispatchRecord, Ticket, TicketEvent
from tests.common_problems.helpers import Firms, version_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def fresh(session, model, id_):
    session.expire_all()
    return session.get(model, id_)


def login(app_browser_factory, user):
    b = app_browser_factory()
    assert b.login(user.username).status_code == 302
    return b


def _browser(app):
    from tests.conftest import Browser

    return lambda: Browser(app.test_client())


def test_five_firms_grouped_in_two_clicks_answered_once_each_rates_on_its_own(app, make, db_session):
    firms = Firms(make)
    new = _browser(app)
    manager = login(new, firms.manager)

    # Click 1: the dashboard's suggestion, 合并为共性问题, opens the form with members and title filled in.
    dashboard = text(manager.get("/dashboard"))
    block = dashboard[dashboard.index('id="common-suggestions"'):dashboard.index('id="trend"')]
    link = re.search(r'href="(/common-problems/new\?[^"]+)"', block).group(1)
    form_page = text(manager.get(link))
    for t in firms.tickets:
        assert t.number in form_page
    assert firms.unrelated.number not in form_page
    title = re.search(r'name="title"[^>]*value="([^"]*)"', form_page).group(1)
    numbers = re.search(r'<textarea[^>]*name="tickets"[^>]*>([^<]*)</textarea>', form_page).group(1)
    assert title in {t.title for t in firms.tickets}

    # Click 2: 创建共性问题.
    created = manager.post("/common-problems/new", {"title": title, "description": "", "tickets": numbers},
                           form_page=link)
    assert created.status_code == 302
    group = db_session.scalars(sa.select(CommonProblem)).one()
    assert created.headers["Location"].endswith(f"/common-problems/{group.id}")
    assert re.fullmatch(r"GX-\d{4}-\d{5}", group.number) and group.status == "escalated"
    page = text(manager.follow(created))
    assert "5 家企业" in page and all(t.number in page for t in firms.tickets)
    for t in firms.tickets:
        member = fresh(db_session, Ticket, t.id)
        assert member.common_problem_id == group.id and member.status == "escalated" and member.due_at == group.due_at

    # Each member's page says it is grouped, with a link to the group; its own actions are gone.
    member_page = text(manager.get(f"/tickets/{firms.tickets[0].id}"))
    assert "已并入共性问题" in member_page and f"/common-problems/{group.id}" in member_page
    assert "/actions/dispatch" not in member_page

    # One dispatch, to the department.
    page = text(manager.get(f"/common-problems/{group.id}"))
    url = f"/common-problems/{group.id}/actions/dispatch"
    response = manager.post(url, {"dispatch-version": version_in(page, "dispatch"),
                                  "dispatch-department_id": firms.hr.id, "dispatch-complexity": "ordinary"},
                            form_page=f"/common-problems/{group.id}")
    assert response.status_code == 302, text(response)[:2000]
    group = fresh(db_session, CommonProblem, group.id)
    assert group.status == "dispatched" and group.department_id == firms.hr.id and group.sign_due_at
    records = db_session.scalars(sa.select(DispatchRecord)).all()
    assert [(r.common_problem_id, r.ticket_id) for r in records] == [(group.id, None)]  # counted once
    assert {fresh(db_session, Ticket, t.id).status for t in firms.tickets} == {"dispatched"}

    # The helper of that department sees it, signs and replies once.
    helper = login(new, firms.helper)
    assert group.number in text(helper.get("/common-problems/"))
    page = text(helper.get(f"/common-problems/{group.id}"))
    response = helper.post(f"/common-problems/{group.id}/actions/sign", {"sign-version": version_in(page, "sign")},
                           form_page=f"/common-problems/{group.id}")
    assert response.status_code == 302
    page = text(helper.get(f"/common-problems/{group.id}"))
    reply = "已联合区人力资源市场于下周三举办专场招聘会，5家企业均已安排展位，并可申请一次性用工补贴。"
    response = helper.post(f"/common-problems/{group.id}/actions/reply",
                           {"reply-version": version_in(page, "reply"), "reply-message": reply},
                           form_page=f"/common-problems/{group.id}")
    assert response.status_code == 302
    group = fresh(db_session, CommonProblem, group.id)
    assert group.status == "replied" and group.reply_message == reply
    record = db_session.scalars(sa.select(DispatchRecord)).one()
    assert record.signed_at and record.replied_at and record.replied_on_time is True

    # Every firm: its problem replied with the text, a notification, and it rates it on its own.
    ratings = ["satisfied", "basically_satisfied", "satisfied", "satisfied", "unsatisfied"]
    for t, user, rating in zip(firms.tickets, firms.users, ratings, strict=False):
        member = fresh(db_session, Ticket, t.id)
        assert member.status == "replied" and member.reply_message == reply and member.department_id == firms.hr.id
        assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.kind == "ticket_replied")) == 1
        portal = login(new, user)
        url = f"/portal/problems/{t.id}"
        page = text(portal.get(url))
        assert reply in page
        # The company never sees the group, its number, or the other companies.
        assert group.number not in page and "共性问题" not in page
        assert not any(c.name in page for c in firms.companies if c.id != user.company_id)
        comment = "招聘会时间和我们的生产旺季冲突，希望单独安排。" if rating == "unsatisfied" else ""
        response = portal.post(f"{url}/actions/rate", {"version": version_in(page, "rate"), "rating": rating,
                                                       "comment": comment}, form_page=url)
        assert response.status_code == 302, text(response)[:1000]

    closed = [fresh(db_session, Ticket, t.id) for t in firms.tickets[:4]]
    assert [t.status for t in closed] == ["closed"] * 4 and [t.rating for t in closed] == ratings[:4]
    assert all(t.common_problem_id == group.id for t in closed)  # still shown as members, each rated

    # 不满意: that member alone is reopened with the department, detached with a timeline note.
    reopened = fresh(db_session, Ticket, firms.tickets[4].id)
    assert reopened.status == "in_progress" and reopened.common_problem_id is None and reopened.reopen_count == 1
    assert reopened.department_id == firms.hr.id and reopened.due_at is not None
    note = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == reopened.id,
                                                           TicketEvent.kind == "leave_common")).one()
    assert group.number in note.body and not note.public
    assert db_session.scalar(sa.select(CommonProblemEvent.body).where(
        CommonProblemEvent.kind == "member_reopened")) == "招聘会时间和我们的生产旺季冲突，希望单独安排。"
    page = text(helper.get(f"/tickets/{reopened.id}"))
    assert "脱离共性问题" in page and "/actions/reply" in page  # the helper answers it on its own now
    group_page = text(manager.get(f"/common-problems/{group.id}"))
    assert "4 家企业" in group_page and reopened.number not in group_page.split('id="member-', 1)[1].split("办理记录")[0]
    assert "满意" in group_page and "基本满意" in group_page


def test_a_grouped_problem_cannot_be_dispatched_alone(app, make, db_session):
    from app.common_problems import services
    from app.tickets import services as ticket_services
    from app.tickets.services import TicketActionError

    firms = Firms(make)
    services.create_common_problem(firms.manager, title="招工难", ticket_ids=[t.id for t in firms.tickets[:3]])
    db_session.commit()
    member = firms.tickets[0]
    try:
        ticket_services.perform(firms.manager, member, "dispatch",
                                {"version": member.version, "department_id": firms.hr.id})
    except TicketActionError as exc:
        assert exc.status == 409 and "共性问题" in exc.message
    else:
        raise AssertionError("a grouped problem was dispatched on its own")
    db_session.rollback()
    assert fresh(db_session, Ticket, member.id).status == "escalated"
