"""Company former names (曾用名): a rename keeps the old name, managers enter older ones by hand, the company
page shows them, and every company search (company list, problem list, API) finds the company by them."""
import html
import re

import pytest
import sqlalchemy as sa

from app.companies.models import CompanyFormerName
from app.core.models import AuditLog
from app.tickets import services
from app.tickets.services import NewTicket
from tests.companies.test_companies import _edit_form


def text(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.get_data(as_text=True))


def former(session, company) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(sa.select(CompanyFormerName.name).where(CompanyFormerName.company_id == company.id)))


def listed_companies(page: str) -> set[str]:
    return set(re.findall(r'href="/companies/\d+">([^<]+)</a>', page))


def ticket_numbers(page: str) -> set[str]:
    return set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', page))


@pytest.fixture
def ref(make):
    return {"town": make.town(name="瓜沥镇曾用名"), "industry": make.industry(name="制造业曾用名")}


def test_a_rename_keeps_the_old_name_and_every_search_finds_it(make, login_as, ref, api):
    escort = make.user(role="escort")
    company = make.company(escort=escort, name="萧山红星纺织厂")
    ticket = services.submit_ticket(escort, company, NewTicket("染整废水排放许可", "许可证到期。", "energy",
                                                               source="escort"))
    make.session.commit()
    b, manager = login_as("manager")

    response = b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, name="杭州红星新材料有限公司"))
    assert response.status_code == 302
    assert former(make.session, company) == ["萧山红星纺织厂"]
    page = text(b.follow(response))
    assert "曾用名" in page and "萧山红星纺织厂" in page and "起更名" in page

    # The company list, the problem list's company box and the API find it by the old name, the new one and the code.
    assert listed_companies(text(b.get("/companies/?q=红星纺织"))) == {"杭州红星新材料有限公司"}
    assert ticket_numbers(text(b.get("/tickets/?company=红星纺织"))) == {ticket.number}
    assert ticket_numbers(text(b.get(f"/tickets/?company={company.uscc}"))) == {ticket.number}
    client, _user, headers = api("manager")
    found = client.get("/api/v1/companies?q=红星纺织", headers=headers).get_json()["items"]
    assert [(c["id"], c["name"], c["former_names"]) for c in found] == [
        (company.id, "杭州红星新材料有限公司", ["萧山红星纺织厂"])]
    one = client.get(f"/api/v1/companies/{company.id}", headers=headers).get_json()
    assert one["former_names"] == ["萧山红星纺织厂"]

    # Renaming back drops it from the former names and keeps the second name instead.
    b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, name="萧山红星纺织厂",
                                                       former_names="萧山红星纺织厂"))
    assert former(make.session, company) == ["萧山红星纺织厂"]  # refused: a former name may not be the name
    b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, name="萧山红星纺织厂", former_names=""))
    assert former(make.session, company) == ["杭州红星新材料有限公司"]

    # Another escort's search never reaches it.
    other, _other_escort = login_as("escort")
    assert ticket_numbers(text(other.get("/tickets/?company=红星"))) == set()
    assert listed_companies(text(other.get("/companies/?q=红星"))) == set()


def test_managers_enter_former_names_by_hand_and_bad_ones_keep_what_was_typed(make, login_as, ref, db_session):
    company = make.company(name="杭州远景智造有限公司")
    b, manager = login_as("manager")
    edit = text(b.get(f"/companies/{company.id}/edit"))
    assert 'name="former_names"' in edit and "曾用名" in edit

    response = b.post(f"/companies/{company.id}/edit",
                      _edit_form(company, ref, former_names="萧山远景机械厂\n\n 杭州远景电器有限公司 \n萧山远景机械厂"))
    assert response.status_code == 302
    assert former(make.session, company) == ["杭州远景电器有限公司", "萧山远景机械厂"]
    assert "萧山远景机械厂" in text(b.get(f"/companies/{company.id}/edit"))  # shown again for editing
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "company_former_names", AuditLog.object_id == company.id)) == 1

    too_long = "厂" * 201
    page = text(b.post(f"/companies/{company.id}/edit",
                       _edit_form(company, ref, former_names=f"萧山远景机械厂\n{too_long}")))
    assert "每个曾用名最多 200 字。" in page and too_long in page
    page = text(b.post(f"/companies/{company.id}/edit", _edit_form(company, ref, former_names="杭州远景智造有限公司")))
    assert "曾用名不能与现在的企业名称相同。" in page
    page = text(b.post(f"/companies/{company.id}/edit",
                       _edit_form(company, ref, former_names="\n".join(f"旧名{i}" for i in range(21)))))
    assert "曾用名最多 20 个。" in page and "旧名20" in page
    assert former(make.session, company) == ["杭州远景电器有限公司", "萧山远景机械厂"]  # nothing changed

    # Escorts and helpers cannot edit the register (nor its former names); they see them on the company page.
    escort_b, escort = login_as("escort")
    company.escort_id = escort.id
    make.session.commit()
    assert escort_b.get(f"/companies/{company.id}/edit").status_code == 403
    assert "萧山远景机械厂" in text(escort_b.get(f"/companies/{company.id}"))
