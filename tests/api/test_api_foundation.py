"""The API's beginnings: tokens, /me, companies, departments, and the JSON error shape (README "API")."""
import random
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.accounts.models import ApiToken, Role
from app.accounts.services import create_api_token, hash_token
from app.companies.models import Company, EscortAssignment
from app.companies.uscc import generate
from app.core.db import utcnow
from tests.factories import PASSWORD

VALID = "91350100M000100Y43"


def _error(response, status: int, code: str | None = None) -> dict:
    """Assert the API's error shape and return the inner object."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert "<" not in response.get_data(as_text=True)[:1]
    if code:
        assert error["code"] == code
    return error


# --- tokens -------------------------------------------------------------------------------------


def test_token_from_password_works_and_is_stored_hashed(app, make, db_session):
    user = make.user(role=Role.ESCORT)
    client = app.test_client()
    response = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() is not None
    assert timedelta(days=80) < expires - datetime.now(timezone.utc) < timedelta(days=100)

    stored = db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert stored.token_hash == hash_token(body["token"])
    assert body["token"] not in stored.token_hash

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == user.username


def test_token_wrong_password_and_unknown_user_are_alike(app, make, db_session):
    user = make.user(role=Role.ESCORT)
    client = app.test_client()
    wrong = _error(client.post("/api/v1/tokens", json={"username": user.username, "password": "nope"}), 401)
    unknown = _error(client.post("/api/v1/tokens", json={"username": "nobody-here", "password": PASSWORD}), 401)
    assert wrong == unknown
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_token_for_inactive_user_is_refused(app, make):
    user = make.user(role=Role.MANAGER, active=False)
    _error(app.test_client().post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD}), 401)


@pytest.mark.parametrize(
    "payload, fields",
    [({}, {"username", "password"}), ({"username": "x"}, {"password"}), ({"username": 5, "password": "x"}, {"username"})],
)
def test_token_request_validation(app, db_session, payload, fields):
    error = _error(app.test_client().post("/api/v1/tokens", json=payload), 400)
    assert set(error["fields"]) == fields


def test_token_request_must_be_json(app, db_session):
    client = app.test_client()
    _error(client.post("/api/v1/tokens", data={"username": "a", "password": "b"}), 415)
    _error(client.post("/api/v1/tokens", data="[1, 2]", content_type="application/json"), 400)
    _error(client.post("/api/v1/tokens", data="{not json", content_type="application/json"), 400)


# --- 401 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Bearer pp_not-a-real-token", "Basic dXNlcjpwYXNz", "Token pp_x"],
)
def test_me_without_a_valid_token_is_401(app, db_session, header):
    headers = {"Authorization": header} if header is not None else {}
    _error(app.test_client().get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_revoked_token_is_401(app, api, db_session):
    client, user, headers = api(Role.ESCORT)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    token.revoked_at = utcnow()
    db_session.commit()
    _error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_token_revoked_on_the_profile_page_is_401(app, login_as, db_session):
    b, user = login_as(Role.ESCORT)
    page = b.post("/auth/profile", {"name": "脚本"})
    text = page.get_data(as_text=True)
    plain = text.split('id="new-token">', 1)[1].split("<", 1)[0]
    headers = {"Authorization": f"Bearer {plain}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    token = db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    response = b.post(f"/auth/tokens/{token.id}/revoke", form_page="/auth/profile")
    assert response.status_code == 302
    _error(app.test_client().get("/api/v1/me", headers=headers), 401)


def test_expired_token_is_401(app, make, db_session):
    user = make.user(role=Role.MANAGER)
    token, plain = create_api_token(user, "old")
    token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    _error(app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}), 401)


def test_token_of_a_deactivated_user_is_401(app, api, db_session):
    client, user, headers = api(Role.ESCORT)
    user.active = False
    db_session.commit()
    _error(client.get("/api/v1/me", headers=headers), 401)


def test_token_use_is_recorded(app, api, db_session):
    client, user, headers = api(Role.ESCORT)
    client.get("/api/v1/me", headers=headers)
    db_session.expire_all()
    token = db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert token.last_used_at is not None


# --- /me ----------------------------------------------------------------------------------------


def test_me_describes_the_caller(api, make):
    company = make.company()
    client, user, headers = api(Role.COMPANY, company=company)
    assert client.get("/api/v1/me", headers=headers).get_json() == {
        "id": user.id, "username": user.username, "name": user.name, "role": "company",
        "company_id": company.id, "department_id": None,
    }
    department = make.department()
    client, helper, headers = api(Role.HELPER, department=department)
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert (body["role"], body["department_id"], body["company_id"]) == ("helper", department.id, None)


# --- companies: list, scope, filters, pagination -----------------------------------------------


@pytest.fixture
def world(make):
    escort_a = make.user(role=Role.ESCORT, name="甲陪跑员")
    escort_b = make.user(role=Role.ESCORT, name="乙陪跑员")
    towns = [make.town(code="t-guali", name="瓜沥镇测"), make.town(code="t-beigan", name="北干街道测")]
    companies = [
        make.company(escort=escort_a, name="杭州一号精密机械有限公司", category="new_force", town=towns[0], uscc=VALID),
        make.company(escort=escort_a, name="杭州二号软件有限公司", category="specialized", town=towns[1]),
        make.company(escort=escort_b, name="杭州三号物流有限公司", category="upgrade", town=towns[0]),
        make.company(name="杭州四号未分配有限公司", category="eaglet", town=towns[1]),
    ]
    return {"escorts": (escort_a, escort_b), "towns": towns, "companies": companies}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {item["id"] for item in response.get_json()["items"]}


def test_manager_lists_every_company(api, world):
    client, _user, headers = api(Role.MANAGER)
    response = client.get("/api/v1/companies", headers=headers)
    body = response.get_json()
    assert set(body) == {"items", "next_cursor"}
    assert body["next_cursor"] is None
    assert _ids(response) == {c.id for c in world["companies"]}
    first = next(i for i in body["items"] if i["id"] == world["companies"][0].id)
    assert first["uscc"] == VALID
    assert first["category"] == "new_force"
    assert first["escort"] == {"id": world["escorts"][0].id, "name": "甲陪跑员"}
    assert first["town"]["name"] == "瓜沥镇测"
    unassigned = next(i for i in body["items"] if i["id"] == world["companies"][3].id)
    assert unassigned["escort"] is None


def test_escort_lists_only_own(api, world):
    client, _user, headers = api(user=world["escorts"][0])
    assert _ids(client.get("/api/v1/companies", headers=headers)) == {c.id for c in world["companies"][:2]}
    # An escort filter does not widen the scope.
    other = world["escorts"][1].id
    assert _ids(client.get(f"/api/v1/companies?escort_id={other}", headers=headers)) == set()


def test_helper_list_is_empty(api, world):
    client, _user, headers = api(Role.HELPER)
    assert _ids(client.get("/api/v1/companies", headers=headers)) == set()


def test_company_user_listing_companies_is_403(api, world):
    client, _user, headers = api(Role.COMPANY, company=world["companies"][0])
    _error(client.get("/api/v1/companies", headers=headers), 403, "forbidden")


@pytest.mark.parametrize(
    "params, expected",
    [
        ("q=物流", {2}),
        ("q=m000100y", {0}),
        ("category=specialized", {1}),
        ("town={town0}", {0, 2}),
        ("town=abc", None),  # not an id: refused with fields
        ("escort_id={escort0}", {0, 1}),
        ("category=upgrade&town={town0}", {2}),
        ("category=eaglet&escort_id={escort0}", set()),
    ],
)
def test_company_filters(api, world, params, expected):
    client, _user, headers = api(Role.MANAGER)
    url = "/api/v1/companies?" + params.format(
        town0=world["towns"][0].id, escort0=world["escorts"][0].id
    )
    response = client.get(url, headers=headers)
    if expected is None:
        assert "town" in _error(response, 400)["fields"]
        return
    assert _ids(response) == {world["companies"][i].id for i in expected}


def test_unknown_query_parameter_is_400_with_fields(api, world):
    client, _user, headers = api(Role.MANAGER)
    error = _error(client.get("/api/v1/companies?colour=red", headers=headers), 400)
    assert "colour" in error["fields"]


def test_cursor_pagination_visits_every_company_once(api, make):
    escort = make.user(role=Role.ESCORT)
    created = {make.company(escort=escort).id for _ in range(7)}
    client, _user, headers = api(user=escort)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/companies?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=headers).get_json()
        assert len(body["items"]) <= 3
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert pages == 3
    assert len(seen) == len(set(seen)) and set(seen) == created


def test_exact_page_has_no_dangling_cursor(api, make):
    escort = make.user(role=Role.ESCORT)
    for _ in range(4):
        make.company(escort=escort)
    client, _user, headers = api(user=escort)
    body = client.get("/api/v1/companies?limit=4", headers=headers).get_json()
    assert len(body["items"]) == 4 and body["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "-1", "201", "abc", "1.5", ""])
def test_limit_bounds(api, world, limit):
    client, _user, headers = api(Role.MANAGER)
    error = _error(client.get(f"/api/v1/companies?limit={limit}", headers=headers), 400)
    assert "limit" in error["fields"]


@pytest.mark.parametrize("limit, count", [("1", 1), ("200", 4)])
def test_limit_edges_are_accepted(api, world, limit, count):
    client, _user, headers = api(Role.MANAGER)
    response = client.get(f"/api/v1/companies?limit={limit}", headers=headers)
    assert len(response.get_json()["items"]) == count


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtbnVtYmVy", "-"])
def test_bad_cursor_is_400(api, world, cursor):
    client, _user, headers = api(Role.MANAGER)
    error = _error(client.get(f"/api/v1/companies?cursor={cursor}", headers=headers), 400)
    assert "cursor" in error["fields"]


# --- one company --------------------------------------------------------------------------------


def test_get_company_in_and_out_of_scope(api, world):
    escort_a = world["escorts"][0]
    own, _own2, others, unassigned = world["companies"]
    client, _user, headers = api(user=escort_a)
    response = client.get(f"/api/v1/companies/{own.id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["escort"]["id"] == escort_a.id
    for company in (others, unassigned):
        _error(client.get(f"/api/v1/companies/{company.id}", headers=headers), 404, "not_found")
    _error(client.get("/api/v1/companies/987654321", headers=headers), 404, "not_found")


def test_company_user_gets_own_company_only(api, world):
    own, other = world["companies"][0], world["companies"][2]
    client, _user, headers = api(Role.COMPANY, company=own)
    response = client.get(f"/api/v1/companies/{own.id}", headers=headers)
    assert response.status_code == 200 and response.get_json()["name"] == own.name
    _error(client.get(f"/api/v1/companies/{other.id}", headers=headers), 404)


def test_helper_cannot_see_a_company(api, world):
    client, _user, headers = api(Role.HELPER)
    _error(client.get(f"/api/v1/companies/{world['companies'][0].id}", headers=headers), 404)


# --- create -------------------------------------------------------------------------------------


def _payload(town_row, industry_row, **overrides) -> dict:
    data = {"name": "杭州接口新建有限公司", "uscc": "91350100m000100y43", "category": "upgrade",
            "town": town_row.code, "industry": industry_row.code, "is_above_scale": True, "annual_revenue": 2500.5,
            "employees": 88}
    data.update(overrides)
    return data


def test_manager_creates_a_company(api, make, db_session):
    town, industry = make.town(), make.industry()
    escort = make.user(role=Role.ESCORT)
    client, manager, headers = api(Role.MANAGER)
    response = client.post("/api/v1/companies", json=_payload(town, industry, escort_id=escort.id), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["uscc"] == VALID
    assert body["escort"]["id"] == escort.id
    assert body["town"]["id"] == town.id and body["is_above_scale"] is True and body["employees"] == 88

    company = db_session.get(Company, body["id"])
    assert company.uscc == VALID and company.escort_id == escort.id and company.category == "upgrade"
    [assignment] = db_session.scalars(
        sa.select(EscortAssignment).where(EscortAssignment.company_id == company.id)
    ).all()
    assert assignment.assigned_by_id == manager.id and assignment.ended_at is None
    # It can be read back and is in the list.
    assert client.get(f"/api/v1/companies/{company.id}", headers=headers).status_code == 200


def test_reference_fields_accept_id_code_or_name(api, make):
    town, industry = make.town(name="所前镇测"), make.industry()
    client, _manager, headers = api(Role.ADMIN)
    for i, (town_value, industry_value) in enumerate([(town.id, industry.code), ("所前镇测", industry.id)]):
        payload = _payload(town, industry, town=town_value, industry=industry_value,
                           uscc=generate(random.Random(i)), name=f"杭州引用测试{i}有限公司")
        response = client.post("/api/v1/companies", json=payload, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.get_json()["town"]["id"] == town.id


@pytest.mark.parametrize("role", [Role.ESCORT, Role.HELPER, Role.COMPANY])
def test_non_managers_cannot_create(api, make, db_session, role):
    town, industry = make.town(), make.industry()
    client, _user, headers = api(role)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Company))
    _error(client.post("/api/v1/companies", json=_payload(town, industry), headers=headers), 403, "forbidden")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Company)) == before


@pytest.mark.parametrize(
    "uscc, fragment",
    [
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100I43", "不允许的字符"),
        ("", "请填写统一社会信用代码"),
    ],
)
def test_bad_credit_code_is_400_with_fields(api, make, db_session, uscc, fragment):
    town, industry = make.town(), make.industry()
    client, _user, headers = api(Role.MANAGER)
    error = _error(client.post("/api/v1/companies", json=_payload(town, industry, uscc=uscc), headers=headers), 400)
    assert fragment in error["fields"]["uscc"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Company)) == 0


def test_duplicate_credit_code_is_400_with_fields(api, make, db_session):
    make.company(uscc=VALID)
    town, industry = make.town(), make.industry()
    client, _user, headers = api(Role.MANAGER)
    error = _error(client.post("/api/v1/companies", json=_payload(town, industry), headers=headers), 400)
    assert "已登记" in error["fields"]["uscc"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Company)) == 1


def test_create_reports_every_bad_field(api, make, db_session):
    client, _user, headers = api(Role.MANAGER)
    payload = {"name": "", "uscc": VALID, "category": "galactic", "town": "nowhere", "industry": "ZZ"}
    error = _error(client.post("/api/v1/companies", json=payload, headers=headers), 400)
    assert {"name", "category", "town", "industry"} <= set(error["fields"])
    assert "town_id" not in error["fields"]


def test_create_needs_json(api, db_session):
    client, _user, headers = api(Role.MANAGER)
    _error(client.post("/api/v1/companies", data="name=x", headers=headers), 415)


# --- departments --------------------------------------------------------------------------------


def test_departments_for_staff(api, make):
    tax = make.department(code="tax-t", name="区税务局测")
    make.department(code="old-t", name="已撤销部门测", active=False)
    client, _user, headers = api(Role.ESCORT)
    body = client.get("/api/v1/departments", headers=headers).get_json()
    assert {"id": tax.id, "name": "区税务局测", "code": "tax-t"} in body["items"]
    assert "已撤销部门测" not in {d["name"] for d in body["items"]}
    assert body["next_cursor"] is None


def test_departments_are_not_for_company_users(api, make):
    client, _user, headers = api(Role.COMPANY)
    _error(client.get("/api/v1/departments", headers=headers), 403, "forbidden")


def test_departments_paginate(api, make):
    for i in range(5):
        make.department()
    client, _user, headers = api(Role.MANAGER)
    body = client.get("/api/v1/departments?limit=2", headers=headers).get_json()
    assert len(body["items"]) == 2 and body["next_cursor"]
    _error(client.get("/api/v1/departments?limit=500", headers=headers), 400)


# --- never HTML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/v1/companies/abc", 404),
        ("get", "/api/v1/nothing-here", 404),
        ("put", "/api/v1/companies", 405),
        ("get", "/api/v1/tokens", 405),
        ("post", "/api/v1/me", 405),
    ],
)
def test_errors_are_json_not_html(api, method, path, status):
    client, _user, headers = api(Role.MANAGER)
    _error(getattr(client, method)(path, headers=headers), status)


def test_api_post_needs_no_csrf_token_and_ignores_cookies(app, login_as, make, db_session):
    # A signed-in browser cookie does not authorise an API write (no CSRF risk) …
    b, _manager = login_as(Role.MANAGER)
    town, industry = make.town(), make.industry()
    _error(b.client.post("/api/v1/companies", json=_payload(town, industry)), 401)
    # … and a bearer token needs no CSRF token.
    token, plain = create_api_token(_manager, "t")
    db_session.commit()
    response = b.client.post("/api/v1/companies", json=_payload(town, industry),
                             headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 201
