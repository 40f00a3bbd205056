"""The manager dashboard: every number against a hand count of the fixture (tests/monitoring/helpers.py),
every number a link to a list that shows exactly what was counted, server-side SVG, access, query count."""
import re
from datetime import date, timedelta

import pytest

from app.core.workdays import working_days_between
from app.monitoring.queries import earliest_day_within
from tests.conftest import Browser
from tests.monitoring.helpers import (
    at, build_district, freeze, link_value, listed_numbers, number_links, text,
)

MONTH = {"from": "2026-11-01", "to": "2026-11-30"}


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


@pytest.fixture
def district(make, monkeypatch):
    freeze(monkeypatch)
    return build_district(make)


@pytest.fixture
def dashboard(app, district):
    d, t = district
    b = signed_in(app, d.manager)
    response = b.get("/dashboard")
    assert response.status_code == 200
    return b, response.get_data(as_text=True), d, t


def numbers(t, *names) -> set[str]:
    return {t[name].number for name in names}


def test_headline_numbers_match_the_hand_count(dashboard):
    _b, page, d, t = dashboard
    # open: t1 t2 (submitted), t3 (dispatched), t4 t7 t9 (in progress), t12 (accepted)
    assert link_value(page, "/tickets/", open=1) == 7
    # overdue: t1 (accept due 17th), t3 (sign due 17th), t9 (reply due 22 Oct), t12 (September)
    assert link_value(page, "/tickets/", overdue=1) == 4
    # due within one working day: t2 (due end of Friday 20th); t7 (25th) and t4 (26th) are later
    assert link_value(page, "/tickets/", due_soon=1) == 1
    # closed in November: t5, t6 (t8 closed in July; t10 withdrawn and t11 rejected are not "closed")
    assert link_value(page, "/tickets/", status="closed", closed_from=MONTH["from"], closed_to=MONTH["to"]) == 2
    # rated in November: t5 满意, t6 基本满意, t7 不满意 → 2/3
    rated = {"rated_from": MONTH["from"], "rated_to": MONTH["to"]}
    assert link_value(page, "/tickets/", **rated) == 3
    for rating in ("satisfied", "basically_satisfied", "unsatisfied"):
        assert link_value(page, "/tickets/", rating=rating, **rated) == 1
    shown = text_of(page)
    assert "本月满意率" in shown and "66.7%" in shown
    # coverage: A (visited 5 Nov) and B (last visit 30 Oct) have the escort → 1/2; unvisited B and the
    # company without an escort
    assert "50.0%" in shown and "已走访 1 / 应走访 2 家" in shown
    assert link_value(page, "/visits/unvisited") == 2
    assert "含未分配陪跑员 1 家" in shown
    # supervision: t4 (督办) and t9 (reopened twice)
    assert link_value(page, "/tickets/", supervised=1, open=1) == 2
    supervision = section(page, "supervision")
    assert set(listed_numbers(supervision)) == numbers(t, "t4", "t9")


def text_of(page: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start:page.index("</section>", start)]


def test_breakdowns_match_the_hand_count(dashboard):
    _b, page, d, _t = dashboard
    expected = {  # (open, overdue, due soon)
        ("category", "approval"): (2, 2, 0),    # t1, t9
        ("category", "land"): (1, 0, 1),        # t2
        ("category", "financing"): (2, 1, 0),   # t3 overdue, t4
        ("category", "labour"): (1, 0, 0),      # t7
        ("category", "other"): (1, 1, 0),       # t12
        ("department_id", d.department.id): (3, 2, 0),        # t3, t7, t9
        ("department_id", d.other_department.id): (1, 0, 0),  # t4
        ("town_id", d.company.town_id): (4, 3, 1),            # company A: t1 t2 t9 t12
        ("town_id", d.town_b.id): (3, 1, 0),                  # company B: t3 t4 t7
        ("company_category", "new_force"): (4, 3, 1),
        ("company_category", "specialized"): (3, 1, 0),
    }
    for (name, value), (open_, overdue, soon) in expected.items():
        assert link_value(page, "/tickets/", open=1, **{name: value}) == open_, (name, value)
        assert link_value(page, "/tickets/", overdue=1, **{name: value}) == overdue, (name, value)
        assert link_value(page, "/tickets/", due_soon=1, **{name: value}) == soon, (name, value)
    # no other groups: categories without open problems are not listed
    dimensions = {"category", "department_id", "town_id", "company_category"}
    listed = {(k, v) for p, q, _n in number_links(page) if p == "/tickets/" for k, v in q.items() if k in dimensions}
    assert listed == {(k, str(v)) for k, v in expected}


