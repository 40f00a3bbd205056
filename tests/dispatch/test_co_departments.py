"""协办 (co-departments): a dispatch names a lead department and co-departments; each co-department signs
and gives its opinion on its own working-day clock; the lead's reply waits for the opinions (or their
deadline); scope, the API and the department rankings — through pages, the API and the services."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from app.core.models import Notification
from app.core.timeutil import local_date
from app.rankings.metrics import department_metrics
from app.rankings.periods import month
from app.tickets.models import TicketCoDepartment, TicketEvent
from app.tickets.services import TicketActionError, perform
from tests.api.test_api_tickets import as_, assert_error  # noqa: F401  (as_ is a fixture)
from tests.tickets.helpers import MONDAY, World
from tests.tickets.test_pages import action_urls, do, fresh, signed_in, text

# Wednesday 30 September 2026, 10:00 in Shanghai: the National Day holiday runs 1–7 October; Saturday
# 10 October is a 调休 working day (chinesecalendar, as tests/settings/test_workdays.py checks).
BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)


class CoWorld(World):
    """The World plus a third department (a second co-department) and a fourth that is not involved."""

    def __init__(self, make):
        super().__init__(make)
        self.third_department = make.department(name="区自然资源规划分局")
        self.third_helper = make.user(role="helper", department=self.third_department)
        self.outsider_department = make.department(name="区市场监管局")
        self.outsider = make.user(role="helper", department=self.outsider_department)

    def dispatched_with_co(self, now=MONDAY, **extra):
        t = self.new_ticket(now=now)
        self.act(self.manager, t, "dispatch", now=now, department_id=self.department.id,
                 co_departments=[self.other_department.id, self.third_department.id], **extra)
        return t


@pytest.fixture
def world(make):
    return CoWorld(make)


def _rows(db_session, ticket):
    return db_session.scalars(sa.select(TicketCoDepartment).where(TicketCoDepartment.ticket_id == ticket.id)
                              .order_by(TicketCoDepartment.id)).all()


def _refused(db_session, who, ticket, action, now=MONDAY, **data):
    with pytest.raises(TicketActionError) as refused:
        perform(who, ticket, action, {"version": ticket.version, **data}, now=now)
    db_session.rollback()
    return refused.value


# ---------------------------------------------------------------- the loop through the pages

def test_two_co_departments_sign_and_opine_and_then_the_lead_replies_on_the_pages(app, world, db_session):
    t = world.new_ticket()
    manager = signed_in(app, world.manager)
    response = do(manager, t.id, "dispatch", department_id=world.department.id,
                  co_departments=[world.other_department.id, world.third_department.id])
    assert response.status_code == 302, text(response)
    t = fresh(db_session, t)
    assert t.status == "dispatched" and t.department_id == world.department.id and t.co_department_count == 2
    rows = _rows(db_session, t)
    assert [r.department_id for r in rows] == [world.other_department.id, world.third_department.id]
    page = text(manager.get(f"/tickets/{t.id}"))
    assert "协办部门" in page and world.other_department.name in page and world.third_department.name in page
    # Each co-department's helpers are told, in their own words.
    for helper in (world.other_helper, world.third_helper):
        assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == helper.id, Notification.kind == "ticket_co_dispatched")) == 1

    # The co-department's helper finds it in their queue (待我处理) and may only take its own actions.
    co = signed_in(app, world.other_helper)
    queue = text(co.get("/tickets/?mine=y"))
    assert t.number in queue
    page = text(co.get(f"/tickets/{t.id}"))
    assert action_urls(page, t.id) == {"co_sign"}
    assert do(co, t.id, "co_sign").status_code == 302
    page = text(co.get(f"/tickets/{t.id}"))
    assert action_urls(page, t.id) == {"co_opinion"} and "已签收" in page
    # An empty opinion is refused and the form comes back.
    response = do(co, t.id, "co_opinion", opinion="  ")
    assert response.status_code == 400 and "请填写协办意见。" in text(response)
    assert do(co, t.id, "co_opinion", opinion="用工补贴可按新招用人员申报，本局配合审核。").status_code == 302
    assert t.number not in text(co.get("/tickets/?mine=y"))  # its part is done

    # The lead signs; its reply waits for the third department's opinion.
    lead = signed_in(app, world.helper)
    assert do(lead, t.id, "sign").status_code == 302
    page = text(lead.get(f"/tickets/{t.id}"))
    assert "reply" not in action_urls(page, t.id)
    assert "承办部门须待协办意见全部提交（或逾期）后答复。" in page
    assert "用工补贴可按新招用人员申报，本局配合审核。" in page  # the lead reads the opinion already in
    # Posted anyway (an old page): refused with the reason, the typed answer kept.
    url = f"/tickets/{t.id}"
    response = lead.post(f"{url}/actions/reply", {"reply-version": fresh(db_session, t).version,
                                                  "reply-message": "已答复。", "reply-submit": "1"}, form_page=url)
    page = text(response)
    assert response.status_code == 409 and f"尚待协办部门提交意见：{world.third_department.name}" in page
    assert "已答复。" in page

    third = signed_in(app, world.third_helper)
    assert do(third, t.id, "co_sign").status_code == 302
    assert do(third, t.id, "co_opinion", opinion="厂房用地符合规划，可办理。").status_code == 302
    page = text(lead.get(f"/tickets/{t.id}"))
    assert "reply" in action_urls(page, t.id) and "厂房用地符合规划，可办理。" in page
    assert do(lead, t.id, "reply", message="经人社、规划协办，补贴与用地均可办理。").status_code == 302
    t = fresh(db_session, t)
    assert t.status == "replied"
    reply = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == t.id,
                                                            TicketEvent.kind == "reply")).one()
    assert not reply.data and not db_session.scalar(sa.select(TicketEvent.id).where(
        TicketEvent.ticket_id == t.id, TicketEvent.kind == "co_opinions_overdue"))
    assert all(r.signed_on_time and r.opinion_on_time for r in _rows(db_session, t))
    # The opinions are internal: the company's portal shows the reply, never the opinions.
    portal = text(signed_in(app, world.company_user).get(f"/portal/problems/{t.id}"))
    assert "经人社、规划协办" in portal and "厂房用地符合规划" not in portal


def test_the_dispatch_form_refuses_the_lead_as_co_department_and_keeps_what_was_chosen(app, world, db_session):
    t = world.new_ticket()
    manager = signed_in(app, world.manager)
    response = do(manager, t.id, "dispatch", department_id=world.department.id,
                  co_departments=[world.other_department.id, world.department.id])
    assert response.status_code == 400
    page = text(response)
    assert f"协办部门不能是承办部门本身（{world.department.name}）。" in page
    assert f'<option selected value="{world.other_department.id}">' in page  # the choices are kept
    t = fresh(db_session, t)
    assert t.status == "submitted" and t.co_department_count == 0 and not _rows(db_session, t)


@pytest.mark.parametrize("co, message", [
    ("not-a-list", "协办部门应为部门编号的列表。"),
    (["x"], "协办部门编号无效：x。"),
    ([999999], "协办部门不存在或已停用（编号 999999）。"),
    ("dup", "协办部门重复："),
    ("lead", "协办部门不能是承办部门本身"),
])
def test_bad_co_departments_are_refused_by_field_and_nothing_changes(world, db_session, co, message):
    t = world.new_ticket()
    co = {"dup": [world.other_department.id, world.other_department.id],
          "lead": [world.department.id]}.get(co, co) if isinstance(co, str) else co
    refusal = _refused(db_session, world.manager, t, "dispatch", department_id=world.department.id, co_departments=co)
    assert refusal.status == 400 and message in refusal.fields["co_departments"]
    t = fresh(db_session, t)
    assert t.status == "submitted" and not _rows(db_session, t)


def test_an_inactive_department_cannot_be_a_co_department(world, db_session):
    world.third_department.active = False
    db_session.commit()
    t = world.new_ticket()
    refusal = _refused(db_session, world.manager, t, "dispatch", department_id=world.department.id,
                       co_departments=[world.third_department.id])
    assert "已停用" in refusal.fields["co_departments"]


# ---------------------------------------------------------------- clocks

def test_co_department_clocks_run_on_working_days_across_the_national_day_holiday(world, db_session):
    t = world.dispatched_with_co(now=BEFORE_NATIONAL_DAY)
    rows = _rows(db_session, t)
    # Sign within 1 working day: 1–7 October are holidays, so Thursday 8 October.
    assert {local_date(r.sign_due_at) for r in rows} == {date(2026, 10, 8)}
    # Opinion within 3 working days: 8, 9 and the 调休 Saturday 10 October (before the lead's deadline,
    # 5 working days: Tuesday 13 October).
    assert {local_date(r.opinion_due_at) for r in rows} == {date(2026, 10, 10)}
    assert local_date(t.reply_due_at) == date(2026, 10, 13)
    # Signing during the holiday week is on time; an opinion on Monday 12 October is late.
    world.act(world.other_helper, t, "co_sign", now=datetime(2026, 10, 6, 2, 0, tzinfo=timezone.utc))
    monday_12 = datetime(2026, 10, 12, 2, 0, tzinfo=timezone.utc)
    world.act(world.other_helper, t, "co_opinion", now=monday_12, opinion="本局意见：可以办理。")
    other = _rows(db_session, t)[0]
    assert other.signed_on_time is True and other.opinion_on_time is False
    event = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == t.id,
                                                            TicketEvent.kind == "co_opinion")).one()
    assert event.data["on_time"] is False and not event.public


def test_a_late_co_department_no_longer_holds_the_reply_which_is_flagged(app, world, db_session):
    t = world.dispatched_with_co()  # Monday 16 November: opinions due Thursday 19th
    world.act(world.helper, t, "sign")
    world.act(world.other_helper, t, "co_sign")
    world.act(world.other_helper, t, "co_opinion", opinion="同意。")
    thursday = datetime(2026, 11, 19, 8, 0, tzinfo=timezone.utc)  # 16:00 on the due day: still awaited
    refusal = _refused(db_session, world.helper, t, "reply", now=thursday, message="答复。")
    assert refusal.status == 409 and refusal.code == "co_opinions_pending"
    friday = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # the third department is now overdue
    third = _rows(db_session, t)[1]
    assert third.is_overdue(friday) and third.opinion_overdue(friday)
    world.act(world.helper, t, "reply", now=friday, message="已办理，规划意见未按时反馈。")
    assert t.status == "replied"
    flag = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == t.id,
                                                           TicketEvent.kind == "co_opinions_overdue")).one()
    assert flag.data["departments"] == [world.third_department.name] and not flag.public  # staff only
    page = text(signed_in(app, world.manager).get(f"/tickets/{t.id}"))
    assert f"承办部门答复时以下协办部门未提交意见：{world.third_department.name}" in page  # on the timeline
    assert "co-opinion-overdue" in page


def test_an_unsigned_co_department_shows_overdue_and_counts_in_its_own_overdue_count(app, world, db_session):
    t = world.dispatched_with_co()  # signing due Tuesday 17 November
    wednesday = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    world.act(world.other_helper, t, "co_sign", now=wednesday)  # a day late
    row = _rows(db_session, t)[0]
    assert row.signed_on_time is False
    period = month(2026, 11)
    rows = {e.id: e for e in department_metrics(period, now=wednesday)}
    other, third, lead = rows[world.other_department.id], rows[world.third_department.id], rows[world.department.id]
    # Each department's timeliness is its own: the co-department's late signing counts for it alone.
    assert (other.metrics["on_time_sign"].num, other.metrics["on_time_sign"].den) == (0, 1)
    assert third.metrics["overdue_count"] == 1  # not signed, past its own deadline
    assert lead.metrics["on_time_sign"].den == 0 and lead.metrics["overdue_count"] == 1  # the lead's own sign
    assert other.metrics["return_rate"].den == 0  # a co-department never returns: not in its return rate
    world.act(world.third_helper, t, "co_sign", now=wednesday)
    world.act(world.third_helper, t, "co_opinion", now=wednesday, opinion="可行。")
    rows = {e.id: e for e in department_metrics(period, now=wednesday)}
    third = rows[world.third_department.id]
    assert third.metrics["overdue_count"] == 0
    assert (third.metrics["on_time_reply"].num, third.metrics["on_time_reply"].den) == (1, 1)  # its opinion, on time


def test_a_pause_moves_the_co_departments_clocks_too(world, db_session):
    t = world.dispatched_with_co()
    assert local_date(_rows(db_session, t)[0].opinion_due_at) == date(2026, 11, 19)  # Thursday
    world.act(world.helper, t, "pause", reason="请补充用工合同")  # Monday 16th
    world.act(world.helper, t, "resume", now=datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc))  # 2 working days
    rows = _rows(db_session, t)
    assert {local_date(r.opinion_due_at) for r in rows} == {date(2026, 11, 23)}  # Thu + 2 → Monday 23rd
    assert {local_date(r.sign_due_at) for r in rows} == {date(2026, 11, 19)}  # Tue + 2 → Thursday


def test_a_return_ends_the_co_departments_requests(app, world, db_session):
    t = world.dispatched_with_co()
    world.act(world.helper, t, "return", reason="不属于本部门职责")
    assert t.status == "escalated" and t.co_department_count == 0
    assert all(r.ended_at is not None for r in _rows(db_session, t))
    assert signed_in(app, world.other_helper).get(f"/tickets/{t.id}").status_code == 404
    # A new dispatch names its co-departments afresh.
    world.act(world.manager, t, "dispatch", department_id=world.third_department.id,
              co_departments=[world.department.id])
    assert [r.department_id for r in _rows(db_session, t) if r.ended_at is None] == [world.department.id]


# ---------------------------------------------------------------- scope

def test_a_co_department_reads_and_co_acts_but_never_acts_for_the_lead(app, world, db_session):
    t = world.dispatched_with_co()
    for action, data in [("sign", {}), ("return", {"reason": "x"}), ("pause", {"reason": "x"})]:
        refusal = _refused(db_session, world.other_helper, t, action, **data)
        assert refusal.status == 403 and "协办部门" in refusal.message
    world.act(world.other_helper, t, "co_sign")
    world.act(world.helper, t, "sign")
    refusal = _refused(db_session, world.other_helper, t, "reply", message="代为答复")
    assert refusal.status == 403
    # The lead cannot take a co-department's action, nor an outsider.
    assert _refused(db_session, world.helper, t, "co_sign").status == 403
    assert _refused(db_session, world.outsider, t, "co_sign").status == 403
    co = signed_in(app, world.other_helper)
    page = text(co.get(f"/tickets/{t.id}"))
    assert t.title in page and "comment-form" not in page and "upload-form" not in page
    assert co.post(f"/tickets/{t.id}/comments", {"comment-body": "协办部门留言"},
                   form_page=f"/tickets/{t.id}").status_code == 403
    assert co.get(f"/companies/{world.company.id}").status_code == 200  # the company it helps with
    outsider = signed_in(app, world.outsider)
    assert outsider.get(f"/tickets/{t.id}").status_code == 404
    assert outsider.get(f"/companies/{world.company.id}").status_code == 404
    assert t.number not in text(outsider.get("/tickets/"))
    listed = text(co.get("/tickets/"))
    assert t.number in listed and "co-badge" in listed and "协办期限" in listed


def _co_department_ids(db_session, ticket):
    """PostgreSQL: the open co-departments the problem's own row holds (migration 0040); None elsewhere."""
    if db_session.get_bind().dialect.name != "postgresql":
        return None
    return db_session.execute(sa.text("SELECT co_department_ids FROM tickets WHERE id = :id"),
                              {"id": ticket.id}).scalar_one()


