"""Full-text search of problems (issue 16): every searchable field, the caller's scope, Chinese queries
of one, two and three or more characters, ranking, highlighting, and the index following writes."""
import html
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from app.extensions import db
from app.search import queries as search_queries
from app.search.models import TicketSearchDoc
from app.tickets import services
from app.tickets.models import Ticket
from tests.conftest import Browser
from tests.tickets.helpers import World


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _link(html: str, rel: str) -> str | None:
    """The list's 下一页 (rel="next") or 上一页 (rel="prev") address, if it has one."""
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def numbers(page: str) -> list[str]:
    return re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', page)


@pytest.fixture
def w(make):
    world = World(make)
    # Another escort's company with a problem of its own (outside world.escort's scope).
    world.other_escort = make.user(role="escort")
    world.other_company = make.company(escort=world.other_escort, name="杭州萧山远洋港口物流有限公司")
    world.other_user = make.user(role="company", company=world.other_company)
    world.port = services.submit_ticket(world.other_user, world.other_company, services.NewTicket(
        "出口集装箱提箱难", "宁波舟山港口集卡排队两天，出口订单交期紧张。", "logistics", source="portal"))
    make.session.commit()
    # world.company's problems: the words sit in different fields.
    world.tax = world.new_ticket(title="研发费用加计扣除怎么申报", description="去年研发投入八百万，想了解加计扣除比例。",
                                 category="policy")
    world.order = world.new_ticket(title="海外客户流失", description="关税上调后客户减少。", category="market")
    world.act(world.manager, world.order, "dispatch", department_id=world.department.id)
    world.act(world.helper, world.order, "sign")
    services.add_comment(world.company_user, world.order, body="美国订单下滑三成，希望对接展会资源。")
    services.add_comment(world.helper, world.order, body="建议联系贸促会（内部评估：风险较高）", internal=True)
    make.session.commit()
    world.act(world.helper, world.order, "reply", message="已推荐参加广交会，展位费补贴五成。")
    return world


def test_every_searchable_field_is_found_on_the_list(login_as, w):
    b, _manager = login_as("manager")
    assert numbers(page_text(b.get("/tickets/?q=港口"))) == [w.port.number]             # description
    assert numbers(page_text(b.get("/tickets/?q=美国订单"))) == [w.order.number]         # a comment
    assert numbers(page_text(b.get("/tickets/?q=广交会"))) == [w.order.number]           # the answer
    assert numbers(page_text(b.get("/tickets/?q=贸促会"))) == [w.order.number]           # internal note (staff)
    assert numbers(page_text(b.get("/tickets/?q=加计扣除"))) == [w.tax.number]           # title
    assert numbers(page_text(b.get(f"/tickets/?q={w.tax.number}"))) == [w.tax.number]     # number
    assert numbers(page_text(b.get(f"/tickets/?q={w.tax.number.lower()}"))) == [w.tax.number]
    assert numbers(page_text(b.get("/tickets/?q=没有这个词语"))) == []


def test_one_two_and_more_chinese_characters(login_as, w):
    b, _manager = login_as("manager")
    assert numbers(page_text(b.get("/tickets/?q=港"))) == [w.port.number]           # one character
    assert set(numbers(page_text(b.get("/tickets/?q=研发")))) == {w.tax.number}      # two
    assert numbers(page_text(b.get("/tickets/?q=集装箱"))) == [w.port.number]       # three
    assert numbers(page_text(b.get("/tickets/?q=宁波舟山港口集卡"))) == [w.port.number]
    # Several words: every one must occur (a short and a long one together, in different fields).
    assert numbers(page_text(b.get("/tickets/?q=美国+广交会"))) == [w.order.number]
    assert numbers(page_text(b.get("/tickets/?q=美国+港口"))) == []
    # Wildcards and FTS syntax are plain text.
    assert numbers(page_text(b.get("/tickets/?q=%25"))) == []
    assert numbers(page_text(b.get('/tickets/?q="OR"+AND+NEAR(x'))) == []


