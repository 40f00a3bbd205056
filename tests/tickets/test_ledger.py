"""The ledger (台账) export: scoped, filtered, every SLA date and the rating, formulas escaped."""
import io

from openpyxl import load_workbook

from tests.tickets.helpers import World


def read(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_manager_exports_the_filtered_ledger_with_sla_dates_and_rating(make, login_as):
    world = World(make)
    closed = world.ticket_in("closed")
    world.ticket_in("submitted")
    browser, _user = login_as("manager")

    header, rows = read(browser.get("/tickets/export.xlsx?status=closed"))
    assert [r[0] for r in rows] == [closed.number]
    row = dict(zip(header, rows[0]))
    assert row["状态"] == "已办结"
    assert row["评价"] == "满意"
    assert row["承办部门"] == world.department.name
    for column in ("提交时间", "交办时间", "签收期限", "签收时间", "办理期限", "答复时间", "办结时间"):
        assert row[column] is not None, column

    _header, everything = read(browser.get("/tickets/export.xlsx"))
    assert len(everything) == 2


def test_escort_export_holds_only_their_companies_and_escapes_formulas(make, login_as):
    world = World(make)
    mine = world.new_ticket(title="=HYPERLINK(\"http://evil\",\"点我\")")
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    from app.tickets import services
    from app.tickets.services import NewTicket

    services.submit_ticket(other_escort, other_company, NewTicket("别家的问题", "描述", "other", "ordinary", "escort"))
    make.session.commit()

    browser, _user = login_as("escort", username="ledger_escort")
    # Log in as the world's escort instead: give the world's company to this escort.
    from app.companies.services import assign_escort

    assign_escort(world.manager, world.company, _user, "测试")
    make.session.commit()
    header, rows = read(browser.get("/tickets/export.xlsx"))
    numbers = [r[0] for r in rows]
    assert numbers == [mine.number]
    title = dict(zip(header, rows[0]))["问题标题"]
    assert title.startswith("'=")


def test_company_users_cannot_export_the_ledger(make, login_as):
    world = World(make)
    browser, _user = login_as("company", company=world.company)
    assert browser.get("/tickets/export.xlsx").status_code == 403
