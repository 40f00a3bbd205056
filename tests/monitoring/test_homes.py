"""The escort and helper homes (/home): the right sections with the right problems, numbers that link
to lists of exactly those problems, and the landing after login."""
import html
import re

import pytest

from tests.conftest import Browser
from tests.monitoring.helpers import build_district, freeze, link_value, listed_numbers, number_links, text


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


@pytest.fixture
def district(make, monkeypatch):
    freeze(monkeypatch)
    return build_district(make)


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start:page.index("</section>", start)]


def numbers(t, *names) -> list[str]:
    return [t[name].number for name in names]


def assert_numbers_open_their_lists(b: Browser, page: str) -> int:
    checked = 0
    for path, query, count in number_links(page):
        if path == "/tickets/":
            listing = b.get(path, query_string=query)
            assert listing.status_code == 200
            assert len(listed_numbers(listing.get_data(as_text=True))) == count, query
            checked += 1
    return checked


def test_escort_home(app, district):
    d, t = district
    b = signed_in(app, d.escort)
    assert b.get("/").headers["Location"] == "/home"
    page = b.get("/home").get_data(as_text=True)
    assert "我的工作台" in page

    # the numbers: awaiting the escort = submitted/accepted (t1, t2, t12); all open problems of the
    # escort's two companies; overdue; due soon; companies not visited in November (company B)
    assert link_value(page, "/tickets/", mine=1) == 3
    assert link_value(page, "/tickets/", open=1) == 7
    assert link_value(page, "/tickets/", overdue=1) == 4
    assert link_value(page, "/tickets/", due_soon=1) == 1
    assert link_value(page, "/visits/unvisited") == 1
    assert link_value(page, "/companies/") == 2
    assert link_value(page, "/companies/", goal_status="not_started") == 2
    assert assert_numbers_open_their_lists(b, page) >= 6

    # Phone first: 记录走访 is one tap from the top of the page (and in the menu).
    assert page.index('id="log-visit" href="/visits/new"') < page.index('id="unvisited"')
    assert '<a class="nav-link fw-semibold" href="/visits/new">' in page

    # still to visit this period: company B only, as a card with its own 记录走访
    unvisited = html.unescape(section(page, "unvisited"))
    assert d.company_b.name in unvisited and d.company.name not in unvisited
    assert f'href="/visits/new?company_id={d.company_b.id}"' in unvisited
    assert "2026-10-30" in unvisited
    assert link_value(unvisited, "/tickets/", company_id=d.company_b.id, open=1) == 3

    # the companies visited this period, with the last visit and goal progress: no company listed twice
    companies = html.unescape(section(page, "my-companies"))
    assert d.company.name in companies and d.company_b.name not in companies
    assert "2026-11-05" in companies and "未开始" in companies
    assert d.unassigned.name not in page
    assert link_value(section(page, "my-companies"), "/tickets/", company_id=d.company.id, open=1) == 4

    # waiting on me (submitted/accepted), by due date: t12 (Sep), t1 (17 Nov), t2 (20 Nov)
    assert listed_numbers(section(page, "awaiting")) == numbers(t, "t12", "t1", "t2")
    # the rest of my companies' open problems, by due date: t9 (22 Oct), t3 (17 Nov), t7, t4
    assert listed_numbers(section(page, "my-problems")) == numbers(t, "t9", "t3", "t7", "t4")
    # on a phone the same rows are cards (.list-cards), each with its 办理 button, and the overdue badge shows
    cards = section(page, "awaiting")
    assert "list-cards" in cards and cards.count('class="lc-action"') == 3 and "超期" in cards
    assert cards.count(">办理</a>") == 3


def test_escort_home_shows_only_the_escorts_companies(app, make, district):
    d, _t = district
    other = make.user(role="escort")
    make.company(escort=other, name="杭州别人陪跑有限公司")
    page = signed_in(app, other).get("/home").get_data(as_text=True)
    assert "杭州别人陪跑有限公司" in page
    assert d.company.name not in page and d.company_b.name not in page
    assert link_value(page, "/tickets/", open=1) == 0
    assert link_value(page, "/visits/unvisited") == 1


def test_helper_home_is_the_departments_queue(app, district):
    d, t = district
    b = signed_in(app, d.helper)
    assert b.get("/").headers["Location"] == "/home"
    page = b.get("/home").get_data(as_text=True)
    assert d.department.name in html.unescape(page)

    assert link_value(page, "/tickets/", status="dispatched") == 1        # t3
    assert link_value(page, "/tickets/", status="in_progress") == 2       # t7, t9 (t4 is the other department's)
    assert link_value(page, "/tickets/", overdue=1) == 2                  # t3, t9
    assert link_value(page, "/tickets/", due_soon=1) == 0
    assert link_value(page, "/tickets/", extension_pending=1) == 1        # t7
    assert assert_numbers_open_their_lists(b, page) == 6  # with 协办待办 (0 here)

    assert listed_numbers(section(page, "to-sign")) == numbers(t, "t3")
    # on a phone the queue's rows are cards with their 办理 button and the overdue badge (t3 is overdue)
    to_sign = section(page, "to-sign")
    assert "list-cards" in to_sign and to_sign.count('class="lc-action"') == 1 and "超期" in to_sign
    assert section(page, "extensions").count('class="card mb-2 phone-card"') == 1
    assert listed_numbers(section(page, "in-progress")) == numbers(t, "t9", "t7")  # by due date
    assert listed_numbers(section(page, "overdue")) == numbers(t, "t9", "t3")
    extensions = section(page, "extensions")
    assert t["t7"].number in extensions and "2026-12-04" in extensions and d.helper.name in extensions
    assert t["t4"].number not in page


def test_other_roles_are_sent_to_their_own_home(app, make, district):
    d, _t = district
    assert signed_in(app, d.manager).get("/home").headers["Location"] == "/dashboard"
    assert signed_in(app, d.company_user).get("/home").headers["Location"] == "/portal/"


@pytest.mark.parametrize("role", ["escort", "helper"])
def test_nav_item_leads_to_the_home(login_as, role):
    b, _user = login_as(role)
    page = text(b.get("/home"))
    assert '<a class="nav-link" href="/home">我的工作台</a>' in page
    assert 'href="/dashboard"' not in page
    assert not re.search(r"style=", page)


def test_the_workbench_lists_pick_their_problems_before_joining_them(app, district):
    """An escort's and a helper's workbench lists: the twenty problems are picked first, then only those are
    joined to their company, escort, department and helper. As `id IN (subquery)` PostgreSQL joined every
    problem first and matched the twenty against them (1-2 s a workbench at 200,000 problems)."""
    import sqlalchemy as sa

    from app.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan (SQLite reads the IN list's ids first)")
    d, _t = district
    for user in (d.escort, d.helper):
        b = signed_in(app, user)
        statements = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            if "LEFT OUTER JOIN companies" in statement and statement.lstrip().startswith("SELECT tickets.id"):
                statements.append((statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            assert b.get("/home").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        lists = [s for s in statements if "ORDER BY" in s[0] and " LIMIT " in s[0]]
        assert lists, statements
        # The lists by due date pick their twenty first (in_computed_first: an init plan); none joins every problem.
        assert any("= ANY (ARRAY" in statement for statement, _parameters in lists), lists
        for statement, parameters in lists:
            plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql("EXPLAIN " + statement,
                                                                                        parameters))
            assert "Semi Join" not in plan, plan
            if "= ANY (ARRAY" in statement:
                assert "InitPlan" in plan, plan