def test_search_stays_inside_the_callers_scope(app, login_as, w, api):
    def signed_in(user):
        browser = Browser(app.test_client())
        assert browser.login(user.username).status_code == 302
        return browser

    assert numbers(page_text(login_as("escort")[0].get("/tickets/?q=港口"))) == []  # serves no company
    mine = signed_in(w.escort)  # the other escort's company's problem is outside its scope
    assert numbers(page_text(mine.get("/tickets/?q=港口"))) == []
    assert numbers(page_text(mine.get("/tickets/?q=美国订单"))) == [w.order.number]
    # The helper of another department sees nothing of world.order; its own department's helper does.
    assert numbers(page_text(signed_in(w.other_helper).get("/tickets/?q=美国订单"))) == []
    assert numbers(page_text(signed_in(w.helper).get("/tickets/?q=贸促会"))) == [w.order.number]

    # A company user through the API: its own problems, and never by an internal note's words.
    client, _user, headers = api(user=w.company_user)
    found = client.get("/api/v1/tickets?q=美国订单", headers=headers).get_json()
    assert [t["number"] for t in found["items"]] == [w.order.number]
    assert client.get("/api/v1/tickets?q=贸促会", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/tickets?q=风险较高", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/tickets?q=港口", headers=headers).get_json()["items"] == []
    client, _user, headers = api(user=w.helper)
    assert [t["number"] for t in client.get("/api/v1/tickets?q=贸促会", headers=headers).get_json()["items"]] \
        == [w.order.number]


def test_a_title_match_ranks_first_and_pages_follow_the_ranking(w, api, make):
    # Newer problems mention the word in their text only; the older one has it in its title.
    for i in range(3):
        w.new_ticket(title=f"资金周转困难{i}", description="想了解研发费用加计扣除能否提前享受。", category="financing")
    client, _user, headers = api(user=w.manager)
    first = client.get("/api/v1/tickets?q=加计扣除&limit=2", headers=headers).get_json()
    assert first["items"][0]["number"] == w.tax.number
    assert first["next_cursor"]
    rest = client.get(f"/api/v1/tickets?q=加计扣除&limit=2&cursor={first['next_cursor']}", headers=headers).get_json()
    seen = [t["number"] for t in first["items"] + rest["items"]]
    assert len(seen) == 4 == len(set(seen)) and rest["next_cursor"] is None
    # Within the second tier: newest first.
    assert seen[1:] == sorted(seen[1:], reverse=True)
    assert client.get("/api/v1/tickets?q=加计扣除&cursor=bad", headers=headers).status_code == 400
    assert client.get("/api/v1/tickets?q=" + "字" * 101, headers=headers).status_code == 400


def test_search_combines_with_the_other_filters(login_as, w):
    b, _manager = login_as("manager")
    assert numbers(page_text(b.get("/tickets/?q=客户&status=replied"))) == [w.order.number]
    assert numbers(page_text(b.get("/tickets/?q=客户&status=submitted"))) == []
    assert numbers(page_text(b.get(f"/tickets/?q=客户&department_id={w.department.id}"))) == [w.order.number]
    assert numbers(page_text(b.get("/tickets/?q=客户&category=policy"))) == []


