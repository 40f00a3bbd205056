"""The problem list's company condition: a search box (part of a name, or the credit code) instead of a
drop-down of every company, and the company_id links other pages open the list with."""
import html
import io
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.tickets import services
from app.tickets.services import NewTicket
from tests.conftest import Browser


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def numbers(page: str) -> set[str]:
    return set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', page))


def filter_bar(page: str) -> str:
    return page[page.index('<form method="get"'):page.index("</form>", page.index('<form method="get"'))]


def ledger_numbers(response) -> list[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    return [row[0] for row in list(sheet.iter_rows(values_only=True))[1:]]


def file_problem(session, by, company, title="用电增容审批慢"):
    ticket = services.submit_ticket(by, company, NewTicket(title, "申请三个月没有进展。", "approval", source="escort"))
    session.commit()
    return ticket


@pytest.fixture
def district(make):
    """Two escorts' companies with a problem each, and a company with no problem at all."""
    escort, other_escort = make.user(role="escort"), make.user(role="escort")
    district = SimpleNamespace()
    district.escort, district.other_escort = escort, other_escort
    district.precision = make.company(escort=escort, name="杭州萧山精密机械有限公司")
    district.textile = make.company(escort=other_escort, name="瓜沥ABC纺织有限公司")
    district.quiet = make.company(escort=other_escort, name="义蓬安静电子有限公司")
    manager = make.user(role="manager")
    district.precision_problem = file_problem(make.session, manager, district.precision)
    district.textile_problem = file_problem(make.session, manager, district.textile)
    return district


def test_typing_part_of_a_name_lists_only_that_companys_problems(login_as, district):
    b, _manager = login_as("manager")
    everything = text(b.get("/tickets/"))
    bar = filter_bar(everything)
    assert 'name="company"' in bar and 'placeholder="企业名称或统一社会信用代码"' in bar
    # No drop-down of every company any more: no company's name in the filter bar, and a company
    # with no problem is nowhere on the page.
    assert not any(c.name in bar for c in (district.precision, district.textile, district.quiet))
    assert 'name="company_id"' not in bar and district.quiet.name not in everything
    assert numbers(everything) == {district.precision_problem.number, district.textile_problem.number}

    found = text(b.get("/tickets/?company=精密"))
    assert numbers(found) == {district.precision_problem.number}
    assert "瓜沥ABC纺织有限公司" not in found
    assert 'value="精密"' in filter_bar(found)  # the typed text stays in the box

    assert numbers(text(b.get("/tickets/?company=abc"))) == {district.textile_problem.number}  # any case
    assert numbers(text(b.get("/tickets/?company=+精密机械+"))) == {district.precision_problem.number}
    assert numbers(text(b.get("/tickets/?company=不存在的企业"))) == set()


def test_the_credit_code_finds_the_company_only_when_complete(login_as, district):
    b, _manager = login_as("manager")
    uscc = district.textile.uscc
    assert numbers(text(b.get(f"/tickets/?company={uscc}"))) == {district.textile_problem.number}
    assert numbers(text(b.get(f"/tickets/?company={uscc.lower()}"))) == {district.textile_problem.number}
    assert numbers(text(b.get(f"/tickets/?company={uscc[:10]}"))) == set()


def test_percent_and_underscore_are_taken_literally(make, login_as):
    manager = make.user(role="manager")
    percent = make.company(name="聚能%新材料有限公司")
    plain = make.company(name="聚能新材料有限公司")
    underscore = make.company(name="星_辰科技有限公司")
    lookalike = make.company(name="星光辰科技有限公司")
    problems = {c.id: file_problem(make.session, manager, c).number for c in (percent, plain, underscore, lookalike)}
    b, _m = login_as("manager")
    assert numbers(text(b.get("/tickets/?company=聚能%25"))) == {problems[percent.id]}
    assert numbers(text(b.get("/tickets/?company=星_辰"))) == {problems[underscore.id]}
    assert numbers(text(b.get("/tickets/?company=%25"))) == {problems[percent.id]}


def test_a_company_id_link_filters_shows_the_name_and_can_be_removed(login_as, district):
    b, _manager = login_as("manager")
    page = text(b.get(f"/tickets/?company_id={district.textile.id}&open=y"))
    assert numbers(page) == {district.textile_problem.number}
    bar = filter_bar(page)
    assert 'value="瓜沥ABC纺织有限公司"' in bar and "readonly" in bar
    # Kept in the GET form, so changing another condition keeps the company.
    assert f'name="company_id" type="hidden" value="{district.textile.id}"' in bar
    assert "杭州萧山精密机械有限公司" not in page
    remove = re.search(r'href="([^"]+)" title="取消企业条件"', bar).group(1)
    assert "company_id" not in remove and "open=y" in remove
    assert numbers(text(b.get(remove))) == {district.precision_problem.number, district.textile_problem.number}
    # The ledger export reads the same conditions.
    assert ledger_numbers(b.get(f"/tickets/export.xlsx?company_id={district.textile.id}")) == [
        district.textile_problem.number]
    assert ledger_numbers(b.get("/tickets/export.xlsx?company=精密")) == [district.precision_problem.number]


def test_the_escort_home_page_link_opens_the_companys_problems(app, district):
    b = Browser(app.test_client())
    assert b.login(district.escort.username).status_code == 302
    home = html.unescape(b.get("/home").get_data(as_text=True))
    link = re.search(rf'href="(/tickets/\?[^"]*company_id={district.precision.id}[^"]*)"', home).group(1)
    page = text(b.get(link))
    assert numbers(page) == {district.precision_problem.number}
    assert 'value="杭州萧山精密机械有限公司"' in filter_bar(page)


def test_an_escort_finds_nothing_of_another_escorts_company(app, district):
    b = Browser(app.test_client())
    assert b.login(district.escort.username).status_code == 302
    assert numbers(text(b.get("/tickets/?company=纺织"))) == set()
    assert numbers(text(b.get(f"/tickets/?company={district.textile.uscc}"))) == set()
    # A link with another escort's company is ignored: neither its name nor its problems show.
    page = text(b.get(f"/tickets/?company_id={district.textile.id}"))
    assert "瓜沥ABC纺织有限公司" not in page and district.textile_problem.number not in page
    assert 'name="company_id"' not in filter_bar(page)
    assert numbers(page) == {district.precision_problem.number}
    assert ledger_numbers(b.get("/tickets/export.xlsx?company=纺织")) == []


def test_a_malformed_company_id_is_ignored(login_as, district):
    b, _manager = login_as("manager")
    for value in ("abc", "0", "-3", "99999999999999999999999"):
        page = text(b.get(f"/tickets/?company_id={value}&company=精密"))
        assert numbers(page) == {district.precision_problem.number}, value


def test_the_company_name_lookup_is_one_query(login_as, district, count_queries):
    b, _manager = login_as("manager")
    textile_id = district.textile.id
    b.get("/tickets/")  # the first request of a session reads what later ones keep
    with count_queries() as plain:
        b.get("/tickets/?company=")
    with count_queries() as linked:
        b.get(f"/tickets/?company_id={textile_id}")
    with count_queries() as searched:
        b.get("/tickets/?company=纺织")
    assert linked.count == plain.count + 1, linked.statements
    assert searched.count == plain.count, searched.statements  # the search is part of the list's own query


def test_the_company_condition_in_english(login_as, district):
    b, _manager = login_as("manager")
    assert b.post("/language", {"lang": "en", "next": "/tickets/"}, form_page="/tickets/").status_code == 302
    bar = filter_bar(text(b.get("/tickets/")))
    assert 'placeholder="Company name or unified social credit code"' in bar and ">Company</label>" in bar
    bar = filter_bar(text(b.get(f"/tickets/?company_id={district.textile.id}")))
    assert 'title="Remove the company condition"' in bar and district.textile.name in bar
