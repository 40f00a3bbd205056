"""The visit list's company condition: a search box (part of a name, or the credit code) instead of a
drop-down of every company, and the company_id link of the company page."""
import io
import re

import pytest
from openpyxl import load_workbook

from app.core.timeutil import local_today
from tests.visits.helpers import log_visit, text


def filter_bar(page: str) -> str:
    start = page.index('<form method="get"')
    return page[start:page.index("</form>", start)]


@pytest.fixture
def visits(make):
    """Two escorts, a company and a visit each, and a company nobody visited."""
    escort, other_escort = make.user(role="escort"), make.user(role="escort")
    precision = make.company(escort=escort, name="杭州萧山精密机械有限公司")
    textile = make.company(escort=other_escort, name="瓜沥ABC纺织有限公司")
    quiet = make.company(escort=other_escort, name="义蓬安静电子有限公司")
    today = local_today()
    log_visit(make.session, escort, precision, on=today, summary="精密机械的走访")
    log_visit(make.session, other_escort, textile, on=today, summary="纺织企业的走访")
    return {"escort": escort, "other_escort": other_escort, "precision": precision, "textile": textile,
            "quiet": quiet}


def test_typing_part_of_a_name_or_the_credit_code_lists_only_that_companys_visits(login_as, visits):
    b, _manager = login_as("manager")
    everything = text(b.get("/visits/"))
    bar = filter_bar(everything)
    assert 'name="company"' in bar and 'placeholder="企业名称或统一社会信用代码"' in bar
    assert not any(c.name in bar for c in (visits["precision"], visits["textile"], visits["quiet"]))
    assert visits["quiet"].name not in everything  # no longer listed in a drop-down
    assert "精密机械的走访" in everything and "纺织企业的走访" in everything

    found = text(b.get("/visits/?company=精密"))
    assert "精密机械的走访" in found and "纺织企业的走访" not in found and "瓜沥ABC纺织有限公司" not in found
    assert 'value="精密"' in filter_bar(found)
    by_code = text(b.get(f"/visits/?company={visits['textile'].uscc.lower()}"))
    assert "纺织企业的走访" in by_code and "精密机械的走访" not in by_code
    assert "纺织企业的走访" in text(b.get("/visits/?company=abc"))  # any case
    nothing = text(b.get("/visits/?company=%25"))  # % is a character, not "anything"
    assert "精密机械的走访" not in nothing and "纺织企业的走访" not in nothing


def test_the_company_page_link_filters_and_shows_the_name(login_as, visits):
    b, _manager = login_as("manager")
    company = visits["textile"]
    link = re.search(r'href="(/visits/\?company_id=\d+)"', text(b.get(f"/companies/{company.id}"))).group(1)
    page = text(b.get(link))
    assert "纺织企业的走访" in page and "精密机械的走访" not in page
    bar = filter_bar(page)
    assert f'value="{company.name}"' in bar and f'name="company_id" type="hidden" value="{company.id}"' in bar
    remove = re.search(r'href="([^"]+)" title="取消企业条件"', bar).group(1)
    assert "company_id" not in remove
    assert "精密机械的走访" in text(b.get(remove))
    # Another condition keeps the company (the hidden field is in the GET form).
    assert "纺织企业的走访" not in text(b.get(f"/visits/?company_id={company.id}&mode=phone"))


def test_an_escort_finds_nothing_of_another_escorts_company(login_as, make, visits):
    b, escort = login_as("escort")
    mine = make.company(escort=escort, name="我的企业甲")
    log_visit(make.session, escort, mine, on=local_today(), summary="我的走访")
    textile = visits["textile"]
    for query in ("纺织", textile.uscc):
        page = text(b.get(f"/visits/?company={query}"))
        assert "纺织企业的走访" not in page and "我的走访" not in page
    page = text(b.get(f"/visits/?company_id={textile.id}"))
    assert textile.name not in page and "纺织企业的走访" not in page and "我的走访" in page
    assert read_export(b.client.get("/visits/export.xlsx?company=纺织")) == []


def test_an_escort_still_finds_their_visits_to_a_company_handed_over(make, login_as):
    from app.companies.services import assign_escort

    b, escort = login_as("escort")
    company = make.company(escort=escort, name="交接出去的企业")
    log_visit(make.session, escort, company, on=local_today(), summary="交接前的走访")
    assign_escort(None, company, make.user(role="escort"), "调整分工")
    make.session.commit()
    assert "交接前的走访" in text(b.get("/visits/?company=交接"))
    page = text(b.get(f"/visits/?company_id={company.id}"))
    assert "交接前的走访" in page and 'value="交接出去的企业"' in filter_bar(page)


def test_the_export_follows_the_company_conditions(login_as, visits):
    b, _manager = login_as("manager")
    assert read_export(b.client.get("/visits/export.xlsx?company=精密")) == ["杭州萧山精密机械有限公司"]
    assert read_export(b.client.get(f"/visits/export.xlsx?company_id={visits['textile'].id}")) == ["瓜沥ABC纺织有限公司"]


def read_export(response) -> list[str]:
    """The company names of the exported rows."""
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    return [row[1] for row in rows[1:]]
