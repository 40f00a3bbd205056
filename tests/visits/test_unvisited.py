"""Companies not visited in the window: the month boundary, the settings, scope, filters and query counts."""
from datetime import date

import pytest

from app.core.settings import set_setting
from app.extensions import db
from app.visits import queries
from app.visits.window import current_window, window_containing
from tests.visits.helpers import log_visit, text


def unvisited_names(user, day: date, **filters) -> list[str]:
    rows = db.session.execute(queries.unvisited_companies(user, window_containing(day), **filters)).all()
    return [company.name for company, _last in rows]


@pytest.fixture
def three(make):
    escort = make.user(role="escort")
    a = make.company(escort=escort, name="甲公司")
    b = make.company(escort=escort, name="乙公司")
    c = make.company(escort=escort, name="丙公司")
    return escort, a, b, c


def test_a_visit_on_october_31_counts_for_october_not_november(make, three):
    escort, a, b, _c = three
    log_visit(make.session, escort, a, on=date(2026, 10, 31))
    log_visit(make.session, escort, b, on=date(2026, 11, 1))
    assert unvisited_names(escort, date(2026, 10, 31)) == ["丙公司", "乙公司"]  # never visited first, then oldest
    assert unvisited_names(escort, date(2026, 10, 1)) == ["丙公司", "乙公司"]
    assert unvisited_names(escort, date(2026, 11, 1)) == ["丙公司", "甲公司"]
    assert unvisited_names(escort, date(2026, 11, 30)) == ["丙公司", "甲公司"]
    assert unvisited_names(escort, date(2026, 12, 1)) == ["丙公司", "甲公司", "乙公司"]  # last visits 10-31, 11-01


def test_the_list_carries_the_last_visit_date(make, three):
    escort, a, _b, _c = three
    log_visit(make.session, escort, a, on=date(2026, 9, 3))
    log_visit(make.session, escort, a, on=date(2026, 10, 30))
    rows = db.session.execute(queries.unvisited_companies(escort, window_containing(date(2026, 11, 5)))).all()
    found = [(c.name, last) for c, last in rows]
    assert set(found[:2]) == {("乙公司", None), ("丙公司", None)}  # never visited first
    assert found[2] == ("甲公司", date(2026, 10, 30))


def test_windows_across_year_end_and_by_quarter():
    december = window_containing(date(2026, 12, 31))
    assert (december.start, december.end) == (date(2026, 12, 1), date(2026, 12, 31))
    q4 = window_containing(date(2026, 11, 15), "quarter")
    assert (q4.start, q4.end, q4.label) == (date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度")
    h1 = window_containing(date(2026, 6, 30), "half_year")
    assert (h1.start, h1.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert window_containing(date(2026, 2, 10)).label == "2026年2月"
    assert window_containing(date(2026, 2, 10), "year").label == "2026年"


def test_window_and_visits_needed_come_from_the_settings(make, three):
    escort, a, b, _c = three
    assert current_window(date(2026, 11, 5)) == window_containing(date(2026, 11, 5), "month", 1)
    set_setting("visits.window", "quarter")
    set_setting("visits.per_window", 2)
    make.session.commit()
    window = current_window(date(2026, 11, 5))
    assert (window.start, window.required) == (date(2026, 10, 1), 2)
    log_visit(make.session, escort, a, on=date(2026, 10, 8))
    log_visit(make.session, escort, a, on=date(2026, 11, 2))
    log_visit(make.session, escort, b, on=date(2026, 11, 3))
    names = [c.name for c, _l in db.session.execute(queries.unvisited_companies(escort, window)).all()]
    assert names == ["丙公司", "乙公司"]  # 乙 has one visit of the two needed
    assert db.session.scalar(queries.count_unvisited(escort, window)) == 2


def test_escort_sees_their_companies_managers_see_all_with_filters(make, three):
    escort, a, _b, _c = three
    other = make.user(role="escort")
    town = make.town(name="瓜沥镇")
    make.company(escort=other, name="丁公司", town=town)
    make.company(name="戊公司（未分配）")
    manager = make.user(role="manager")
    day = date(2026, 11, 10)
    log_visit(make.session, escort, a, on=day)
    assert set(unvisited_names(escort, day)) == {"乙公司", "丙公司"}
    assert set(unvisited_names(manager, day)) == {"乙公司", "丙公司", "丁公司", "戊公司（未分配）"}
    assert unvisited_names(manager, day, escort_id=other.id) == ["丁公司"]
    assert unvisited_names(manager, day, town_id=town.id) == ["丁公司"]
    assert unvisited_names(other, day) == ["丁公司"]


def test_any_visit_to_the_company_counts_even_by_the_previous_escort(make, three):
    from app.companies.services import assign_escort

    escort, a, _b, _c = three
    log_visit(make.session, escort, a, on=date(2026, 11, 3))
    successor = make.user(role="escort")
    assign_escort(None, a, successor, "调整分工")
    make.session.commit()
    assert unvisited_names(successor, date(2026, 11, 20)) == []
    assert unvisited_names(successor, date(2026, 12, 1)) == ["甲公司"]


def test_unvisited_page_for_the_escort_across_the_month_boundary(make, login_as, monkeypatch):
    import app.visits.views as views

    b, escort = login_as("escort")
    a = make.company(escort=escort, name="萧山甲公司")
    make.company(escort=escort, name="萧山乙公司")
    make.company(escort=make.user(role="escort"), name="别人的公司")
    log_visit(make.session, escort, a, on=date(2026, 10, 31))
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 10, 31))
    page = text(b.get("/visits/unvisited"))
    assert "2026年10月未走访企业" in page and "萧山乙公司" in page
    assert "萧山甲公司" not in page and "别人的公司" not in page
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 11, 1))
    page = text(b.get("/visits/unvisited"))
    assert "2026年11月未走访企业" in page and "萧山甲公司" in page and "2026-10-31" in page
    assert f'href="/visits/new?company_id={a.id}"' in page
    listing = text(b.get("/visits/"))
    assert "2026年11月还有 2 家企业未走访。" in listing


def test_unvisited_page_query_count_does_not_grow_with_companies(app, make, login_as, count_queries):
    b, manager = login_as("manager")

    def add(n):
        for _i in range(n):
            escort = make.user(role="escort")
            make.company(escort=escort, town=make.town())
            make.company(escort=escort)

    add(2)
    b.get("/visits/unvisited")
    with count_queries() as small:
        assert b.get("/visits/unvisited").status_code == 200
    add(10)
    with count_queries() as large:
        page = text(b.get("/visits/unvisited"))
    assert page.count('href="/companies/') >= 24
    assert large.count == small.count, large.statements