def test_a_co_departments_list_follows_its_open_requests_however_they_are_written(app, world, db_session):
    """A co-department's helpers list and open the problem while their department's request is open, and no
    longer once it has ended — whether a dispatch, a return or plain SQL (a bulk correction) wrote the requests.
    On PostgreSQL the helper's scope reads the open co-departments from the problem's row (migration 0040), which
    a trigger keeps in step; elsewhere it reads the requests."""
    postgresql = db_session.get_bind().dialect.name == "postgresql"
    t = world.dispatched_with_co()
    co, third = signed_in(app, world.other_helper), signed_in(app, world.third_helper)

    def sees(client):
        listed = t.number in text(client.get("/tickets/"))
        opened = client.get(f"/tickets/{t.id}").status_code == 200
        assert listed == opened, (listed, opened)
        return listed

    both = sorted([world.other_department.id, world.third_department.id])
    assert _co_department_ids(db_session, t) == (both if postgresql else None)
    assert sees(co) and sees(third) and not sees(signed_in(app, world.outsider))
    world.act(world.helper, t, "return", reason="不属于本部门职责")  # the dispatch is over: its requests lapse
    assert _co_department_ids(db_session, t) is None
    assert not sees(co) and not sees(third)
    world.act(world.manager, t, "dispatch", department_id=world.department.id,
              co_departments=[world.third_department.id])
    assert _co_department_ids(db_session, t) == ([world.third_department.id] if postgresql else None)
    assert not sees(co) and sees(third)
    db_session.execute(sa.text("UPDATE ticket_co_departments SET ended_at = CURRENT_TIMESTAMP "
                               "WHERE ticket_id = :id AND ended_at IS NULL"), {"id": t.id})
    db_session.commit()
    assert _co_department_ids(db_session, t) is None
    assert not sees(third)
    # A request written by plain SQL is followed the same way.
    db_session.execute(sa.text("UPDATE ticket_co_departments SET ended_at = NULL "
                               "WHERE ticket_id = :id AND department_id = :d"),
                       {"id": t.id, "d": world.third_department.id})
    db_session.commit()
    assert _co_department_ids(db_session, t) == ([world.third_department.id] if postgresql else None)
    assert sees(third) and not sees(co)


