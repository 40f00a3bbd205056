"""A former escort reads the history of a company they served, read only (DESIGN, issue 20): the company,
its problems and its visits open; no action, comment, upload or tag is offered, and a POST is refused."""
from datetime import date

import sqlalchemy as sa

from app.accounts.models import Role
from app.companies.services import assign_escort
from app.tickets import services as ticket_services
from app.tickets.models import Ticket, TicketEvent
from app.visits import services as visit_services
from tests.personnel.helpers import text


def _handed_over(login_as, make, db_session):
    browser, former = login_as(Role.ESCORT, name="老陪跑员")
    company = make.company(escort=former, name="杭州交接历史有限公司")
    portal = make.user(role="company", company=company)
    ticket = ticket_services.submit_ticket(portal, company, ticket_services.NewTicket(
        "交接前的用地问题", "厂房用地手续", "land"))
    own_visit = visit_services.create_visit(former, company, {
        "visited_on": date.today().isoformat(), "mode": "on_site", "summary": "交接前的走访"})
    db_session.commit()
    successor = make.user(role="escort", name="新陪跑员")
    assign_escort(None, company, successor, "片区调整")
    their_visit = visit_services.create_visit(successor, company, {
        "visited_on": date.today().isoformat(), "mode": "phone", "summary": "交接后的走访"})
    db_session.commit()
    return browser, company, ticket, own_visit, their_visit


def test_former_escort_reads_the_company_its_problems_and_visits(login_as, make, db_session):
    browser, company, ticket, own_visit, their_visit = _handed_over(login_as, make, db_session)

    page = text(browser.get(f"/companies/{company.id}"))
    assert "曾陪跑（只读）" in page and "交接前的用地问题" in page and "交接后的走访" in page
    assert "更新目标进度" not in page and "新建企业账号" not in page

    response = browser.get(f"/tickets/{ticket.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "交接前的用地问题" in html
    for form in ("/actions/", f"/tickets/{ticket.id}/comments", f"/tickets/{ticket.id}/attachments\"",
                 f"/tickets/{ticket.id}/tags"):
        assert form not in html, form

    for visit, summary in ((own_visit, "交接前的走访"), (their_visit, "交接后的走访")):
        response = browser.get(f"/visits/{visit.id}")
        assert response.status_code == 200 and summary in text(response)

    # Their working lists no longer hold the company nor its problems.
    assert "杭州交接历史有限公司" not in text(browser.get("/companies/"))
    assert "交接前的用地问题" not in text(browser.get("/tickets/"))


def test_former_escort_cannot_act_on_the_history(login_as, make, db_session):
    browser, company, ticket, _own, _theirs = _handed_over(login_as, make, db_session)
    before = db_session.scalar(sa.select(sa.func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    form_page = f"/tickets/{ticket.id}"
    assert browser.post(f"/tickets/{ticket.id}/actions/accept", {"version": ticket.version},
                        form_page=form_page).status_code == 404
    assert browser.post(f"/tickets/{ticket.id}/comments", {"body": "还在跟进"}, form_page=form_page).status_code == 404
    assert browser.post(f"/visits/new?company_id={company.id}", {"summary": "x"},
                        form_page=form_page).status_code == 404
    db_session.expire_all()
    assert db_session.get(Ticket, ticket.id).status == "submitted"
    assert db_session.scalar(
        sa.select(sa.func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id)) == before
