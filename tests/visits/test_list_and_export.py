"""The visit list's query count, and the XLSX export through the same scope and filters."""
import io

from openpyxl import load_workbook

from app.core.timeutil import local_today
from tests.visits.helpers import log_visit, text


def add_visits(make, n):
    """n visits, each to a company of its own escort and town, each with a problem."""
    for i in range(n):
        escort = make.user(role="escort")
        company = make.company(escort=escort, town=make.town())
        log_visit(make.session, escort, company, on=local_today(), summary=f"第{i}次走访", problems=[
            {"title": "缺电", "description": "限电影响生产。", "category": "energy"}])


def test_visit_list_query_count_is_pinned(make, login_as, count_queries):
    b, _manager = login_as("manager")
    add_visits(make, 2)
    b.get("/visits/")
    with count_queries() as small:
        assert b.get("/visits/").status_code == 200
    add_visits(make, 12)
    with count_queries() as large:
        page = text(b.get("/visits/"))
    assert page.count('href="/visits/') >= 14
    assert large.count == small.count, large.statements


def test_escort_list_query_count_is_pinned(make, login_as, count_queries):
    b, escort = login_as("escort")

    def add(n):
        for _i in range(n):
            company = make.company(escort=escort, town=make.town())
            log_visit(make.session, escort, company, on=local_today(), problems=[
                {"title": "缺电", "description": "限电影响生产。", "category": "energy"}])

    add(2)
    b.get("/visits/")
    with count_queries() as small:
        b.get("/visits/")
    add(8)
    with count_queries() as large:
        b.get("/visits/")
    assert large.count == small.count, large.statements


def read_xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_follows_the_scope_and_filters_and_escapes_formulas(make, login_as):
    b, escort = login_as("escort")
    mine = make.company(escort=escort, name="我的企业")
    other = make.user(role="escort")
    theirs = make.company(escort=other, name="别人的企业")
    today = local_today()
    log_visit(make.session, escort, mine, on=today, summary="=HYPERLINK(\"http://evil\")", mode="phone",
              problems=[{"title": "缺电", "description": "限电影响生产。", "category": "energy"}])
    log_visit(make.session, escort, mine, on=today, summary="实地查看", mode="on_site")
    log_visit(make.session, other, theirs, on=today, summary="别人的走访")
    rows = read_xlsx(b.client.get("/visits/export.xlsx"))
    header, data = rows[0], rows[1:]
    assert header[:2] == ["走访日期", "企业名称"] and "提出问题数" in header
    assert {r[1] for r in data} == {"我的企业"}
    summaries = {r[header.index("走访情况")]: r for r in data}
    assert "'=HYPERLINK(\"http://evil\")" in summaries
    phone_row = summaries["'=HYPERLINK(\"http://evil\")"]
    assert phone_row[header.index("走访方式")] == "电话" and phone_row[header.index("提出问题数")] == 1
    filtered = read_xlsx(b.client.get("/visits/export.xlsx?mode=on_site"))
    assert [r[header.index("走访情况")] for r in filtered[1:]] == ["实地查看"]
    manager_browser, _m = login_as("manager")
    assert len(read_xlsx(manager_browser.client.get("/visits/export.xlsx"))) == 4