def test_ageing_buckets_in_working_days(dashboard):
    _b, page, _d, t = dashboard
    # Friday 20 Nov: ≤5 working days back reaches Fri 13 Nov; ≤15 reaches Fri 30 Oct; ≤30 reaches
    # Sat 10 Oct (a 调休 working day after the National Day holiday)
    assert link_value(page, "/tickets/", open=1, created_from="2026-11-13") == 4        # t1 t2 t3 t4
    assert link_value(page, "/tickets/", open=1, created_from="2026-10-30", created_to="2026-11-12") == 1  # t7
    assert link_value(page, "/tickets/", open=1, created_from="2026-10-10", created_to="2026-10-29") == 1  # t9
    assert link_value(page, "/tickets/", open=1, created_to="2026-10-09") == 1           # t12


def test_twelve_month_trend(dashboard):
    _b, page, _d, _t = dashboard
    created = {"2026-06": 1, "2026-09": 1, "2026-10": 1, "2026-11": 9}  # t8; t12; t9; the rest
    closed = {"2026-07": 1, "2026-11": 2}                               # t8; t5 t6
    months = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
    for year, month in months:
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
        key = f"{year}-{month:02d}"
        assert link_value(page, "/tickets/", created_from=first.isoformat(), created_to=last.isoformat()) \
            == created.get(key, 0), key
        assert link_value(page, "/tickets/", status="closed", closed_from=first.isoformat(),
                          closed_to=last.isoformat()) == closed.get(key, 0), key


def test_every_number_opens_a_list_of_exactly_the_counted_problems(dashboard):
    b, page, d, t = dashboard
    links = [(p, q, n) for p, q, n in number_links(page) if p == "/tickets/"]
    assert len(links) > 60
    for path, query, count in links:
        listing = b.get(path, query_string=query)
        assert listing.status_code == 200
        assert len(listed_numbers(listing.get_data(as_text=True))) == count, query
    # and the rows are the right ones
    expect = {
        (("open", "1"),): numbers(t, "t1", "t2", "t3", "t4", "t7", "t9", "t12"),
        (("overdue", "1"),): numbers(t, "t1", "t3", "t9", "t12"),
        (("due_soon", "1"),): numbers(t, "t2"),
        (("status", "closed"), ("closed_from", MONTH["from"]), ("closed_to", MONTH["to"])): numbers(t, "t5", "t6"),
        (("rating", "unsatisfied"), ("rated_from", MONTH["from"]), ("rated_to", MONTH["to"])): numbers(t, "t7"),
        (("open", "1"), ("created_from", "2026-10-10"), ("created_to", "2026-10-29")): numbers(t, "t9"),
        (("supervised", "1"), ("open", "1")): numbers(t, "t4", "t9"),
    }
    for query, wanted in expect.items():
        listing = b.get("/tickets/", query_string=dict(query)).get_data(as_text=True)
        assert set(listed_numbers(listing)) == wanted, query


def test_unvisited_number_opens_the_list_of_those_companies(dashboard):
    b, page, d, _t = dashboard
    listing = text(b.get("/visits/unvisited"))
    rows = re.findall(r'<td class="lc-title"><a href="/companies/\d+">([^<]+)</a></td>', listing)
    assert len(rows) == link_value(page, "/visits/unvisited") == 2
    assert set(rows) == {d.company_b.name, d.unassigned.name}


def test_definitions_are_on_the_page(dashboard):
    _b, page, _d, _t = dashboard
    shown = text_of(page)
    for phrase in ("未办结：状态为待受理", "已超期：有办理期限的环节", "一个工作日内到期：有办理期限的环节",
                   "本月办结：状态为已办结", "本月满意率：本月评价的问题中", "走访覆盖率：已分配陪跑员",
                   "账龄：未办结问题自提交之日起", "督办清单：未办结且被督办", "12个月趋势："):
        assert phrase in shown, phrase


def test_charts_are_inline_svg_without_scripts_styles_or_outside_references(dashboard):
    _b, page, d, _t = dashboard
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 6  # four breakdowns, ageing, trend
    for svg in svgs:
        assert "<script" not in svg and "style=" not in svg and "<style" not in svg
        assert "font-family" not in svg  # text takes the page's (CJK) fonts
        assert not re.search(r'(href|src)="(https?:)?//', svg)
        assert re.findall(r"https?://[^\"']+", svg) == ["http://www.w3.org/2000/svg"]
    assert "style=" not in page
    category_chart = next(s for s in svgs if 'id="chart-category"' in s)
    assert "审批" in category_chart and "用地" in category_chart  # Chinese labels, as text
    assert 'href="/tickets/?overdue=1&amp;category=approval"' in category_chart  # bars are links
    trend_chart = next(s for s in svgs if 'id="chart-trend"' in s)
    assert "11月" in trend_chart and "新提交" in trend_chart


def test_csp_header_forbids_outside_scripts_and_inline_styles(dashboard):
    b, _page, _d, _t = dashboard
    csp = b.get("/dashboard").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "style-src 'self'" in csp


@pytest.mark.parametrize("role", ["escort", "helper", "company"])
def test_dashboard_is_for_managers_only(login_as, role):
    b, _user = login_as(role)
    assert b.get("/dashboard").status_code == 403