def test_a_co_departments_workbench_and_its_due_list_show_the_problem_they_read_by_status(app, world, db_session):
    """A co-department's helper finds the problem on the workbench (待签收) and in 待我处理 while its request is
    open, and not once the problem is returned. On SQLite those lists keep only open problems in a few states, so
    the helper's scope is read by status first (`+tickets.id IN` the department's requests: by key, every problem
    the department ever helped with was read to test its status), and 待我处理's owed requests come from the
    department's index (likelihood), not from every department's requests still owing an opinion."""
    t = world.dispatched_with_co()
    co, outsider = signed_in(app, world.other_helper), signed_in(app, world.outsider)
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db_session.get_bind(), "before_cursor_execute", keep)
    try:
        assert t.number in text(co.get("/home")) and t.number in text(co.get("/tickets/?mine=y"))
    finally:
        sa.event.remove(db_session.get_bind(), "before_cursor_execute", keep)
    assert t.number not in text(outsider.get("/home")) and t.number not in text(outsider.get("/tickets/?mine=y"))
    if db_session.get_bind().dialect.name == "sqlite":
        # The lists by state (ordered and limited) that hold the helper's scope; the home's counts and its
        # extension requests (read from the requests) keep the scope as it was.
        listed = [s for s in statements if "co_department_count > 0" in s and "ORDER BY" in s and "LIMIT" in s
                  and "extension_requests" not in s]
        assert len(listed) >= 4, listed  # 待签收, 办理中, 超期 and 待我处理's page
        assert all("+tickets.id IN (SELECT ticket_co_departments.ticket_id" in s for s in listed), listed
        assert any("likelihood(ticket_co_departments.opinion_at IS NULL, 0.95)" in s for s in statements)
    else:
        # PostgreSQL: 待我处理's owed requests are computed first (= ANY(ARRAY(…))), so the department's problems
        # and these are read by index as one bitmap; as IN (…) the page walked every open problem to test each.
        owed = [s for s in statements if "ticket_co_departments.opinion_at IS NULL" in s and "LIMIT" in s]
        assert owed and all("= ANY (ARRAY(SELECT ticket_co_departments.ticket_id" in s for s in owed), owed
    world.act(world.helper, t, "return", reason="不属于本部门职责")
    assert t.number not in text(co.get("/home")) and t.number not in text(co.get("/tickets/?mine=y"))


