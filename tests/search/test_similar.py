"""Similar problems (issue 16): a hand-written set of realistic problems, several phrasings of each
need, ranks the same-need ones first; the panel on the problem page and the API stay in scope."""
import html

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.search import similarity
from app.tickets import services
from app.tickets.queries import visible_tickets, with_list_loads
from tests.search.similar_set import PROBLEMS
from tests.tickets.helpers import World

# Measured on this set (docs/benchmarks.md); the test fails if a change makes it worse.
MIN_PRECISION_AT_3 = 0.55  # measured: 0.661 on SQLite, 0.596 on PostgreSQL


@pytest.fixture
def labelled(make):
    """The set filed by a manager across eight companies of two escorts; {ticket_id: need}."""
    manager = make.user(role="manager")
    escorts = [make.user(role="escort"), make.user(role="escort")]
    companies = [make.company(escort=escorts[i % 2]) for i in range(8)]
    need_of, tickets, i = {}, [], 0
    for need, problems in PROBLEMS.items():
        for title, description in problems:
            ticket = services.submit_ticket(manager, companies[i % len(companies)], services.NewTicket(
                title, description, "other", source="escort"))
            need_of[ticket.id] = need
            tickets.append(ticket)
            i += 1
    make.session.commit()
    if make.session.get_bind().dialect.name == "postgresql":
        # As autovacuum does on a live database: statistics of the gram index, which the candidate query
        # reads to leave out pairs that are in most problems (app/search/similarity.py).
        make.session.execute(sa.text("ANALYZE ticket_search_docs"))
    return manager, escorts, companies, tickets, need_of


def precision_at_3(user, tickets, need_of) -> float:
    scores = []
    for ticket in tickets:
        found = similarity.similar_problems(visible_tickets(user), ticket, limit=3)
        scores.append(sum(need_of[item.ticket.id] == need_of[ticket.id] for item in found) / 3)
    return sum(scores) / len(scores)


def test_the_same_need_in_other_words_ranks_first(labelled):
    manager, _escorts, _companies, tickets, need_of = labelled
    assert len(tickets) >= 60
    precision = precision_at_3(manager, tickets, need_of)
    print(f"precision@3 = {precision:.3f} over {len(tickets)} problems")
    assert precision >= MIN_PRECISION_AT_3
    labour = next(t for t in tickets if t.title.startswith("招工难"))
    top = similarity.similar_problems(visible_tickets(manager), labour, limit=3)
    assert all(need_of[item.ticket.id] == "labour" for item in top), [item.ticket.title for item in top]
    assert all(0 < item.score <= 1 for item in top) and top == sorted(top, key=lambda item: -item.score)


def test_similar_problems_stay_in_the_callers_scope(labelled, api):
    _manager, escorts, companies, tickets, _need_of = labelled
    mine = {c.id for c in companies if c.escort_id == escorts[0].id}
    ticket = next(t for t in tickets if t.company_id in mine)
    client, _user, headers = api(user=escorts[0])
    items = client.get(f"/api/v1/tickets/{ticket.id}/similar", headers=headers).get_json()["items"]
    assert items and all(item["ticket"]["company_id"] in mine for item in items)
    other = next(t for t in tickets if t.company_id not in mine)
    assert client.get(f"/api/v1/tickets/{other.id}/similar", headers=headers).status_code == 404


def test_an_escort_finds_the_like_problems_of_their_own_companies_among_many_elsewhere(make, monkeypatch, app):
    """The candidates are looked for within the escort's companies: the district's best (here 3, at scale 100)
    are the same words filed for another escort's company, and kept to the escort's they were none — the panel
    said 没有找到相似的问题. The manager, who sees every problem, still gets the district's best."""
    from tests.conftest import Browser

    monkeypatch.setattr(similarity, "CANDIDATES", 3)
    manager, escort, other = make.user(role="manager"), make.user(role="escort"), make.user(role="escort")
    ours, theirs = make.company(escort=escort), make.company(escort=other)

    def file(company, title, description):
        return services.submit_ticket(manager, company, services.NewTicket(title, description, "approval",
                                                                           source="escort"))

    for need, problems in PROBLEMS.items():  # the district's other needs, for the words' weights
        for title, description in problems if need != "power" else ():
            file(theirs, title, description)
    title, description = "厂房用电增容申请迟迟未批", "新设备等着通电，用电增容申请两个月没有结果。"
    elsewhere = [file(theirs, title, description) for _ in range(6)]
    mine = file(ours, "增容申请没有消息", "工厂的增容申请一直没有消息。")  # alike, less so
    again = file(ours, title, description)
    make.session.commit()
    if make.session.get_bind().dialect.name == "postgresql":
        make.session.execute(sa.text("ANALYZE ticket_search_docs"))
    b = Browser(app.test_client())
    b.login(escort.username)
    page = html.unescape(b.get(f"/tickets/{again.id}").get_data(as_text=True))
    panel = page[page.index("similar-problems"):page.index("附件")]
    assert mine.number in panel and "没有找到相似的问题" not in panel
    assert not any(t.number in panel for t in elsewhere)
    found = similarity.similar_problems(visible_tickets(manager), again, limit=3)
    assert {item.ticket.id for item in found} <= {t.id for t in elsewhere}  # the manager: the district's best


