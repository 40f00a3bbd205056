"""Dispatch help: suggested departments (with why) and a custom deadline, through the page and the API."""
import re
from datetime import date, timedelta

import pytest

from app.core.timeutil import local_date
from app.core.workdays import add_working_days, is_workday
from app.tickets.models import TicketEvent
from app.core.db import utcnow
from tests.api.test_api_tickets import as_  # noqa: F401  (the fixture)
from tests.tickets.helpers import World
from tests.tickets.test_pages import do, fresh, signed_in, text

LABOUR = [
    ("招不到数控技工", "今年扩产，数控车床技工缺口二十人，招聘会上招不到人。"),
    ("缺数控技工招工难", "新生产线需要数控技工十五名，网上招聘两个月没有合适人选。"),
    ("技工招聘困难", "企业急需数控操作技工，招工难，希望人社部门帮助对接职业院校。"),
    ("数控技工短缺", "订单增加，数控技工严重不足，请协助招聘。"),
]
POWER = [
    ("厂房用电增容申请", "新厂房需要增容到 2000 千伏安，供电申请三个月无进展。"),
    ("用电增容审批慢", "变压器增容报装迟迟没有批下来，影响投产。"),
]


@pytest.fixture
def world(make):
    w = World(make)
    w.labour = make.department(name="区人力社保局")
    w.power = make.department(name="区发改局（能源）")
    make.user(role="helper", department=w.labour)
    make.user(role="helper", department=w.power)
    return w


def _history(world):
    """Past problems dispatched to the department that kept them."""
    for title, description in LABOUR:
        t = world.new_ticket(title=title, description=description, category="labour")
        world.act(world.manager, t, "dispatch", department_id=world.labour.id)
    for title, description in POWER:
        t = world.new_ticket(title=title, description=description, category="energy")
        world.act(world.manager, t, "dispatch", department_id=world.power.id)


def test_similar_problems_suggest_the_department_that_handled_them(app, world):
    _history(world)
    t = world.new_ticket(title="数控技工招不到", description="扩大生产，缺少数控技工十名，请帮助招聘。",
                         category="labour")
    b = signed_in(app, world.manager)
    page = text(b.get(f"/tickets/{t.id}"))
    block = page.split('class="department-suggestions', 1)[1].split("</ol>", 1)[0]
    names = re.findall(r"<strong>(.*?)</strong>", block)
    assert names[0] == "区人力社保局"
    assert "过去 4 个相似问题中 4 个交办区人力社保局" in block
    # Pre-selected in the form.
    assert re.search(rf'<option selected value="{world.labour.id}">|<option value="{world.labour.id}" selected',
                     page), "the best suggestion is pre-selected"


def test_the_page_looks_the_similar_problems_up_once_for_the_panel_and_the_suggestions(app, world, count_queries):
    """The page of a problem awaiting dispatch ranks similar problems twice — its panel, and the department
    suggestions' similar dispatched problems — from one lookup of the candidates (similarity._candidate_ids): the
    lookup is the costly part (39 ms each at 1,000,000 problems on PostgreSQL, docs/benchmarks.md)."""
    _history(world)
    t = world.new_ticket(title="数控技工招不到", description="扩大生产，缺少数控技工十名，请帮助招聘。",
                         category="labour")
    b = signed_in(app, world.manager)
    with count_queries() as q:
        page = text(b.get(f"/tickets/{t.id}"))
    assert "相似问题" in page and "过去 4 个相似问题中 4 个交办区人力社保局" in page
    # The lookup: FTS5's bm25 on SQLite, the pairs' arms on PostgreSQL.
    lookups = [s for s in q.statements if "bm25(" in s or "similar_g0" in s]
    assert len(lookups) == 1, lookups