def test_matched_words_are_highlighted_after_escaping(login_as, w):
    w.new_ticket(title="<script>alert(1)</script>港口费用", description="码头<b>收费</b>太高")
    b, _manager = login_as("manager")
    page = page_text(b.get("/tickets/?q=港口"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>港口</mark>费用" in page
    page = page_text(b.get("/tickets/?q=收费"))
    assert "码头&lt;b&gt;<mark>收费</mark>&lt;/b&gt;太高" in page
    # Where the words were found when not in the title: an internal note is labelled as one.
    page = html.unescape(page_text(b.get("/tickets/?q=贸促会")))
    assert "内部备注" in page and "<mark>贸促会</mark>" in page


def test_the_index_follows_edits_new_comments_and_a_rebuild(app, w, make, login_as):
    b, _manager = login_as("manager")
    assert numbers(page_text(b.get("/tickets/?q=钢材涨价"))) == []
    services.add_comment(w.escort, w.tax, body="另外钢材涨价影响利润。")
    make.session.commit()
    assert numbers(page_text(b.get("/tickets/?q=钢材涨价"))) == [w.tax.number]
    w.tax.title = "高新技术企业认定咨询"
    make.session.commit()
    assert numbers(page_text(b.get("/tickets/?q=高新技术"))) == [w.tax.number]
    assert numbers(page_text(b.get("/tickets/?q=怎么申报"))) == []

    # The rebuild command writes the same rows the writes kept.
    before = {d.ticket_id: (d.title, d.body, d.internal) for d in make.session.scalars(sa.select(TicketSearchDoc))}
    result = CliRunner().invoke(app.cli, ["search", "rebuild"], catch_exceptions=False)
    assert "search rows rebuilt" in result.output
    make.session.expire_all()
    after = {d.ticket_id: (d.title, d.body, d.internal) for d in make.session.scalars(sa.select(TicketSearchDoc))}
    assert after == before
    # PostgreSQL: with each problem's department (the gram column's "@d" lexeme), as the tickets have it.
    assert {t.id: _department_column(t.id) for t in (w.tax, w.order, w.port)} == (
        {w.tax.id: None, w.order.id: None, w.port.id: None} if db.session.get_bind().dialect.name == "sqlite"
        else {w.tax.id: None, w.order.id: w.department.id, w.port.id: None})
    assert numbers(page_text(b.get("/tickets/?q=钢材涨价"))) == [w.tax.number]


def _department_column(ticket_id):
    """PostgreSQL: the department the problem's search row (and so its gram column) holds; None elsewhere."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.execute(sa.text("SELECT department_id FROM ticket_search_docs WHERE ticket_id = :id"),
                              {"id": ticket_id}).scalar_one()


@pytest.mark.parametrize("narrow_scope", [0, 10**6])
def test_a_helpers_search_follows_the_problem_from_department_to_department(w, make, api, monkeypatch, narrow_scope):
    """A helper finds its department's problems by a word, and never another department's: the word and the
    department are one index condition on PostgreSQL (migration 0032), which follows a dispatch, a return, a
    redispatch with a co-department (协办) and a change of department by plain SQL, as the scope does."""
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", narrow_scope)  # 0: the index path; 10**6: the scope's side
    third = make.department()
    helpers = {"lead": w.helper, "other": w.other_helper, "third": make.user(role="helper", department=third)}
    clients = {name: api(user=user) for name, user in helpers.items()}
    t = w.new_ticket(title="冷库氨制冷系统改造", description="氨制冷机组老化，想申请技改补助。", category="approval")
    elsewhere = w.new_ticket(title="氨制冷安全检查", description="应急管理部门检查后要求整改。", category="approval")
    w.act(w.manager, elsewhere, "dispatch", department_id=third.id)

    def finders(q="氨制冷"):
        found = {}
        for name, (client, _user, headers) in clients.items():
            items = client.get(f"/api/v1/tickets?q={q}", headers=headers).get_json()["items"]
            found[name] = [item["number"] for item in items]
        return found

    w.act(w.manager, t, "dispatch", department_id=w.department.id)
    assert _department_column(t.id) in (None, w.department.id)
    assert finders() == {"lead": [t.number], "other": [], "third": [elsewhere.number]}
    assert finders("技改补助") == {"lead": [t.number], "other": [], "third": []}  # in the description
    w.act(w.helper, t, "return", reason="不属于本部门职责")
    assert finders() == {"lead": [], "other": [], "third": [elsewhere.number]}
    # Redispatched to the other department, the first one its co-department (协办): both find it.
    w.act(w.manager, t, "dispatch", department_id=w.other_department.id, co_departments=[w.department.id])
    assert _department_column(t.id) in (None, w.other_department.id)
    assert finders() == {"lead": [t.number], "other": [t.number], "third": [elsewhere.number]}
    # A change of department written by plain SQL (a bulk correction) is followed too (a trigger on PostgreSQL).
    make.session.execute(sa.text("UPDATE tickets SET department_id = :d WHERE id = :id"), {"d": third.id, "id": t.id})
    make.session.commit()
    assert _department_column(t.id) in (None, third.id)
    assert finders() == {"lead": [t.number], "other": [], "third": [elsewhere.number, t.number]}  # newest first


def _co_department_column(ticket_id):
    """PostgreSQL: the open co-departments (协办) the problem's search row holds (migration 0037); None elsewhere."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.execute(sa.text("SELECT co_department_ids FROM ticket_search_docs WHERE ticket_id = :id"),
                              {"id": ticket_id}).scalar_one()


@pytest.mark.parametrize("narrow_scope", [0, 10**6])
def test_a_co_departments_search_follows_its_open_requests(app, w, make, api, monkeypatch, narrow_scope):
    """A co-department's (协办) helpers find the problem by a word while their department's request is open, and
    no longer once it has ended: on PostgreSQL the search row holds the open co-departments beside the grams
    (migration 0037), kept in step by triggers whatever writes the requests (a dispatch, a return, plain SQL),
    and a rebuild of the search rows keeps them."""
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", narrow_scope)  # 0: the index path; 10**6: the scope's side
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    third = make.department()
    helpers = {"lead": w.other_helper, "co": w.helper, "third": make.user(role="helper", department=third)}
    clients = {name: api(user=user) for name, user in helpers.items()}
    t = w.new_ticket(title="冷库氨制冷系统改造", description="氨制冷机组老化，想申请技改补助。", category="approval")

    def finders(q):
        found = {}
        for name, (client, _user, headers) in clients.items():
            found[name] = [i["number"] for i in client.get(f"/api/v1/tickets?q={q}", headers=headers).get_json()["items"]]
        return found

    w.act(w.manager, t, "dispatch", department_id=w.other_department.id, co_departments=[w.department.id, third.id])
    assert _co_department_column(t.id) == (sorted([w.department.id, third.id]) if postgresql else None)
    everyone = {"lead": [t.number], "co": [t.number], "third": [t.number]}
    assert finders("氨制冷") == everyone
    assert finders("技改补助") == everyone  # in the description
    w.act(w.other_helper, t, "return", reason="不属于本部门职责")  # the dispatch is over: its requests lapse
    assert _co_department_column(t.id) is None
    assert finders("氨制冷") == {"lead": [], "co": [], "third": []}
    w.act(w.manager, t, "dispatch", department_id=w.other_department.id, co_departments=[third.id])
    assert _co_department_column(t.id) == ([third.id] if postgresql else None)
    assert finders("氨制冷") == {"lead": [t.number], "co": [], "third": [t.number]}
    # The search rows rebuilt: each takes its problem's open co-departments again.
    CliRunner().invoke(app.cli, ["search", "rebuild"], catch_exceptions=False)
    make.session.expire_all()
    assert _co_department_column(t.id) == ([third.id] if postgresql else None)
    assert finders("氨制冷") == {"lead": [t.number], "co": [], "third": [t.number]}
    # A request ended by plain SQL (a bulk correction) is followed too.
    make.session.execute(sa.text("UPDATE ticket_co_departments SET ended_at = CURRENT_TIMESTAMP "
                                 "WHERE ticket_id = :id AND ended_at IS NULL"), {"id": t.id})
    make.session.commit()
    assert _co_department_column(t.id) is None
    assert finders("氨制冷") == {"lead": [t.number], "co": [], "third": []}


@pytest.mark.parametrize("narrow_scope", [0, 10**6])
def test_a_helpers_search_counts_what_it_lists(app, w, make, monkeypatch, narrow_scope):
    """The count over a helper's found problems (共 N 条, or 超过 N 条 past the cap) is the number the list holds:
    their department's problems and those it is an open co-department (协办) of — a word in an internal note
    included, another department's problem and a lapsed request not — with and without a filter. On PostgreSQL
    the count without a filter starts from the gram index and checks each problem against the scope
    (Search._count_from_index); with a filter, and on SQLite, it counts the list's statement."""
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", narrow_scope)  # 0: the index path; 10**6: the scope's side
    third = make.department()
    word = "氨制冷"
    own = []
    for i in range(3):
        t = w.new_ticket(title=f"冷库{word}系统改造{i}", description="机组老化。", category="approval")
        w.act(w.manager, t, "dispatch", department_id=w.department.id)
        own.append(t)
    w.act(w.helper, own[0], "sign")  # in progress: the status filter below leaves it out
    noted = w.new_ticket(title="冷库改造", description="机组老化。", category="approval")
    w.act(w.manager, noted, "dispatch", department_id=w.department.id)
    services.add_comment(w.helper, noted, body=f"内部：{word}机组需要先做安全评估", internal=True)
    co = w.new_ticket(title=f"{word}安全检查", description="整改。", category="approval")
    w.act(w.manager, co, "dispatch", department_id=w.other_department.id, co_departments=[w.department.id])
    lapsed = w.new_ticket(title=f"{word}泄漏报警", description="整改。", category="approval")
    w.act(w.manager, lapsed, "dispatch", department_id=w.other_department.id, co_departments=[w.department.id])
    w.act(w.other_helper, lapsed, "return", reason="不属于本部门职责")
    elsewhere = w.new_ticket(title=f"{word}机房改造", description="整改。", category="approval")
    w.act(w.manager, elsewhere, "dispatch", department_id=third.id)
    make.session.commit()
    b = Browser(app.test_client())
    assert b.login(w.helper.username).status_code == 302

    page = page_text(b.get(f"/tickets/?q={word}"))
    expected = {t.number for t in (*own, noted, co)}
    assert set(numbers(page)) == expected
    assert "共 5 条" in page
    page = page_text(b.get(f"/tickets/?q={word}&status=dispatched"))
    assert set(numbers(page)) == {own[1].number, own[2].number, noted.number, co.number}
    assert "共 4 条" in page
    monkeypatch.setattr(search_queries, "COUNT_CAP", 2)
    assert "超过 2 条" in page_text(b.get(f"/tickets/?q={word}"))
    assert "共 0 条" in page_text(b.get("/tickets/?q=不存在的词语"))


def test_what_only_chooses_the_plan_is_read_once_a_minute(app, w, api, monkeypatch, count_queries):
    """Whether a scope is narrow, and the statistics of the words' grams, only choose how a search is read (both
    paths give the same problems): on PostgreSQL each is shared for the aggregates' minute — the scope's bounded
    count by the scope's users, the statistics by everyone."""
    from app.extensions import cache

    caps = []
    counted = search_queries.bounded_count
    monkeypatch.setattr(search_queries, "bounded_count", lambda stmt, cap, **kw: caps.append(cap) or counted(stmt, cap, **kw))
    client, _helper, headers = api(user=w.helper)
    found, scope_counts, statistics = [], [], []
    app.config["AGGREGATE_CACHE_SECONDS"] = 60
    try:
        with app.app_context():
            cache.clear()
        for _ in range(2):
            caps.clear()
            with count_queries() as q:
                items = client.get("/api/v1/tickets?q=客户", headers=headers).get_json()["items"]
            found.append([i["number"] for i in items])
            scope_counts.append(caps.count(search_queries.NARROW_SCOPE))
            statistics.append(sum("pg_stats" in statement for statement in q.statements))
    finally:
        app.config["AGGREGATE_CACHE_SECONDS"] = 0
        with app.app_context():
            cache.clear()
    assert found == [[w.order.number], [w.order.number]]
    if db.session.get_bind().dialect.name == "postgresql":
        assert scope_counts == [1, 0] and statistics == [1, 0]
    else:  # SQLite counts the scope on every search (and has no such statistics)
        assert scope_counts == [1, 1] and statistics == [0, 0]


def plan_of_a_page(user, q: str) -> str:
    """The query plan of a search page's statement (its second tier: matches outside the title)."""
    search = search_queries.Search(user, q, db.session)
    segment = search.segments()[1]
    stmt = sa.select(Ticket.id).where(segment.where).order_by(*(k.order() for k in segment.keys)).limit(51)
    sql = str(stmt.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True}))
    if db.session.get_bind().dialect.name == "sqlite":
        return " | ".join(str(r[-1]) for r in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    # A tiny table: ask whether it *can* read the gram index (at scale the planner chooses between a walk
    # of the problems newest first and the index from the grams' statistics: docs/benchmarks.md).
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
    # Nor a loop over the problems checking each one's search row by key: once earlier tests have left
    # statistics behind, that is what a tiny table's plan otherwise picks, and it says nothing of the index.
    db.session.execute(sa.text("SET LOCAL enable_nestloop = off"))
    return " | ".join(r[0] for r in db.session.execute(sa.text("EXPLAIN " + sql)))


@pytest.mark.parametrize("q", ["加计扣除", "美国订单 贸促会", "港口", "港", "XS"])
def test_the_plan_reads_the_full_text_index(w, q):
    plan = plan_of_a_page(w.manager, q)
    if db.session.get_bind().dialect.name == "sqlite":
        # Walked through the FTS5 index in rowid order: no sort, so a page stops after its rows.
        assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan, plan
    else:  # words of one and two characters too: the index holds every character and pair
        assert "Bitmap Index Scan on ix_ticket_search_docs_grams" in plan, plan


@pytest.fixture
def many(w):
    """More of world.company's problems, the words in titles, descriptions, answers and internal notes."""
    for i in range(6):
        w.new_ticket(title=f"港口设备进口{i}" if i % 2 else f"厂房扩建{i}",
                     description="设备在港口滞留，需要协调海关。" if i % 3 else "用地指标紧张，需要协调。",
                     category="logistics")
    t = w.new_ticket(title="出口退税慢", description="退税材料已交两个月。", category="policy")
    w.act(w.manager, t, "dispatch", department_id=w.department.id)
    services.add_comment(w.helper, t, body="港口方面已协调（内部）", internal=True)
    w.make.session.commit()
    return w


@pytest.mark.parametrize("q", ["港口", "协调", "港", "港口 协调", "退税", "设备进口", "加计扣除", "没有这个词语"])
def test_a_narrow_scope_finds_exactly_what_the_index_walk_finds(monkeypatch, many, api, login_as, q):
    """A small scope is walked from its side (each of its problems checked by id): the same problems, in
    the same order, over the same pages, with the same count, as the index walked newest first; and the
    same again when the second tier is looked for on pages the first tier fills."""
    w = many

    def every_page(client, headers):
        seen, cursor = [], ""
        for _ in range(20):
            found = client.get(f"/api/v1/tickets?q={q}&limit=2&cursor={cursor}", headers=headers).get_json()
            seen += [t["number"] for t in found["items"]]
            cursor = found["next_cursor"]
            if not cursor:
                return seen
        raise AssertionError("no last page")

    def pages_forward_and_back(browser):
        """The list's pages two problems at a time, 下一页 to the end, then 上一页 back to the first."""
        app = browser.client.application
        app.config["ITEMS_PER_PAGE"], saved = 2, app.config["ITEMS_PER_PAGE"]
        try:
            forward, link = [], f"/tickets/?q={q}"
            while link:
                html = page_text(browser.get(link))
                forward.append(numbers(html))
                link = _link(html, "next")
            back, link = [forward[-1]], _link(html, "prev")
            while link:
                html = page_text(browser.get(link))
                back.append(numbers(html))
                link = _link(html, "prev")
        finally:
            app.config["ITEMS_PER_PAGE"] = saved
        assert back[::-1] == forward, (forward, back)
        return forward

    users = [w.manager, w.escort, w.helper, w.company_user]
    clients = [api(user=u) for u in users]
    results = {}
    # 0: every scope is wide; 10**6: every scope is narrow; "always": wide, the second tier always read
    for variant in (0, 10**6, "always"):
        monkeypatch.setattr(search_queries, "NARROW_SCOPE", 0 if variant == "always" else variant)
        if variant == "always":
            monkeypatch.setattr(search_queries.Search, "_first_tier_fills", lambda *args: False)
        results[variant] = [every_page(client, headers) for client, _user, headers in clients]
        browser, _manager = login_as("manager")
        page = page_text(browser.get(f"/tickets/?q={q}"))
        results[variant].append((numbers(page), re.findall(r"共 \d+ 条", page)))
        results[variant].append(pages_forward_and_back(browser))
    assert results[0] == results[10**6] == results["always"]
    if q == "港口":  # the internal note counts for staff only
        assert w.port.number in results[0][0] and len(results[0][3]) < len(results[0][1])
        assert results[0][4][1] == [f"共 {len(results[0][0])} 条"]


def test_a_page_the_title_tier_fills_does_not_look_for_the_second_tier(many, monkeypatch):
    from app.tickets.queries import visible_tickets

    stmt = visible_tickets(many.manager)
    titled = db.session.scalars(sa.select(Ticket.id).where(Ticket.title.like("港口设备%"))
                                .order_by(Ticket.id.desc())).all()
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", 0)  # the wide path: the index walked newest first
    search = search_queries.Search(many.manager, "港口设备", db.session)  # in three titles
    segments = search.segments(stmt, per_page=2)
    assert segments[1].where is sa.false()
    if db.session.get_bind().dialect.name == "postgresql":  # the page reads the rows just found, by key
        found = db.session.scalars(sa.select(Ticket.id).where(segments[0].where).order_by(Ticket.id.desc())).all()
        assert found == titled == search._first_ids, (found, titled)
    assert search.segments(stmt, per_page=3)[1].where is not sa.false()
    search = search_queries.Search(many.manager, "港口设备", db.session)
    assert search.segments(stmt)[1].where is not sa.false()  # no page size: both tiers

    # The narrow path checks each problem of the scope once, and each tier's page reads its matches by key:
    # there is nothing to walk.
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", 10**6)
    search = search_queries.Search(many.manager, "港口设备", db.session)
    segments = search.segments(stmt, per_page=2)
    title, rest = search._narrow_matches(stmt)
    assert title == titled and not set(title) & set(rest)
    found = db.session.scalars(sa.select(Ticket.id).where(segments[0].where).order_by(Ticket.id.desc())).all()
    assert found == titled


def test_the_narrow_plan_reads_the_scope_then_each_search_row_by_its_key(w, monkeypatch):
    monkeypatch.setattr(search_queries, "NARROW_SCOPE", 10**6)
    from sqlalchemy import event

    from app.tickets.queries import visible_tickets

    search = search_queries.Search(w.escort, "港口", db.session)
    stmt = visible_tickets(w.escort)
    ran = []

    def keep(_conn, _cursor, statement, parameters, _context, _executemany):
        ran.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        search._narrow_matches(stmt)  # the scope's matches, both tiers, in one statement
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    ((statement, parameters),) = ran
    connection = db.session.connection()
    if engine.dialect.name == "sqlite":
        plan = " | ".join(str(r[-1]) for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                         parameters))
        # The escort's scope (their companies by the escort index, as a list subquery) gives the problems by the
        # company index; only then is each one's search row read, by its key. Nothing is scanned.
        assert "SEARCH ticket_search_docs USING INTEGER PRIMARY KEY" in plan, plan
        assert "SEARCH companies USING COVERING INDEX ix_companies_escort_name (escort_id=?)" in plan, plan
        assert "SEARCH tickets USING COVERING INDEX ix_tickets_company_created (company_id=?)" in plan, plan
        assert plan.index("SEARCH tickets") < plan.index("ticket_search_docs"), plan
        assert "SCAN" not in plan, plan
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = " | ".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
        assert "pk_ticket_search_docs" in plan, plan