def test_the_problem_page_shows_similar_problems_with_state_department_and_answer(make, login_as):
    w = World(make)
    answered = w.ticket_in("replied")  # 厂房用电增容审批慢, answered by w.department
    again = w.new_ticket(title="用电增容申请迟迟未批", description="新设备等着通电，增容申请两个月没有结果。")
    b, _manager = login_as("manager")
    page = html.unescape(b.get(f"/tickets/{again.id}").get_data(as_text=True))
    panel = page[page.index("similar-problems"):page.index("附件")]
    assert answered.number in panel and "已答复" in panel and w.department.name in panel
    assert "已协调供电公司，本周内完成增容。" in panel


def test_the_api_answers_for_staff_only(make, api):
    w = World(make)
    w.ticket_in("replied")
    again = w.new_ticket(title="用电增容申请迟迟未批", description="增容申请两个月没有结果。")
    client, _user, headers = api(user=w.manager)
    body = client.get(f"/api/v1/tickets/{again.id}/similar", headers=headers).get_json()
    assert body["items"][0]["ticket"]["reply_message"] == "已协调供电公司，本周内完成增容。"
    assert 0 < body["items"][0]["score"] <= 1
    client, _user, headers = api(user=w.company_user)
    assert client.get(f"/api/v1/tickets/{again.id}/similar", headers=headers).status_code == 403
    found = similarity.similar_problems(visible_tickets(w.manager), again, load=with_list_loads)
    assert [item.ticket.id for item in found] == [item["ticket"]["id"] for item in body["items"]]



def test_a_budget_of_index_entries_keeps_the_rarest_words(labelled, monkeypatch):
    """At district scale the candidate query reads at most a budget of the index's entries, spent on each
    problem's rarest words first. With a budget that leaves words out even in this small set, the same
    needs still rank first."""
    manager, _escorts, _companies, tickets, need_of = labelled
    usual = precision_at_3(manager, tickets, need_of)
    monkeypatch.setattr(similarity, "SQLITE_BUDGET", 40)
    monkeypatch.setattr(similarity, "BUDGET", 40)
    precision = precision_at_3(manager, tickets, need_of)
    print(f"precision@3 = {precision:.3f} with a budget of 40 entries ({usual:.3f} with the usual budget)")
    assert precision >= MIN_PRECISION_AT_3
    monkeypatch.setattr(similarity, "SQLITE_BUDGET", 3)
    monkeypatch.setattr(similarity, "BUDGET", 3)
    assert precision_at_3(manager, tickets, need_of) < precision  # the budget binds: fewer words, worse


def test_a_pairs_newest_problems_are_the_same_read_from_the_index_or_walked(labelled, monkeypatch):
    """PostgreSQL: each pair's newest PER_GRAM problems are read from the gram index and sorted when the pair is in
    few problems, walked newest first when in many (similarity._newest_first: a pair in 11,300 problems at
    1,000,000 was 86,000 rows walked, 96 ms, and 16 ms from the index) — the same problems either way."""
    assert similarity._newest_first(11_300, 1_000_000) == "ticket_id + 0"
    assert similarity._newest_first(23_400, 1_000_000) == "ticket_id"
    assert similarity._newest_first(None, None) == "ticket_id"  # no statistics: walked, as before
    manager, _escorts, _companies, tickets, _need_of = labelled
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the candidate query of PostgreSQL's gram index")
    monkeypatch.setattr(similarity, "PER_GRAM", 3)  # the bound binds in this small set

    def found(order):
        monkeypatch.setattr(similarity, "_newest_first", lambda _estimated, _total: order)
        return [[(s.ticket.id, s.score) for s in similarity.similar_problems(visible_tickets(manager), t, limit=5)]
                for t in tickets]

    walked = found("ticket_id")
    assert any(walked) and walked == found("ticket_id + 0")