def test_a_helpers_suggestion_on_return_leads_and_the_returning_department_drops(world, as_):
    _history(world)
    t = world.new_ticket(title="数控技工招不到", description="缺少数控技工十名。", category="labour")
    world.act(world.manager, t, "dispatch", department_id=world.department.id)
    world.act(world.helper, t, "return", reason="不属于本部门", suggested_department_id=world.power.id)
    items = as_(world.manager).get(f"/api/v1/tickets/{t.id}/department-suggestions").get_json()["items"]
    assert items[0]["department"]["id"] == world.power.id
    assert "经办人退回时建议" in items[0]["reason"]
    assert all(0 <= i["score"] <= 1 for i in items) and len(items) <= 3
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert world.department.id not in [i["department"]["id"] for i in items[:1]]


def test_category_counts_when_no_similar_history(world, as_):
    _history(world)
    t = world.new_ticket(title="宿舍不够住", description="员工宿舍紧张。", category="labour")
    items = as_(world.manager).get(f"/api/v1/tickets/{t.id}/department-suggestions").get_json()["items"]
    assert items and items[0]["department"]["id"] == world.labour.id
    assert "同类问题中 4 次由该部门办理" in items[0]["reason"]


def test_suggestions_are_for_managers_and_in_scope(world, as_, make):
    t = world.new_ticket()
    assert as_(world.escort).get(f"/api/v1/tickets/{t.id}/department-suggestions").status_code == 403
    assert as_(world.helper).get(f"/api/v1/tickets/{t.id}/department-suggestions").status_code == 404
    assert as_(world.company_user).get(f"/api/v1/tickets/{t.id}/department-suggestions").status_code in (403, 404)
    assert as_(world.admin).get(f"/api/v1/tickets/{t.id}/department-suggestions").get_json() == {"items": []}


def _workday_between(start: date, end: date) -> date:
    day = end
    while not is_workday(day) or day < start:
        day -= timedelta(days=1)
    return day


def test_custom_deadline_through_the_page(app, world, db_session):
    t = world.ticket_in("accepted")
    b = signed_in(app, world.manager)
    now_day = local_date(utcnow())
    due = add_working_days(now_day, 3)
    response = do(b, t.id, "dispatch", department_id=str(world.department.id), complexity="ordinary",
                  due_on=due.isoformat())
    assert response.status_code == 302, text(response)
    t = fresh(db_session, t)
    assert local_date(t.reply_due_at) == due
    event = db_session.query(TicketEvent).filter_by(ticket_id=t.id, kind="dispatch").one()
    assert event.data["due_on"] == due.isoformat()
    assert f"办理期限：{due.isoformat()}" in text(b.get(f"/tickets/{t.id}"))


def test_custom_deadline_is_bounded_and_on_a_working_day(world, as_):
    caller = as_(world.manager)
    t = world.ticket_in("accepted")
    now_day = local_date(utcnow())
    limit = add_working_days(now_day, 5)
    for bad, needle in [((limit + timedelta(days=7)).isoformat(), "之间"), ("2026-13-40", "YYYY-MM-DD"),
                        ((now_day - timedelta(days=1)).isoformat(), "之间")]:
        r = caller.post(f"/api/v1/tickets/{t.id}/actions",
                        {"action": "dispatch", "version": t.version, "department_id": world.department.id,
                         "due_on": bad})
        assert r.status_code == 400, (bad, r.get_json())
        assert "due_on" in r.get_json()["error"]["fields"]
        assert needle in r.get_json()["error"]["fields"]["due_on"]
    # A day off within the bounds (a complex problem's 15 working days span weekends) is refused by name.
    first_workday = add_working_days(now_day, 1)
    day_off = next(first_workday + timedelta(days=i) for i in range(1, 15)
                   if not is_workday(first_workday + timedelta(days=i)))
    r = caller.post(f"/api/v1/tickets/{t.id}/actions",
                    {"action": "dispatch", "version": t.version, "department_id": world.department.id,
                     "complexity": "complex", "due_on": day_off.isoformat()})
    assert r.status_code == 400 and "工作日" in r.get_json()["error"]["fields"]["due_on"]
    # The limit itself is fine; a complex problem's limit is further.
    far = _workday_between(now_day, add_working_days(now_day, 12))
    r = caller.post(f"/api/v1/tickets/{t.id}/actions",
                    {"action": "dispatch", "version": t.version, "department_id": world.department.id,
                     "complexity": "complex", "due_on": far.isoformat()})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "dispatched"