def test_the_api_dispatches_with_co_departments_and_scopes_them(world, db_session, as_):
    t = world.new_ticket()
    manager, co, outsider, company = (as_(world.manager), as_(world.other_helper), as_(world.outsider),
                                      as_(world.company_user))
    bad = manager.act(t.id, "dispatch", t.version, department_id=world.department.id,
                      co_departments=[world.other_department.id, world.other_department.id])
    assert_error(bad, 400, "validation_error", fields=("co_departments",))
    assert "协办部门重复" in bad.get_json()["error"]["fields"]["co_departments"]
    body = manager.act(t.id, "dispatch", t.version, department_id=world.department.id,
                       co_departments=[world.other_department.id, world.third_department.id]).get_json()
    assert [c["department"]["id"] for c in body["co_departments"]] == [world.other_department.id,
                                                                      world.third_department.id]
    assert body["co_departments"][0]["signed_at"] is None and body["co_departments"][0]["overdue"] is False

    seen = co.ticket(t.id)
    assert seen["allowed_actions"] == ["co_sign"]
    listed = co.get("/api/v1/tickets").get_json()["items"]
    assert [item["id"] for item in listed] == [t.id] and listed[0]["allowed_actions"] == ["co_sign"]
    assert outsider.get(f"/api/v1/tickets/{t.id}").status_code == 404
    assert outsider.get("/api/v1/tickets").get_json()["items"] == []
    assert_error(co.act(t.id, "sign", seen["version"]), 403)
    body = co.act(t.id, "co_sign", seen["version"]).get_json()
    assert body["allowed_actions"] == ["co_opinion"]
    assert_error(co.act(t.id, "co_opinion", body["version"], opinion=""), 400, fields=("opinion",))
    body = co.act(t.id, "co_opinion", body["version"], opinion="同意办理。").get_json()
    assert body["allowed_actions"] == [] and body["co_departments"][0]["opinion"] == "同意办理。"
    # The company sees its problem, never the co-departments nor their opinions.
    mine = company.ticket(t.id)
    assert mine["co_departments"] is None
    events = company.get(f"/api/v1/tickets/{t.id}/events").get_json()["items"]
    assert not [e for e in events if e["kind"].startswith("co_")]
    assert fresh(db_session, t).status == "dispatched"