def test_the_scope_is_counted_by_its_keys_alone(w, make):
    """The narrow/wide decision counts the helper's scope (with the list's loads, as the page gives it) by the
    problems' keys alone: SQLite keeps every column of a subquery, and reading each problem's whole row to
    count 3,001 of them cost 11 ms where the department's index answers alone (docs/benchmarks.md)."""
    from sqlalchemy import event

    from app.tickets.queries import visible_tickets, with_list_loads

    for _ in range(3):
        t = w.new_ticket(title="氨制冷系统改造", description="机组老化。", category="approval")
        w.act(w.manager, t, "dispatch", department_id=w.department.id)
    stmt = with_list_loads(visible_tickets(w.helper))
    seen = []
    engine = db.session.get_bind()

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        from app.core.pagination import bounded_count

        everything = len(db.session.scalars(stmt).unique().all())
        assert everything >= 3
        assert bounded_count(stmt, 2) == 3  # cap + 1: more than two
        assert bounded_count(stmt, 100) == everything
    finally:
        event.remove(engine, "before_cursor_execute", record)
    counts = [s for s in seen if "count(" in s]
    assert len(counts) == 2 and all("tickets.id" in s for s in counts), counts
    assert not any("tickets.title" in s or "companies" in s for s in counts), counts


def test_a_helpers_search_reads_their_department_in_the_scoped_index(app, w, make, login_as, monkeypatch):
    """SQLite (migrations 0035, 0036): each search row holds the departments whose helpers see the problem, kept
    in step with dispatch, co-departments (协办), a return and plain SQL; a helper's wide search asks the scoped
    indexes (every column; the titles) for the words and their department's token together, and `flask search
    rebuild` writes the same."""
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("the scoped index is SQLite's (PostgreSQL's gram column holds the department, 0032)")
    from sqlalchemy import event

    from app.search.index import scope_token

    monkeypatch.setattr(search_queries, "NARROW_SCOPE", 0)  # the index path

    def scope(ticket):
        return make.session.execute(sa.text("SELECT scope FROM ticket_search_docs WHERE ticket_id = :id"),
                                    {"id": ticket.id}).scalar_one()

    def tokens(*departments):
        return " ".join(scope_token(d.id) for d in sorted(departments, key=lambda d: d.id))

    t = w.new_ticket(title="冷库改造", description="氨制冷机组老化，想申请技改补助。", category="approval")
    assert scope(t) == ""
    w.act(w.manager, t, "dispatch", department_id=w.department.id)
    assert scope(t) == tokens(w.department)
    w.act(w.helper, t, "return", reason="不属于本部门职责")
    assert scope(t) == ""
    w.act(w.manager, t, "dispatch", department_id=w.other_department.id, co_departments=[w.department.id])
    assert scope(t) == tokens(w.department, w.other_department)
    third = make.department()
    make.session.execute(sa.text("UPDATE tickets SET department_id = :d WHERE id = :id"), {"d": third.id, "id": t.id})
    make.session.commit()
    assert scope(t) == tokens(w.department, third)

    seen = []
    engine = db.session.get_bind()

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    helper, _user = login_as("helper", department=w.other_department)  # the lead before the change no longer sees it
    b = Browser(app.test_client())
    b.login(w.helper.username)
    assert numbers(page_text(helper.get("/tickets/?q=氨制冷机组"))) == []
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = page_text(b.get("/tickets/?q=氨制冷机组"))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert numbers(page) == [t.number] and re.findall(r"共 \d+ 条", page) == ["共 1 条"]
    scoped = [(s, p) for s, p in seen if "ticket_search_fts_scoped" in s]
    assert len(scoped) == 2, seen  # the page's second tier and the count
    titles = [(s, p) for s, p in seen if "ticket_search_fts_titles" in s]
    assert len(titles) == 2, seen  # the read that decides whether the titles fill the page, and the page
    assert not any("ticket_search_fts " in s or "ticket_search_fts AS" in s for s, _p in seen), seen
    assert all(any(scope_token(w.department.id) in str(v) for v in p) for _s, p in scoped + titles), scoped + titles

    # The triggers kept each index equal to its rows (rank 1: FTS5 compares the index with the content view).
    for table in ("ticket_search_fts_scoped", "ticket_search_fts_titles", "ticket_search_fts"):
        make.session.execute(sa.text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
    before = {d: s for d, s in make.session.execute(sa.text("SELECT ticket_id, scope FROM ticket_search_docs"))}
    CliRunner().invoke(app.cli, ["search", "rebuild"], catch_exceptions=False)
    make.session.expire_all()
    assert dict(make.session.execute(sa.text("SELECT ticket_id, scope FROM ticket_search_docs")).all()) == before
    assert numbers(page_text(b.get("/tickets/?q=氨制冷机组"))) == [t.number]


def test_postgresql_sessions_compile_no_statement(app):
    """A page's statements run in milliseconds; compiling one to machine code (PostgreSQL's JIT, for estimated
    costs over 100,000) took 144 ms for a helper's search count at 1,000,000 problems: the app's sessions
    have it off."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's JIT")
        assert db.session.execute(sa.text("SHOW jit")).scalar_one() == "off"