def test_dashboard_needs_a_login(browser):
    response = browser.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_land_on_the_dashboard_with_a_nav_item(app, make, role):
    user = make.user(role=role)
    b = Browser(app.test_client())
    response = b.login(user.username)
    assert response.headers["Location"] == "/"
    assert b.get("/").headers["Location"] == "/dashboard"
    page = b.get("/dashboard")
    assert page.status_code == 200
    assert '<a class="nav-link" href="/dashboard">跟踪监测</a>' in text(page)
    assert b.get("/home").headers["Location"] == "/dashboard"


def test_empty_district_shows_zeros_and_dashes(login_as):
    b, _user = login_as("manager")
    page = b.get("/dashboard").get_data(as_text=True)
    assert link_value(page, "/tickets/", open=1) == 0
    assert "暂无未办结问题" in text_of(page)
    assert "—" in text_of(page)  # satisfaction and coverage are not applicable


def test_earliest_day_within_agrees_with_working_days_between(db_session):
    """Around the 2026 National Day holiday (with its 调休 Saturday) and the Spring Festival."""
    days = [date(2026, 9, 20) + timedelta(days=i) for i in range(40)]
    days += [date(2026, 2, 10) + timedelta(days=i) for i in range(30)]
    for today in days:
        for n in (5, 15, 30):
            first = earliest_day_within(today, n)
            assert working_days_between(first, today) <= n < working_days_between(first - timedelta(days=1), today)


def test_query_count_is_fixed_whatever_the_data_size(app, make, district, count_queries):
    d, _t = district
    pages = {"/dashboard": signed_in(app, d.manager), "/home#escort": signed_in(app, d.escort),
             "/home#helper": signed_in(app, d.helper)}

    def measure():
        result = {}
        for url, b in pages.items():
            with count_queries() as q:
                assert b.get(url.split("#")[0]).status_code == 200
            result[url] = q.count
        return result

    small = measure()
    grow(d, make)
    large = measure()
    assert small == large == PINNED_QUERIES


# Every page: the signed-in user, the unread-notification badge, the calendar overrides (working days).
# Dashboard: + visit-window setting, open counts, month counts, coverage, 4 breakdowns, ageing,
# supervision list, 2 trend statements, goals reached this year per category, the 共性问题 settings and
# capped candidates (app/search/common.py: grouping in memory), the count of open common problems. Escort home: + visit-window
# setting, ticket counts, company counts, companies, unvisited companies, open problems, goal records to
# check. Helper home: + counts and 4 lists.
PINNED_QUERIES = {"/dashboard": 19, "/home#escort": 10, "/home#helper": 8}


def grow(d, make):
    """Many more towns, departments, companies, problems in every state and month, and visits."""
    from tests.visits.helpers import log_visit

    for i in range(6):
        town = make.town()
        department = make.department()
        make.user(role="helper", department=department)
        escort = d.escort if i % 2 else make.user(role="escort")
        company = make.company(escort=escort, town=town, category=["upgrade", "eaglet", "spin_off"][i % 3])
        make.company(town=town)
        for month in (3, 5, 8, 10, 11):
            for category in ("technology", "logistics", "energy"):
                ticket = d.submit(company, on=at(month, 3 + i), by=escort, category=category)
                if category != "energy":
                    d.run(ticket, ("manager", "dispatch", at(month, 3 + i), {"department_id": department.id}))
                if category == "technology" and i % 2:
                    d.run(ticket, ("manager", "supervise", at(month, 4 + i), {"level": "flagged"}))
        log_visit(make.session, escort, company, on=date(2026, 11, 2 + i), today=date(2026, 11, 20))
        log_visit(make.session, escort, company, on=date(2026, 9, 2 + i), today=date(2026, 11, 20))
    for i in range(5):  # the helper's department queue grows too
        t = d.dispatched(d.company_b, at(11, 10 + i), category="market")
        if i % 2:
            d.run(t, ("helper", "sign", at(11, 10 + i), {}))
        if i == 3:
            d.run(t, ("helper", "request_extension", at(11, 13), {"new_due": "2026-12-10", "reason": "等待批复"}))


def test_the_list_shows_the_conditions_a_dashboard_link_set(login_as):
    b, _user = login_as("manager")
    page = text(b.get("/tickets/?open=1&due_soon=1&created_from=2026-11-13&rating=satisfied"))
    assert re.search(r'<details class="col-12 more-filters" open>', page)
    assert re.search(r'<input[^>]*id="created_from"[^>]*value="2026-11-13"', page)
    assert re.search(r'<input[^>]*checked[^>]*id="open"|<input[^>]*id="open"[^>]*checked', page)
    assert re.search(r'<option selected value="satisfied">|<option value="satisfied" selected>', page)
    plain = text(b.get("/tickets/"))
    assert '<details class="col-12 more-filters">' in plain
