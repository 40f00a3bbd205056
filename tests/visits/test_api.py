"""GET/POST /api/v1/visits: the contract, atomic problems, errors with fields, scope."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import local_today
from app.tickets.models import Ticket
from app.visits.models import Visit
from tests.visits.helpers import log_visit

VISIT_FIELDS = {"id", "company_id", "escort_id", "visited_on", "mode", "participants", "summary", "company_status",
                "next_step", "created_at", "ticket_ids"}


def body(company, **overrides):
    data = {
        "company_id": company.id, "visited_on": local_today().isoformat(), "mode": "meeting",
        "summary": "召开企业座谈会。", "participants": "企业负责人、镇街干部",
        "problems": [
            {"title": "缺少研发人才", "description": "需要引进算法工程师。", "category": "labour"},
            {"title": "贷款利率高", "description": "希望对接贴息政策。", "category": "financing"},
        ],
    }
    data.update(overrides)
    return data


def counts(session):
    return (session.scalar(sa.select(sa.func.count()).select_from(Visit)),
            session.scalar(sa.select(sa.func.count()).select_from(Ticket)))


@pytest.fixture
def escort_api(api, make):
    client, escort, headers = api("escort")
    company = make.company(escort=escort)
    return client, escort, headers, company


def test_post_with_two_problems_creates_the_visit_and_two_visit_tickets(escort_api, db_session):
    client, escort, headers, company = escort_api
    response = client.post("/api/v1/visits", json=body(company), headers=headers)
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert set(visit) == VISIT_FIELDS
    assert (visit["company_id"], visit["escort_id"], visit["mode"]) == (company.id, escort.id, "meeting")
    assert visit["visited_on"] == local_today().isoformat()
    assert len(visit["ticket_ids"]) == 2
    tickets = db_session.scalars(sa.select(Ticket).where(Ticket.id.in_(visit["ticket_ids"]))).all()
    assert {t.source for t in tickets} == {"visit"} and {t.visit_id for t in tickets} == {visit["id"]}
    assert {t.title for t in tickets} == {"缺少研发人才", "贷款利率高"}
    # the tickets API agrees
    ticket = client.get(f"/api/v1/tickets/{visit['ticket_ids'][0]}", headers=headers).get_json()
    assert ticket["source"] == "visit"
    # collected at the visit: accepted by the escort already, the next step is theirs
    assert ticket["status"] == "accepted" and "accept" not in ticket["allowed_actions"]
    events = client.get(f"/api/v1/tickets/{ticket['id']}/events", headers=headers).get_json()["items"]
    assert [e["kind"] for e in events] == ["collect"]


def test_a_problem_needs_only_a_title_and_a_category(escort_api, db_session):
    client, _escort, headers, company = escort_api
    response = client.post("/api/v1/visits", json=body(company, problems=[
        {"title": "用电增容排队", "category": "energy"},
        {"title": "招工难", "description": "  ", "category": "labour"}]), headers=headers)
    assert response.status_code == 201, response.get_json()
    tickets = db_session.scalars(sa.select(Ticket).where(Ticket.id.in_(response.get_json()["ticket_ids"]))
                                 .order_by(Ticket.id)).all()
    assert [(t.title, t.description, t.status) for t in tickets] == [
        ("用电增容排队", "用电增容排队", "accepted"), ("招工难", "招工难", "accepted")]
    # a description that is not text is still refused
    refused = client.post("/api/v1/visits", json=body(company, problems=[
        {"title": "融资", "description": 5, "category": "financing"}]), headers=headers)
    assert refused.status_code == 400 and "problems[0].description" in refused.get_json()["error"]["fields"]


@pytest.mark.parametrize("overrides,field", [
    ({"mode": "drive_by"}, "mode"),
    ({"mode": None}, "mode"),
    ({"visited_on": "31/10/2026"}, "visited_on"),
    ({"visited_on": (local_today() + timedelta(days=1)).isoformat()}, "visited_on"),
    ({"visited_on": (local_today() - timedelta(days=91)).isoformat()}, "visited_on"),
    ({"summary": ""}, "summary"),
    ({"problems": [{"title": "", "description": "缺少研发人才", "category": "labour"}]}, "problems[0].title"),
    ({"problems": [{"title": "x", "description": "y", "category": "nonsense"}]}, "problems[0].category"),
    ({"problems": "none"}, "problems"),
    ({"company_id": "abc"}, "company_id"),
])
def test_bad_input_is_a_400_with_fields_and_saves_nothing(escort_api, db_session, overrides, field):
    client, _escort, headers, company = escort_api
    before = counts(db_session)
    response = client.post("/api/v1/visits", json=body(company, **overrides), headers=headers)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"], error
    assert counts(db_session) == before


def test_a_bad_second_problem_saves_neither_the_visit_nor_the_first_problem(escort_api, db_session):
    client, _escort, headers, company = escort_api
    problems = [{"title": "缺少研发人才", "description": "需要引进算法工程师。", "category": "labour"},
                {"title": "", "description": "贷款利率高", "category": "financing"}]
    response = client.post("/api/v1/visits", json=body(company, problems=problems), headers=headers)
    assert response.status_code == 400
    assert "第2个问题" in response.get_json()["error"]["fields"]["problems[1].title"]
    assert counts(db_session) == (0, 0)


@pytest.mark.parametrize("role,status", [("escort", 404), ("manager", 403), ("admin", 403), ("helper", 404),
                                         ("company", 404)])
def test_only_the_current_escort_may_post(api, make, db_session, role, status):
    company = make.company(escort=make.user(role="escort"))
    client, _user, headers = api(role)
    response = client.post("/api/v1/visits", json=body(company), headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]
    assert counts(db_session) == (0, 0)


def test_list_is_scoped_and_filters_by_company(api, make, db_session):
    client, escort, headers = api("escort")
    mine_a, mine_b = make.company(escort=escort), make.company(escort=escort)
    other = make.user(role="escort")
    theirs = make.company(escort=other)
    today = local_today()
    va = log_visit(db_session, escort, mine_a, on=today, problems=[
        {"title": "缺电", "description": "限电影响生产。", "category": "energy"}])
    vb = log_visit(db_session, escort, mine_b, on=today)
    vt = log_visit(db_session, other, theirs, on=today)
    listing = client.get("/api/v1/visits", headers=headers).get_json()
    assert [v["id"] for v in listing["items"]] == [va.id, vb.id] and listing["next_cursor"] is None
    assert len(listing["items"][0]["ticket_ids"]) == 1
    filtered = client.get(f"/api/v1/visits?company_id={mine_b.id}", headers=headers).get_json()
    assert [v["id"] for v in filtered["items"]] == [vb.id]
    assert client.get(f"/api/v1/visits/{vt.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/visits/{va.id}", headers=headers).get_json()["id"] == va.id
    assert client.get("/api/v1/visits?town=1", headers=headers).status_code == 400
    m_client, _m, m_headers = api("manager")
    everything = m_client.get("/api/v1/visits?limit=2", headers=m_headers).get_json()
    assert [v["id"] for v in everything["items"]] == [va.id, vb.id] and everything["next_cursor"]
    rest = m_client.get(f"/api/v1/visits?limit=2&cursor={everything['next_cursor']}", headers=m_headers).get_json()
    assert [v["id"] for v in rest["items"]] == [vt.id]


@pytest.mark.parametrize("role", ["helper", "company"])
def test_helpers_and_companies_cannot_list_visits(api, role):
    client, _user, headers = api(role)
    assert client.get("/api/v1/visits", headers=headers).status_code == 403


def test_api_list_query_count_does_not_grow(api, make, db_session, count_queries):
    client, _manager, headers = api("manager")

    def add(n):
        for _i in range(n):
            escort = make.user(role="escort")
            company = make.company(escort=escort)
            log_visit(db_session, escort, company, on=local_today(), problems=[
                {"title": "缺电", "description": "限电影响生产。", "category": "energy"}])

    add(2)
    client.get("/api/v1/me", headers=headers)  # the token's last-use stamp is written on the first call
    with count_queries() as small:
        assert len(client.get("/api/v1/visits", headers=headers).get_json()["items"]) == 2
    add(10)
    with count_queries() as large:
        assert len(client.get("/api/v1/visits", headers=headers).get_json()["items"]) == 12
    assert large.count == small.count
