"""协办 on a common problem (共性问题): its dispatch names co-departments like a ticket's, with the same clocks
(working days, across a holiday), the same blocking of the lead's reply until every opinion is in or overdue
(flagged), scope (a co-department sees the group and takes only its two actions), the API, the sweep's
notices and the department board — through the pages, the API and the command."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from app.common_problems import services
from app.common_problems.models import CommonProblem, CommonProblemEvent
from app.core.models import Notification
from app.core.timeutil import local_date
from app.rankings.metrics import department_metrics
from app.rankings.periods import month
from app.tickets.models import Ticket, TicketCoDepartment
from app.tickets.services import TicketActionError
from tests.api.test_api_tickets import as_  # noqa: F401  (as_ is a fixture)
from tests.common_problems.helpers import Firms, version_in
from tests.dispatch.test_co_departments import BEFORE_NATIONAL_DAY
from tests.tickets.helpers import MONDAY
from tests.tickets.test_pages import signed_in, text


def utc(day: int, hour: int = 2, month_: int = 11) -> datetime:
    return datetime(2026, month_, day, hour, 0, tzinfo=timezone.utc)


class CoFirms(Firms):
    def __init__(self, make):
        super().__init__(make)
        self.land = make.department(name="区自然资源规划分局")
        self.land_helper = make.user(role="helper", department=self.land)
        self.outsider = make.user(role="helper", department=make.department(name="区市场监管局"))

    def group(self, now=MONDAY):
        group = services.create_common_problem(self.manager, title="一线工人招工难", ticket_ids=[t.id for t in self.tickets],
                                               now=now)
        self.make.session.commit()
        return group

    def act(self, who, group, action, now=MONDAY, **data):
        data.setdefault("version", group.version)
        services.perform(who, group, action, data, now=now)
        self.make.session.commit()
        return group

    def dispatched(self, now=MONDAY):
        group = self.group(now=now)
        return self.act(self.manager, group, "dispatch", now=now, department_id=self.hr.id,
                        co_departments=[self.other_department.id, self.land.id])


@pytest.fixture
def firms(make):
    return CoFirms(make)


def _rows(db_session, group):
    return db_session.scalars(sa.select(TicketCoDepartment).where(TicketCoDepartment.common_problem_id == group.id)
                              .order_by(TicketCoDepartment.id)).all()


def _fresh(db_session, group):
    db_session.expire_all()
    return db_session.get(CommonProblem, group.id)


def _post(browser, group, action, **fields):
    url = f"/common-problems/{group.id}"
    page = text(browser.get(url))
    data = {f"{action}-version": version_in(page, action), f"{action}-submit": "1"}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return browser.post(f"{url}/actions/{action}", data, form_page=url)


def _actions(page: str, group) -> set[str]:
    import re

    return set(re.findall(rf'/common-problems/{group.id}/actions/(\w+)"', page))


def test_a_groups_dispatch_names_co_departments_who_sign_and_opine_before_the_lead_replies_once(
        app, firms, db_session):
    group = firms.group()
    manager = signed_in(app, firms.manager)
    response = _post(manager, group, "dispatch", department_id=firms.hr.id, complexity="ordinary",
                     co_departments=[firms.other_department.id, firms.land.id])
    assert response.status_code == 302, text(response)[:2000]
    group = _fresh(db_session, group)
    assert group.status == "dispatched" and group.co_department_count == 2
    rows = _rows(db_session, group)
    assert [r.department_id for r in rows] == [firms.other_department.id, firms.land.id]
    assert all(r.ticket_id is None and r.dispatch_record_id for r in rows)
    page = text(manager.get(f"/common-problems/{group.id}"))
    assert "协办部门" in page and firms.land.name in page and f"协办部门：{firms.other_department.name}" in page
    for helper in (firms.other_helper, firms.land_helper):  # each co-department is told, once
        assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == helper.id, Notification.kind == "ticket_co_dispatched")) == 1

    # The co-department's helper finds the group in its list and takes only its own actions.
    co = signed_in(app, firms.other_helper)
    assert group.number in text(co.get("/common-problems/"))
    page = text(co.get(f"/common-problems/{group.id}"))
    assert _actions(page, group) == {"co_sign"}
    assert _post(co, group, "co_sign").status_code == 302
    page = text(co.get(f"/common-problems/{group.id}"))
    assert _actions(page, group) == {"co_opinion"}
    response = _post(co, group, "co_opinion", opinion="  ")
    assert response.status_code == 400 and "请填写协办意见。" in text(response)
    assert _post(co, group, "co_opinion", opinion="经信局可配合组织企业间用工调剂。").status_code == 302
    # The lead department's helpers are told (nobody has signed for it yet: each of them).
    assert db_session.scalars(sa.select(Notification.title).where(
        Notification.user_id == firms.helper.id, Notification.kind == "ticket_co_opinion")).all() == [
        f"共性问题 {group.number} 收到{firms.other_department.name}的协办意见"]

    # The lead signs; its reply waits for the land bureau's opinion.
    lead = signed_in(app, firms.helper)
    assert _post(lead, group, "sign").status_code == 302
    page = text(lead.get(f"/common-problems/{group.id}"))
    assert "reply" not in _actions(page, group) and "承办部门须待协办意见全部提交（或逾期）后答复。" in page
    assert "经信局可配合组织企业间用工调剂。" in page
    # Posted anyway (an old page): refused with the reason, nothing changes.
    url = f"/common-problems/{group.id}"
    response = lead.post(f"{url}/actions/reply", {"reply-version": _fresh(db_session, group).version,
                                                  "reply-message": "已答复。", "reply-submit": "1"}, form_page=url)
    assert response.status_code == 409 and f"尚待协办部门提交意见：{firms.land.name}" in text(response)
    assert _fresh(db_session, group).status == "in_progress"

    land = signed_in(app, firms.land_helper)
    assert _post(land, group, "co_sign").status_code == 302
    assert _post(land, group, "co_opinion", opinion="可利用园区闲置宿舍安置新招工人。").status_code == 302
    page = text(lead.get(f"/common-problems/{group.id}"))
    assert "reply" in _actions(page, group)
    assert _post(lead, group, "reply", message="人社、经信、规划协同：专场招聘会并安置宿舍。").status_code == 302
    group = _fresh(db_session, group)
    assert group.status == "replied"
    assert {db_session.get(Ticket, t.id).status for t in firms.tickets} == {"replied"}
    assert not db_session.scalar(sa.select(CommonProblemEvent.id).where(
        CommonProblemEvent.common_problem_id == group.id, CommonProblemEvent.kind == "co_opinions_overdue"))
    assert all(r.signed_on_time and r.opinion_on_time for r in _rows(db_session, group))
    # The opinions are internal: a company's portal shows the reply, never them.
    portal = text(signed_in(app, firms.users[0]).get(f"/portal/problems/{firms.tickets[0].id}"))
    assert "专场招聘会并安置宿舍" in portal and "闲置宿舍" not in portal


def test_a_groups_co_department_clocks_run_on_working_days_across_the_national_day(firms, db_session):
    group = firms.dispatched(now=BEFORE_NATIONAL_DAY)
    rows = _rows(db_session, group)
    assert {local_date(r.sign_due_at) for r in rows} == {date(2026, 10, 8)}  # 1–7 October are holidays
    assert {local_date(r.opinion_due_at) for r in rows} == {date(2026, 10, 10)}  # 8, 9 and the 调休 Saturday
    assert local_date(group.reply_due_at) == date(2026, 10, 13)
    firms.act(firms.other_helper, group, "co_sign", now=utc(6, month_=10))  # in the holiday week: on time
    firms.act(firms.other_helper, group, "co_opinion", now=utc(12, month_=10), opinion="同意。")  # Monday: late
    other = _rows(db_session, group)[0]
    assert other.signed_on_time is True and other.opinion_on_time is False


def test_a_late_co_department_no_longer_holds_the_groups_reply_which_is_flagged(app, firms, db_session):
    group = firms.dispatched()  # Monday 16 November: opinions due Thursday 19th
    firms.act(firms.helper, group, "sign")
    firms.act(firms.other_helper, group, "co_sign")
    firms.act(firms.other_helper, group, "co_opinion", opinion="同意。")
    with pytest.raises(TicketActionError) as refused:
        services.perform(firms.helper, group, "reply", {"version": group.version, "message": "答复。"},
                         now=utc(19, 8))  # 16:00 on the due day: still awaited
    db_session.rollback()
    assert refused.value.status == 409 and refused.value.code == "co_opinions_pending"
    # While the group is open, the land bureau's late steps count in its own overdue count, not the lead's.
    rows = {e.id: e for e in department_metrics(month(2026, 11), now=utc(20, 1))}
    assert rows[firms.land.id].metrics["overdue_count"] == 1 and rows[firms.hr.id].metrics["overdue_count"] == 0
    firms.act(firms.helper, _fresh(db_session, group), "reply", now=utc(20), message="已办理，规划意见未按时反馈。")
    group = _fresh(db_session, group)
    assert group.status == "replied"
    flag = db_session.scalars(sa.select(CommonProblemEvent).where(
        CommonProblemEvent.common_problem_id == group.id, CommonProblemEvent.kind == "co_opinions_overdue")).one()
    assert flag.data["departments"] == [firms.land.name]
    page = text(signed_in(app, firms.manager).get(f"/common-problems/{group.id}"))
    assert f"承办部门答复时以下协办部门未提交意见：{firms.land.name}" in page and "co-opinion-overdue" in page
    # Each department's timeliness is its own on the board: the land bureau's missing opinion is not the lead's.
    rows = {e.id: e for e in department_metrics(month(2026, 11), now=utc(20, 3))}
    other, land, hr = rows[firms.other_department.id], rows[firms.land.id], rows[firms.hr.id]
    assert (other.metrics["on_time_reply"].num, other.metrics["on_time_reply"].den) == (1, 1)
    assert (other.metrics["on_time_sign"].num, other.metrics["on_time_sign"].den) == (1, 1)
    assert land.metrics["on_time_sign"].den == 0 and land.metrics["on_time_reply"].den == 0
    assert (hr.metrics["on_time_reply"].num, hr.metrics["on_time_reply"].den) == (1, 1)  # the group, once


def test_scope_a_co_department_reads_the_group_and_never_acts_for_the_lead(firms, db_session, as_):
    group = firms.dispatched()
    co, outsider, lead = as_(firms.other_helper), as_(firms.outsider), as_(firms.helper)
    body = co.get(f"/api/v1/common-problems/{group.id}").get_json()
    assert body["allowed_actions"] == ["co_sign"]
    assert [c["department"]["id"] for c in body["co_departments"]] == [firms.other_department.id, firms.land.id]
    assert body["co_departments"][0]["state"] == "awaiting_sign"
    assert outsider.get(f"/api/v1/common-problems/{group.id}").status_code == 404
    for action, data in (("sign", {}), ("return", {"reason": "x"}), ("reply", {"message": "x"})):
        response = co.post(f"/api/v1/common-problems/{group.id}/actions",
                           json={"action": action, "version": body["version"], **data})
        assert response.status_code == 403, (action, response.get_json())
    assert lead.post(f"/api/v1/common-problems/{group.id}/actions",
                     json={"action": "co_sign", "version": body["version"]}).status_code == 403
    body = co.post(f"/api/v1/common-problems/{group.id}/actions",
                   json={"action": "co_sign", "version": body["version"]}).get_json()
    assert body["allowed_actions"] == ["co_opinion"] and body["co_departments"][0]["state"] == "signed"
    bad = co.post(f"/api/v1/common-problems/{group.id}/actions",
                  json={"action": "co_opinion", "version": body["version"], "opinion": ""})
    assert bad.status_code == 400 and "opinion" in bad.get_json()["error"]["fields"]
    body = co.post(f"/api/v1/common-problems/{group.id}/actions",
                   json={"action": "co_opinion", "version": body["version"], "opinion": "同意办理。"}).get_json()
    assert body["allowed_actions"] == [] and body["co_departments"][0]["opinion"] == "同意办理。"
    # A bad co-department list is refused by field, nothing changes.
    other = services.create_common_problem(firms.manager, title="又一批招工难",
                                           ticket_ids=[firms.latecomer().id, firms.latecomer().id], now=MONDAY)
    db_session.commit()
    response = as_(firms.manager).post(f"/api/v1/common-problems/{other.id}/actions", json={
        "action": "dispatch", "version": other.version, "department_id": firms.hr.id, "co_departments": [firms.hr.id]})
    assert response.status_code == 400 and "co_departments" in response.get_json()["error"]["fields"]
    assert _fresh(db_session, other).status == "escalated" and not _rows(db_session, other)


def test_a_return_ends_the_groups_co_departments(app, firms, db_session):
    group = firms.dispatched()
    firms.act(firms.helper, group, "return", reason="不属于本部门职责")
    group = _fresh(db_session, group)
    assert group.status == "escalated" and group.co_department_count == 0
    assert all(r.ended_at is not None for r in _rows(db_session, group))
    assert signed_in(app, firms.other_helper).get(f"/common-problems/{group.id}").status_code == 404


def test_the_sweep_tells_a_groups_co_departments_and_its_lead_once(app, firms, db_session):
    group = firms.dispatched()
    firms.act(firms.helper, group, "sign")
    runner = app.test_cli_runner()

    def sweep(moment):
        result = runner.invoke(args=["tickets", "sweep", "--now", moment.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    assert "协办: due-soon notices 2, overdue notices 0" in sweep(utc(16, 4))
    assert "协办: due-soon notices 0, overdue notices 0" in sweep(utc(16, 6))
    notes = db_session.scalars(sa.select(Notification).where(Notification.user_id == firms.land_helper.id,
                                                             Notification.kind == "ticket_due_soon")).all()
    assert [n.title for n in notes] == [f"协办问题 {group.number} 即将到期"]
    assert notes[0].url == f"/common-problems/{group.id}"
    firms.act(firms.other_helper, _fresh(db_session, group), "co_sign", now=utc(17))
    firms.act(firms.other_helper, _fresh(db_session, group), "co_opinion", now=utc(17, 3), opinion="同意。")
    output = sweep(utc(20))  # Friday: the land bureau never signed, its opinion is overdue too
    assert "overdue notices 1, lead told of overdue opinions 1" in output
    lead = db_session.scalars(sa.select(Notification).where(Notification.user_id == firms.helper.id,
                                                            Notification.kind == "ticket_co_overdue")).all()
    assert [n.title for n in lead] == [f"问题 {group.number} 的协办意见逾期：{firms.land.name}"]
    assert "可以答复" in lead[0].body
    assert "overdue notices 0, lead told of overdue opinions 0" in sweep(utc(20, 6))


def test_a_holiday_the_admin_adds_moves_a_groups_co_department_clocks(firms, db_session):
    from app.settings import services as settings_services

    group = firms.dispatched()  # Monday 16 November: signing due Tuesday 17th, opinions Thursday 19th
    firms.act(firms.land_helper, group, "co_sign")
    settings_services.save_override(firms.admin, None, day=date(2026, 11, 18), is_workday=False, note="临时放假")
    db_session.commit()
    rows = _rows(db_session, group)
    assert {local_date(r.sign_due_at) for r in rows} == {date(2026, 11, 17)}  # before the new holiday
    assert {local_date(r.opinion_due_at) for r in rows} == {date(2026, 11, 20)}  # one working day later


def test_the_ledger_shows_each_members_groups_co_departments(app, firms, db_session):
    from tests.tickets.test_ledger import read

    group = firms.dispatched()
    firms.act(firms.other_helper, group, "co_sign")
    firms.act(firms.other_helper, group, "co_opinion", opinion="经信局配合用工调剂。")
    header, rows = read(signed_in(app, firms.manager).get("/tickets/export.xlsx"))
    by_number = {r[0]: dict(zip(header, r)) for r in rows}
    for t in firms.tickets:
        row = by_number[t.number]
        assert row["共性问题"] == group.number
        assert row["协办部门"].split("\n")[0] == f"{firms.other_department.name}：已提交意见"
        assert row["协办意见"] == f"{firms.other_department.name}：经信局配合用工调剂。"
    assert by_number[firms.unrelated.number]["协办部门"] in (None, "")


def test_the_co_departments_home_counts_its_groups_to_help_with_and_opens_them(app, firms, db_session):
    from tests.monitoring.helpers import link_value

    group = firms.dispatched()
    co = signed_in(app, firms.other_helper)
    home = co.get("/home").get_data(as_text=True)
    assert link_value(home, "/common-problems/", co_owing=1) == 1
    listing = text(co.get("/common-problems/", query_string={"co_owing": 1}))
    assert group.number in listing
    outsider_home = signed_in(app, firms.outsider).get("/home").get_data(as_text=True)
    assert link_value(outsider_home, "/common-problems/", co_owing=1) == 0
    firms.act(firms.other_helper, group, "co_sign")
    firms.act(firms.other_helper, _fresh(db_session, group), "co_opinion", opinion="同意。")
    assert link_value(co.get("/home").get_data(as_text=True), "/common-problems/", co_owing=1) == 0
    assert group.number not in text(co.get("/common-problems/", query_string={"co_owing": 1}))
    # A manager's filter lists every group with an opinion still to come (the land bureau's).
    assert group.number in text(signed_in(app, firms.manager).get("/common-problems/", query_string={"co_owing": 1}))