def test_a_holiday_the_admin_adds_moves_the_co_departments_clocks(world, db_session):
    from app.settings import services as settings_services

    t = world.dispatched_with_co()  # Monday 16 November: signing due Tuesday 17th, opinions Thursday 19th
    world.act(world.third_helper, t, "co_sign")
    settings_services.save_override(world.admin, None, day=date(2026, 11, 18), is_workday=False, note="临时放假")
    db_session.commit()
    rows = _rows(db_session, t)
    assert {local_date(r.sign_due_at) for r in rows} == {date(2026, 11, 17)}  # before the new holiday
    assert {local_date(r.opinion_due_at) for r in rows} == {date(2026, 11, 20)}  # one working day later
    assert local_date(fresh(db_session, t).reply_due_at) == date(2026, 11, 24)  # the lead's moved too


def test_the_co_departments_home_counts_its_own_co_work_and_opens_the_list(app, world, db_session):
    from tests.monitoring.helpers import link_value, listed_numbers

    t = world.dispatched_with_co()
    co = signed_in(app, world.other_helper)
    home = co.get("/home").get_data(as_text=True)
    assert link_value(home, "/tickets/", co_owing=1) == 1
    listing = co.get("/tickets/", query_string={"co_owing": 1}).get_data(as_text=True)
    assert listed_numbers(listing) == [t.number]
    assert link_value(signed_in(app, world.outsider).get("/home").get_data(as_text=True), "/tickets/", co_owing=1) == 0
    world.act(world.other_helper, t, "co_sign")
    world.act(world.other_helper, t, "co_opinion", opinion="同意。")
    assert link_value(co.get("/home").get_data(as_text=True), "/tickets/", co_owing=1) == 0
    # A manager's 协办待办 lists every problem with an opinion still to come (the third department's).
    manager = signed_in(app, world.manager)
    assert listed_numbers(manager.get("/tickets/", query_string={"co_owing": 1}).get_data(as_text=True)) == [t.number]
