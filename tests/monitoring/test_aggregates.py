"""Aggregates shared per scope, not per person (issue 14): the dashboard's, the workbenches' and the rankings'
numbers are computed once per scope and kept for at most a minute, with the time they were computed shown;
the dashboard's past months come from summary rows that `flask tickets sweep` rebuilds."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.core.timeutil import local_date
from app.extensions import cache, db
from app.monitoring import queries
from app.monitoring.models import TicketMonthCount
from app.tickets.models import Ticket
from tests.conftest import Browser
from tests.tickets.helpers import World

AS_OF = re.compile(r"数据截至 (\d{2}:\d{2}:\d{2})")


@pytest.fixture
def shared_for_a_minute(app):
    """The production setting (the suite computes on every view): numbers kept 60 s, in an empty cache."""
    app.config["AGGREGATE_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    yield
    app.config["AGGREGATE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def open_count(page: str) -> int:
    """The 未办结 headline number (the link to /tickets/?open=1)."""
    return int(re.search(r'href="/tickets/\?open=1"[^>]*>\s*(\d+)', page).group(1))


def as_of(page: str) -> str:
    match = AS_OF.search(page)
    assert match, "数据截至 HH:MM:SS is shown"
    return match.group(1)


def test_two_managers_share_one_computation_of_the_dashboard(app, make, shared_for_a_minute, count_queries,
                                                             monkeypatch):
    world = World(make)
    world.new_ticket()
    world.new_ticket()
    other_manager = make.user(role="manager")
    computed = []
    real = queries.open_counts
    monkeypatch.setattr(queries, "open_counts", lambda *a: computed.append(a[0].username) or real(*a))

    first = signed_in(app, world.manager)
    with count_queries() as q_first:
        page_first = first.get("/dashboard").get_data(as_text=True)
    second = signed_in(app, other_manager)
    with count_queries() as q_second:
        page_second = second.get("/dashboard").get_data(as_text=True)

    assert computed == [world.manager.username]  # the second manager's view used the first's numbers
    assert open_count(page_first) == open_count(page_second) == 2
    assert as_of(page_first) == as_of(page_second)
    assert q_second.count < q_first.count - 8  # none of the aggregate statements ran again

    # Within the minute a new problem is not yet counted (the freshness rule); once the entry is gone it is.
    world.new_ticket()
    assert open_count(second.get("/dashboard").get_data(as_text=True)) == 2
    with app.app_context():
        cache.clear()
    assert open_count(second.get("/dashboard").get_data(as_text=True)) == 3
    assert computed == [world.manager.username, other_manager.username]


def test_the_time_the_numbers_were_computed_shows_in_local_time(app, make, shared_for_a_minute):
    world = World(make)
    before = datetime.now(timezone.utc)
    page = signed_in(app, world.manager).get("/dashboard").get_data(as_text=True)
    shown = as_of(page)
    local = before + timedelta(hours=8)  # Asia/Shanghai
    assert abs((datetime.strptime(shown, "%H:%M:%S").replace(year=local.year, month=local.month, day=local.day)
                - local.replace(tzinfo=None, microsecond=0)).total_seconds()) < 5, shown
    rankings = signed_in(app, world.manager).get("/rankings/").get_data(as_text=True)
    assert as_of(rankings)
    home = signed_in(app, world.helper).get("/home").get_data(as_text=True)
    assert as_of(home)


def test_a_helper_or_escort_never_sees_another_scope_s_numbers(app, make, shared_for_a_minute):
    world = World(make)
    for _ in range(3):
        world.new_ticket()
    # Two departments with their own queues: three problems dispatched to the first, one to the second.
    first_dept, second_dept = world.department, make.department()
    tickets = make.session.scalars(sa.select(Ticket)).all()
    for t in tickets:
        t.status, t.department_id = "dispatched", first_dept.id
    lone = world.new_ticket()
    lone.status, lone.department_id = "dispatched", second_dept.id
    make.session.commit()
    helper_a = world.helper
    helper_a2 = make.user(role="helper", department=first_dept)
    helper_b = make.user(role="helper", department=second_dept)

    def to_sign(user) -> int:
        page = signed_in(app, user).get("/home").get_data(as_text=True)
        return int(re.search(r'href="/tickets/\?status=dispatched"[^>]*>\s*(\d+)', page).group(1))

    assert to_sign(helper_a) == 3
    assert to_sign(helper_b) == 1  # not the first department's cached 3
    assert to_sign(helper_a2) == 3  # the same department shares the computation

    # Escorts: each their own companies.
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    from app.tickets import services
    from app.tickets.services import NewTicket

    services.submit_ticket(other_escort, other_company, NewTicket("别家的问题", "描述", "approval", source="escort"))
    make.session.commit()

    def open_problems(user) -> int:
        page = signed_in(app, user).get("/home").get_data(as_text=True)
        return int(re.search(r'href="/tickets/\?open=1"[^>]*>\s*(\d+)', page).group(1))

    assert open_problems(world.escort) == 4
    assert open_problems(other_escort) == 1


# --------------------------------------------------------------------------- the summary rows

def _sweep(app, moment: datetime):
    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_sweep_rebuilds_the_past_months_idempotently_and_they_match_a_live_count(app, make, count_queries):
    world = World(make)
    now = datetime.now(timezone.utc)
    for days, closed_after in ((5, None), (35, 3), (40, None), (70, 30), (200, 1), (400, 2)):
        ticket = world.new_ticket(now=now - timedelta(days=days))
        if closed_after is not None:
            ticket.status, ticket.closed_at = "closed", now - timedelta(days=days - closed_after)
    make.session.commit()
    clock = queries.clock(now)
    with count_queries():
        live = queries.trend(world.manager, clock)  # no summary rows yet: every month counted live

    output = _sweep(app, now)
    assert "month summaries rebuilt" in output
    rows = make.session.execute(sa.select(TicketMonthCount.month, TicketMonthCount.created, TicketMonthCount.closed)
                                .order_by(TicketMonthCount.month)).all()
    assert rows and rows[-1].month < clock.month_first  # only months that have ended
    assert sum(r.created for r in rows) == sum(1 for d in (5, 35, 40, 70, 200, 400)
                                               if local_date(now - timedelta(days=d)) < clock.month_first)
    _sweep(app, now)
    again = make.session.execute(sa.select(TicketMonthCount.month, TicketMonthCount.created, TicketMonthCount.closed)
                                 .order_by(TicketMonthCount.month)).all()
    assert again == rows  # idempotent

    assert world.manager.role == "manager"  # (loaded again after the sweep's commit, before counting)
    with count_queries() as q:
        from_summary = queries.trend(world.manager, clock)
    assert from_summary == live
    assert q.count == 2  # the summary rows, then the current month's two counts in one statement
    # A problem filed now moves the current month; the stored months stay as they were.
    world.new_ticket(now=now)
    assert queries.trend(world.manager, clock)[-1].created == live[-1].created + 1
    # Scoped users always count live.
    assert [p.created for p in queries.trend(world.escort, clock)][:-1] == [p.created for p in live][:-1]


def test_the_live_ranking_board_is_computed_once_for_every_member_of_staff(app, make, shared_for_a_minute,
                                                                           monkeypatch):
    import app.rankings.views as ranking_views

    world = World(make)
    world.new_ticket()
    computed = []
    real = ranking_views.compute_board
    monkeypatch.setattr(ranking_views, "compute_board", lambda *a, **k: computed.append(a[0]) or real(*a, **k))
    pages = [signed_in(app, user).get("/rankings/?board=escorts").get_data(as_text=True)
             for user in (world.manager, world.escort, world.helper)]
    assert computed == ["escorts"]
    assert len({as_of(page) for page in pages}) == 1
    assert all(world.escort.name in page for page in pages)
    # Another board is its own computation.
    signed_in(app, world.manager).get("/rankings/?board=departments")
    assert computed == ["escorts", "departments"]
    # Company users never see the board.
    assert signed_in(app, world.company_user).get("/rankings/").status_code in (302, 403)


def test_the_dashboard_s_sections_are_rendered_once_with_the_numbers(app, make, shared_for_a_minute, monkeypatch):
    import app.monitoring.views as monitoring_views

    world = World(make)
    world.new_ticket()
    rendered = []
    real = monitoring_views._dashboard_sections
    monkeypatch.setattr(monitoring_views, "_dashboard_sections", lambda *a: rendered.append(1) or real(*a))
    other_manager = make.user(role="manager")
    pages = [signed_in(app, user).get("/dashboard").get_data(as_text=True) for user in (world.manager, other_manager)]
    assert rendered == [1]  # the breakdowns, ageing, trend and goals were rendered for the first view only
    for page in pages:
        for section in ('id="breakdown-category"', 'id="ageing"', 'id="trend"', 'id="goals-reached"'):
            assert section in page
        assert 'href="/tickets/?open=1&amp;category=' in page  # the breakdown's links to the list
    # What depends on the viewer stays live: the supervision list is read for each view.
    assert all('id="supervision"' in page for page in pages)


def test_a_problem_page_counts_its_category_s_dispatches_once_a_minute(app, make, shared_for_a_minute, count_queries):
    """The department suggestions' 同类问题 counts are the district's, the same for every problem of the category:
    counted once and shared; this very problem's own dispatches are still left out."""
    world = World(make)
    labour = make.department(name="区人力社保局")
    for title in ("招不到数控技工", "缺普工", "技工招聘困难"):
        t = world.new_ticket(title=title, description="缺人。", category="labour")
        world.act(world.manager, t, "dispatch", department_id=labour.id)
    first = world.new_ticket(title="宿舍不够住", description="员工宿舍紧张。", category="labour")
    second = world.new_ticket(title="食堂太小", description="员工就餐排队。", category="labour")
    b = signed_in(app, world.manager)

    def category_statements(path):
        with count_queries() as q:
            page = b.get(path).get_data(as_text=True)
        return page, [s for s in q.statements if re.match(r"SELECT \w+\.department_id, count\(\*\)", s)]

    page, counted = category_statements(f"/tickets/{first.id}")
    assert "同类问题中 3 次由该部门办理" in page and len(counted) == 1
    page, counted = category_statements(f"/tickets/{second.id}")
    assert "同类问题中 3 次由该部门办理" in page and counted == []  # the first view's count
    # A problem that was itself dispatched there (and is back for redispatch) is not its own history.
    world.act(world.manager, second, "dispatch", department_id=labour.id)
    with app.app_context():
        cache.clear()
    third = world.new_ticket(title="缺焊工", description="焊工不够。", category="labour")
    assert "同类问题中 4 次由该部门办理" in b.get(f"/tickets/{third.id}").get_data(as_text=True)


def test_the_similar_problems_vocabulary_is_read_once_per_word(app, make, shared_for_a_minute, count_queries):
    """On SQLite the similar-problems panel counts how many problems hold each of a problem's two-character words
    (the FTS5 vocabulary); the counts only choose the distinctive words and are kept, per word, for the minute."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 vocabulary is SQLite's; PostgreSQL reads its column statistics")
    world = World(make)
    for title in ("数控技工招不到", "数控技工短缺", "缺数控技工"):
        world.new_ticket(title=title, description="扩产缺技工。", category="labour")
    one = world.new_ticket(title="数控技工不够", description="扩产缺技工。", category="labour")
    b = signed_in(app, world.manager)

    def vocabulary_reads(ticket):
        with count_queries() as q:
            page = b.get(f"/tickets/{ticket.id}").get_data(as_text=True)
        return page, [s for s in q.statements if "_vocab" in s]

    page, reads = vocabulary_reads(one)
    assert reads and "数控技工短缺" in page  # a similar problem is shown
    page, reads = vocabulary_reads(one)
    assert reads == [] and "数控技工短缺" in page  # same words: nothing read again, same panel
