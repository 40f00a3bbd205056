"""The API contract: the OpenAPI document the app serves (app/api/openapi.py).

* The document and the routes agree (a route without an operation, or an operation without a
  route, fails), and the document is complete: descriptions in both languages, the bearer
  scheme, the error schema behind every error status.
* Every status each operation promises is produced by a test here (a meta-test checks that),
  and every answer in this file is validated against the document with schemathesis.
* Tokens: missing, malformed, revoked, expired and a deactivated user's are 401 on every
  operation; the profile page creates (shown once, with a chosen expiry) and revokes them.
* Scoping per role, the pages' access matrix, through the API; cursor pages on every list.
* No input is a 500: wrong JSON types in every field, malformed and hostile bodies.
"""
import json
import random
import re
from datetime import datetime, timedelta, timezone
from functools import cached_property

import pytest
import schemathesis
import sqlalchemy as sa

from app import create_app
from app.accounts.models import ApiToken
from app.accounts.services import create_api_token
from app.api.blueprint import OPERATIONS
from app.api.openapi import ERRORS, document, schemas
from app.companies.uscc import generate
from app.core.db import utcnow
from app.core.timeutil import local_today
from app.extensions import limiter
from app.knowledge.models import KnowledgeEntry
from app.tickets.models import Ticket
from app.tickets.services import NewTicket, submit_ticket
from tests.factories import PASSWORD
from tests.tickets.helpers import World
from tests.visits.helpers import log_visit, problem

API = "/api/v1"
_rng = random.Random(808)


def op_key(op_id: str) -> tuple[str, str]:
    return next(key for key, op in OPERATIONS.items() if op.operation_id == op_id)


@pytest.fixture(scope="module")
def spec():
    """The served document, loaded by schemathesis to validate answers against it."""
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document())))


def conforms(spec, op_id: str, response):
    """The answer's status is one the operation promises and its body matches that status's schema."""
    spec.find_operation_by_id(op_id).validate_response(response)
    if response.status_code >= 400:
        body = response.get_json()
        assert list(body) == ["error"] and body["error"]["code"] and body["error"]["message"], body
    return response


class Contract:
    """A company with its escort and portal user, a manager and an admin, two departments with
    helpers, a problem in each of two states, another escort's company with its problem, visits."""

    def __init__(self, app, make, spec):
        self.app, self.make, self.spec = app, make, spec
        self.w = World(make)
        self._headers: dict[int, dict] = {}

    # Built when first used: most tests need only a few of them.
    @cached_property
    def submitted(self):
        return self.w.ticket_in("submitted")

    @cached_property
    def dispatched(self):
        return self.w.ticket_in("dispatched")

    @cached_property
    def other_escort(self):
        return self.make.user(role="escort")

    @cached_property
    def other_company(self):
        return self.make.company(escort=self.other_escort)

    @cached_property
    def other_company_user(self):
        return self.make.user(role="company", company=self.other_company)

    @cached_property
    def outsider(self):
        ticket = submit_ticket(self.other_escort, self.other_company,
                               NewTicket("外企问题", "不在范围内。", "other", source="escort"))
        self.make.session.commit()
        return ticket

    @cached_property
    def visit(self):
        return log_visit(self.make.session, self.w.escort, self.w.company, on=local_today(), problems=[problem()])

    @cached_property
    def other_visit(self):
        return log_visit(self.make.session, self.other_escort, self.other_company, on=local_today())

    @cached_property
    def common_problem(self):
        from app.common_problems.services import create_common_problem

        members = [self.w.new_ticket(now=utcnow()) for _ in range(2)]
        group = create_common_problem(self.w.manager, title="一线工人招工难", ticket_ids=[t.id for t in members])
        self.make.session.commit()
        return group

    @cached_property
    def joinable(self):
        """Problems free to join a common problem (created on first use)."""
        return [self.w.new_ticket(now=utcnow()) for _ in range(3)]

    def common_version(self) -> int:
        from app.common_problems.models import CommonProblem

        return self.make.session.scalar(sa.select(CommonProblem.version).where(CommonProblem.id == self.common_problem.id))

    @cached_property
    def saved_view(self):
        from app.tickets.saved_views import create_view

        view = create_view(self.w.manager, "待交办", "status=escalated")
        self.make.session.commit()
        return view

    @cached_property
    def webhook(self):
        from app.notify.models import WebhookSubscription

        subscription = WebhookSubscription(url="http://127.0.0.1:9/hook", events=["ticket.created"],
                                           secret="contract-test-secret", allow_private=True)
        self.make.session.add(subscription)
        self.make.session.commit()
        return subscription

    def user(self, who):
        if not isinstance(who, str):
            return who
        return getattr(self, who, None) or getattr(self.w, who)

    def headers(self, who) -> dict:
        user = self.user(who)
        if user.id not in self._headers:
            _token, plain = create_api_token(user, "contract")
            self.make.session.commit()
            self._headers[user.id] = {"Authorization": f"Bearer {plain}"}
        return self._headers[user.id]

    def url(self, rule: str, **ids) -> str:
        defaults = {"company_id": lambda: self.w.company.id, "ticket_id": lambda: self.submitted.id,
                    "visit_id": lambda: self.visit.id, "webhook_id": lambda: self.webhook.id,
                    "common_problem_id": lambda: self.common_problem.id,
                    "saved_view_id": lambda: self.saved_view.id}
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1)) or defaults[m.group(1)]()), rule)

    def call(self, who, op_id: str, *, ids=None, query: str = "", headers=None, **kwargs):
        method, rule = op_key(op_id)
        all_headers = dict(self.headers(who)) if who else {}
        all_headers.update(headers or {})
        url = self.url(rule, **(ids or {})) + (f"?{query}" if query else "")
        response = self.app.test_client().open(url, method=method, headers=all_headers, **kwargs)
        return conforms(self.spec, op_id, response)

    def valid_body(self, op_id: str) -> dict:
        w = self.w
        return {
            "createToken": {"username": w.manager.username, "password": PASSWORD},
            "createCompany": {"name": "杭州契约测试有限公司", "uscc": generate(_rng), "category": "upgrade",
                              "town": w.company.town_id, "industry": w.company.industry_id},
            "createTicket": {"company_id": w.company.id, "title": "厂房用电增容审批慢",
                             "description": "申请增容三个月没有进展。", "category": "energy"},
            "addTicketComment": {"body": "已电话联系企业。"},
            "performTicketAction": {"action": "accept", "version": self.version(self.submitted)},
            "createVisit": {"company_id": w.company.id, "visited_on": local_today().isoformat(), "mode": "phone",
                            "summary": "电话回访。"},
            "publishRanking": {"board": "towns", "period": "2026-10"},
            "createWebhook": {"url": "http://127.0.0.1:9/hook", "events": ["ticket.created"],
                              "secret": "contract-test-secret", "allow_private": True},
            "createCommonProblem": {"title": "一线工人招工难", "ticket_ids": [t.id for t in self.joinable[:2]]},
            "addCommonProblemMembers": {"ticket_ids": [self.joinable[2].id]},
            "performCommonProblemAction": {"action": "dispatch", "version": self.common_version(),
                                           "department_id": w.department.id},
            "addTicketTag": {"name": "用工"},
            "createSavedView": {"name": "超期的用工问题", "query": "overdue=y&tag=用工"},
            "renameSavedView": {"name": "超期未办"},
        }[op_id]

    def version(self, ticket) -> int:
        return self.make.session.scalar(sa.select(Ticket.version).where(Ticket.id == ticket.id))

    def status(self, ticket) -> str:
        return self.make.session.scalar(sa.select(Ticket.status).where(Ticket.id == ticket.id))


@pytest.fixture
def c(app, make, spec):
    return Contract(app, make, spec)


SECURED = sorted(op.operation_id for op in OPERATIONS.values() if not op.public)
GETS = sorted(op.operation_id for op in OPERATIONS.values() if op.method == "GET")
POSTS = sorted(op.operation_id for op in OPERATIONS.values() if op.method == "POST")
LISTS = sorted(op.operation_id for op in OPERATIONS.values() if op.paged)
# A caller allowed to use each operation, for the tests that are about something else (auth, input).
CALLER = {"createToken": None, "createCompany": "manager", "createTicket": "manager", "addTicketComment": "escort",
          "performTicketAction": "escort", "createVisit": "escort", "getOpenApi": None, "getDocs": None,
          "listWebhooks": "admin", "createWebhook": "admin", "listWebhookDeliveries": "admin"}


def caller(op_id: str):
    return CALLER.get(op_id, "manager")


# ====================================================================== the document and the routes

def test_every_route_has_an_operation_and_every_operation_a_route(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith(API)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(OPERATIONS), {"undocumented": routes - set(OPERATIONS), "no route": set(OPERATIONS) - routes}


def test_the_document_is_served_without_a_token_and_describes_every_operation(app, db_session):
    response = app.test_client().get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    bearer = doc["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert doc["security"] == [{"bearerAuth": []}]
    cjk, latin = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{3}")
    seen = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            seen.add(op["operationId"])
            for text in (op["summary"], op["description"]):
                assert cjk.search(text) and latin.search(text), (method, path, text)
            error_refs = {status: r["$ref"] for status, r in op["responses"].items() if status >= "400"}
            assert error_refs, (method, path)
            for status, target in error_refs.items():
                name = target.rsplit("/", 1)[-1]
                assert doc["components"]["responses"][name]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}
                assert ERRORS[int(status)][0] == name
            if op.get("security") != []:  # needs the bearer token: a bad one is a 401
                assert "401" in op["responses"], (method, path)
            if op.get("requestBody"):
                assert op["requestBody"]["content"]["application/json"]["example"], (method, path)
    assert len(seen) == len(OPERATIONS)
    # Every reference resolves.
    text = json.dumps(doc)
    for target in set(re.findall(r'"#/components/(\w+)/(\w+)"', text)):
        assert target[1] in doc["components"][target[0]], target
    error = doc["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_the_reference_page_is_local_and_complete(app, db_session):
    response = app.test_client().get(f"{API}/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<script" not in page and "style=" not in page  # CSP: no inline script or style
    assert not re.search(r'(src|href)="(https?:)?//', page), "everything is served locally (no CDN)"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for op in OPERATIONS.values():
        assert f'id="{op.operation_id}"' in page
    for name in schemas():
        assert f'id="schema-{name}"' in page
    assert "curl -X POST" in page and "Authorization: Bearer $TOKEN" in page
    assert "/api/v1/openapi.json" in page


def test_the_readme_links_the_reference(app):
    from pathlib import Path

    readme = (Path(app.root_path).parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## API", 1)[1].split("\n## ", 1)[0]
    assert "/api/v1/docs" in section and "/api/v1/openapi.json" in section and "curl" in section


# ====================================================================== 401: every secured operation

def _revoked(c):
    user = c.w.manager
    token, plain = create_api_token(user, "revoked")
    token.revoked_at = utcnow()
    c.make.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _expired(c):
    token, plain = create_api_token(c.w.manager, "old")
    token.expires_at = utcnow() - timedelta(seconds=1)
    c.make.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _deactivated(c):
    user = c.make.user(role="manager")
    _token, plain = create_api_token(user, "gone")
    user.active = False
    c.make.session.commit()
    return {"Authorization": f"Bearer {plain}"}


BAD_TOKENS = {
    "none": lambda c: {},
    "not_bearer": lambda c: {"Authorization": "Basic bWFuYWdlcjpwYXNz"},
    "unknown": lambda c: {"Authorization": "Bearer pp_no-such-token"},
    "revoked": _revoked,
    "expired": _expired,
    "deactivated_user": _deactivated,
}


@pytest.mark.parametrize("op_id", SECURED)
def test_every_secured_operation_refuses_a_bad_token_with_401(c, op_id):
    method, _rule = op_key(op_id)
    body = c.valid_body(op_id) if method == "POST" else None
    for name, make_headers in BAD_TOKENS.items():
        response = c.call(None, op_id, headers=make_headers(c), json=body)
        assert response.status_code == 401, (name, response.get_json())
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert c.status(c.submitted) == "submitted"


def test_a_token_stops_working_at_once_when_its_user_is_deactivated_on_the_staff_page(c, login_as):
    helper = c.make.user(role="helper")
    headers = c.headers(helper)
    assert c.call(helper, "getMe").status_code == 200
    admin_browser, _admin = login_as("admin")
    response = admin_browser.post(f"/staff/{helper.id}/deactivate", {"reason": "调离"})
    assert response.status_code == 302
    assert c.call(None, "getMe", headers=headers).status_code == 401


def test_a_token_of_a_deactivated_portal_account_stops_at_once(c, login_as):
    from app.personnel.services import set_portal_account_active

    headers = c.headers("company_user")
    assert c.call(None, "listTickets", headers=headers).status_code == 200
    set_portal_account_active(c.w.manager, c.w.company_user, False)
    c.make.session.commit()
    assert c.call(None, "listTickets", headers=headers).status_code == 401


# ====================================================================== 400/413/415: input

@pytest.mark.parametrize("op_id", GETS)
def test_an_unknown_query_parameter_is_400_with_fields(c, op_id):
    error = c.call(caller(op_id), op_id, query="colour=red").get_json()["error"]
    assert error["fields"] == {"colour": error["fields"]["colour"]} and error["fields"]["colour"]


@pytest.mark.parametrize("op_id", sorted(set(GETS) - set(LISTS)))
def test_paging_parameters_are_unknown_where_nothing_is_paged(c, op_id):
    assert "limit" in c.call(caller(op_id), op_id, query="limit=5").get_json()["error"]["fields"]


@pytest.mark.parametrize("op_id", LISTS)
def test_list_limits_and_cursors_are_checked(c, op_id):
    for query, field in [("limit=0", "limit"), ("limit=201", "limit"), ("limit=ten", "limit"),
                         ("cursor=%25%25", "cursor"), ("cursor=LTE", "cursor")]:
        assert field in c.call(caller(op_id), op_id, query=query).get_json()["error"]["fields"], query
    assert c.call(caller(op_id), op_id, query="limit=200").status_code == 200


def test_a_nul_character_in_a_query_parameter_is_400(c):
    assert "q" in c.call("manager", "listCompanies", query="q=a%00b").get_json()["error"]["fields"]


JSON = "application/json"
BAD_BODIES = {
    "not_json": dict(data="{not json", content_type=JSON),
    "array": dict(data="[1, 2]", content_type=JSON),
    "string": dict(data='"x"', content_type=JSON),
    "empty": dict(data="", content_type=JSON),
    "nan": dict(data='{"title": NaN}', content_type=JSON),
    "huge_number": dict(data='{"title": 1e400}', content_type=JSON),
    "deep": dict(data="[" * 100_000 + "]" * 100_000, content_type=JSON),
    "bad_utf8": dict(data=b'{"title": "\xff\xfe"}', content_type=JSON),
    "nul": dict(data='{"title": "a\\u0000b", "body": "a\\u0000b", "username": "a\\u0000"}', content_type=JSON),
    "lone_surrogate": dict(data='{"title": "\\ud800", "body": "\\ud800", "name": "\\ud800"}', content_type=JSON),
}


@pytest.mark.parametrize("op_id", POSTS)
def test_malformed_json_is_400_with_fields(c, op_id):
    for kind, request_kwargs in BAD_BODIES.items():
        response = c.call(caller(op_id), op_id, **request_kwargs)
        assert response.status_code == 400 and response.get_json()["error"]["fields"], kind
    assert c.status(c.submitted) == "submitted"


@pytest.mark.parametrize("op_id", POSTS)
def test_a_body_that_is_not_json_is_415(c, op_id):
    response = c.call(caller(op_id), op_id, data={"title": "x"})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize("op_id", POSTS)
def test_a_body_over_the_size_limit_is_413(c, op_id, monkeypatch):
    monkeypatch.setitem(c.app.config, "MAX_CONTENT_LENGTH", 4096)
    body = {**c.valid_body(op_id), "padding": "x" * 8192}
    assert c.call(caller(op_id), op_id, json=body).status_code == 413


WRONG_VALUES = [{}, [], True, 2**40, -1, 0, 1.5, "²", "", " ", "x" * 6000, None, "2026-13-45"]


def _fields(op_id: str) -> list[str]:
    method, rule = op_key(op_id)
    schema = schemas()[OPERATIONS[(method, rule)].body_name]
    if "oneOf" in schema:
        names = set()
        for variant in schema["oneOf"]:
            names |= set(schemas()[variant["$ref"].rsplit("/", 1)[-1]]["properties"])
        return sorted(names)
    return sorted(schema["properties"])


@pytest.mark.parametrize("op_id", sorted(set(POSTS) - {"createToken"}))
def test_wrong_types_in_any_field_are_refused_by_field_never_500(c, op_id):
    """Each field in turn gets each wrong value; every answer is a documented one (validated), none a 500."""
    statuses = set()
    for name in _fields(op_id):
        for value in WRONG_VALUES:
            body = {**c.valid_body(op_id), name: value}
            if op_id == "performTicketAction" and name != "action":
                body["action"] = {"department_id": "dispatch", "helper_id": "dispatch", "complexity": "dispatch",
                                  "suggested_department_id": "return", "rating": "rate", "comment": "rate",
                                  "level": "supervise", "new_due": "request_extension",
                                  "approve": "decide_extension"}.get(name, body["action"])
            response = c.call(caller(op_id) if op_id != "performTicketAction" else "manager", op_id, json=body)
            statuses.add(response.status_code)
    assert 400 in statuses and 500 not in statuses, statuses


def test_wrong_types_for_a_token_request_are_400(c):
    for name in ("username", "password", "name"):
        for value in ({}, [], True, 5, None, ""):
            if name == "name" and value in (None, ""):
                continue  # the name is optional
            response = c.call(None, "createToken", json={**c.valid_body("createToken"), name: value})
            assert response.status_code == 400 and name in response.get_json()["error"]["fields"], (name, value)


# ====================================================================== each operation, each promised status

CASES: dict[tuple[str, int], object] = {}


def case(op_id: str, status: int):
    def register(fn):
        CASES[(op_id, status)] = fn
        return fn

    return register


@case("createToken", 201)
def _(c):
    response = c.call(None, "createToken", json={**c.valid_body("createToken"), "name": "热线系统"})
    body = response.get_json()
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(timezone.utc) <= timedelta(days=90)
    me = c.call(None, "getMe", headers={"Authorization": f"Bearer {body['token']}"}).get_json()
    assert me["id"] == c.w.manager.id
    stored = c.make.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == c.w.manager.id)).one()
    assert stored.name == "热线系统" and body["token"] not in stored.token_hash
    return response


@case("createToken", 400)
def _(c):
    return c.call(None, "createToken", json={"username": "x"})


@case("createToken", 401)
def _(c):
    return c.call(None, "createToken", json={"username": c.w.manager.username, "password": "wrong"})


@case("createToken", 403)
def _(c):
    # A reset password must be changed on the web before the API hands out tokens.
    user = c.make.user(role="escort", must_change_password=True)
    response = c.call(None, "createToken", json={"username": user.username, "password": PASSWORD})
    assert response.get_json()["error"]["code"] == "password_change_required"
    assert c.make.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 0
    return response


@case("getMe", 200)
def _(c):
    response = c.call("helper", "getMe")
    assert response.get_json()["department_id"] == c.w.department.id
    return response


@case("listCompanies", 200)
def _(c):
    response = c.call("escort", "listCompanies")
    assert [i["id"] for i in response.get_json()["items"]] == [c.w.company.id]
    return response


@case("listCompanies", 403)
def _(c):
    return c.call("company_user", "listCompanies")


@case("getCompany", 200)
def _(c):
    response = c.call("company_user", "getCompany")
    assert response.get_json()["escort"]["id"] == c.w.escort.id
    return response


@case("getCompany", 404)
def _(c):
    return c.call("escort", "getCompany", ids={"company_id": c.other_company.id})


@case("createCompany", 201)
def _(c):
    response = c.call("admin", "createCompany", json={**c.valid_body("createCompany"), "escort_id": c.w.escort.id})
    assert response.get_json()["escort"]["id"] == c.w.escort.id
    return response


@case("createCompany", 400)
def _(c):
    response = c.call("manager", "createCompany", json={**c.valid_body("createCompany"), "uscc": "91350100M000100Y44"})
    assert "uscc" in response.get_json()["error"]["fields"]
    return response


@case("createCompany", 403)
def _(c):
    return c.call("escort", "createCompany", json=c.valid_body("createCompany"))


@case("listDepartments", 200)
def _(c):
    response = c.call("helper", "listDepartments", query="limit=200")
    assert {c.w.department.id, c.w.other_department.id} <= {d["id"] for d in response.get_json()["items"]}
    return response


@case("listDepartments", 403)
def _(c):
    return c.call("company_user", "listDepartments")


@case("listTickets", 200)
def _(c):
    dispatched, _submitted = c.dispatched, c.submitted
    response = c.call("helper", "listTickets")
    assert [t["id"] for t in response.get_json()["items"]] == [dispatched.id]
    return response


@case("listTickets", 400)
def _(c):
    return c.call("manager", "listTickets", query="status=open")


@case("createTicket", 201)
def _(c):
    body = {**c.valid_body("createTicket"), "company_id": c.other_company.id}  # ignored: its own company
    response = c.call("company_user", "createTicket", json=body)
    body = response.get_json()
    assert (body["company_id"], body["status"], body["source"]) == (c.w.company.id, "submitted", "portal")
    return response


@case("createTicket", 400)
def _(c):
    return c.call("escort", "createTicket", json={**c.valid_body("createTicket"), "company_id": c.other_company.id})


@case("createTicket", 403)
def _(c):
    assert c.dispatched  # the helper sees the company through the problem dispatched to them
    return c.call("helper", "createTicket", json={**c.valid_body("createTicket"), "company_id": c.w.company.id})


@case("getTicket", 200)
def _(c):
    response = c.call("escort", "getTicket")
    assert response.get_json()["allowed_actions"] == ["accept", "reject"]
    return response


@case("getTicket", 404)
def _(c):
    return c.call("escort", "getTicket", ids={"ticket_id": c.outsider.id})


@case("listTicketEvents", 200)
def _(c):
    response = c.call("company_user", "listTicketEvents", ids={"ticket_id": c.dispatched.id})
    assert all(e["public"] for e in response.get_json()["items"])
    return response


@case("listTicketEvents", 404)
def _(c):
    return c.call("other_helper", "listTicketEvents", ids={"ticket_id": c.dispatched.id})


@case("listKnowledge", 200)
def _(c):
    return c.call("company_user", "listKnowledge", query="q=扣除")


@case("listSimilarTickets", 200)
def _(c):
    return c.call("manager", "listSimilarTickets", ids={"ticket_id": c.dispatched.id})


@case("listSimilarTickets", 403)
def _(c):
    return c.call("company_user", "listSimilarTickets", ids={"ticket_id": c.dispatched.id})


@case("listSimilarTickets", 404)
def _(c):
    return c.call("other_helper", "listSimilarTickets", ids={"ticket_id": c.dispatched.id})


@case("listCommonProblemSuggestions", 200)
def _(c):
    return c.call("manager", "listCommonProblemSuggestions")


@case("listCommonProblemSuggestions", 403)
def _(c):
    return c.call("helper", "listCommonProblemSuggestions")


@case("listDepartmentSuggestions", 200)
def _(c):
    return c.call("manager", "listDepartmentSuggestions", ids={"ticket_id": c.dispatched.id})


@case("listDepartmentSuggestions", 403)
def _(c):
    return c.call("escort", "listDepartmentSuggestions", ids={"ticket_id": c.dispatched.id})


@case("listDepartmentSuggestions", 404)
def _(c):
    return c.call("other_helper", "listDepartmentSuggestions", ids={"ticket_id": c.dispatched.id})


@case("addTicketComment", 201)
def _(c):
    response = c.call("helper", "addTicketComment", ids={"ticket_id": c.dispatched.id},
                      json={"body": "内部：需现场勘察。", "internal": True})
    assert response.get_json()["public"] is False
    return response


@case("addTicketComment", 400)
def _(c):
    return c.call("escort", "addTicketComment", json={"body": "   "})


@case("addTicketComment", 403)
def _(c):
    return c.call("company_user", "addTicketComment", json={"body": "悄悄话", "internal": True})


@case("addTicketComment", 404)
def _(c):
    return c.call("escort", "addTicketComment", ids={"ticket_id": c.outsider.id}, json={"body": "你好"})


@case("performTicketAction", 200)
def _(c):
    response = c.call("escort", "performTicketAction", json=c.valid_body("performTicketAction"))
    assert response.get_json()["status"] == "accepted"
    return response


@case("performTicketAction", 400)
def _(c):
    return c.call("escort", "performTicketAction", json={"action": "teleport", "version": c.version(c.submitted)})


@case("performTicketAction", 403)
def _(c):
    return c.call("escort", "performTicketAction", json={"action": "dispatch", "version": c.version(c.submitted),
                                                           "department_id": c.w.department.id})


@case("performTicketAction", 404)
def _(c):
    return c.call("other_helper", "performTicketAction", ids={"ticket_id": c.dispatched.id},
                  json={"action": "sign", "version": c.version(c.dispatched)})


@case("performTicketAction", 409)
def _(c):
    stale = c.call("escort", "performTicketAction", json={"action": "accept", "version": c.version(c.submitted) - 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    # A state that does not allow the action is a 409 too.
    return c.call("helper", "performTicketAction", ids={"ticket_id": c.dispatched.id},
                  json={"action": "reply", "version": c.version(c.dispatched), "message": "已办结"})


@case("listVisits", 200)
def _(c):
    visit, _other = c.visit, c.other_visit
    response = c.call("escort", "listVisits")
    assert [v["id"] for v in response.get_json()["items"]] == [visit.id]
    return response


@case("listVisits", 403)
def _(c):
    return c.call("helper", "listVisits")


@case("getVisit", 200)
def _(c):
    response = c.call("manager", "getVisit")
    assert len(response.get_json()["ticket_ids"]) == 1
    return response


@case("getVisit", 403)
def _(c):
    return c.call("company_user", "getVisit")


@case("getVisit", 404)
def _(c):
    return c.call("escort", "getVisit", ids={"visit_id": c.other_visit.id})


@case("createVisit", 201)
def _(c):
    response = c.call("escort", "createVisit", json={**c.valid_body("createVisit"), "problems": [problem()]})
    assert len(response.get_json()["ticket_ids"]) == 1
    return response


@case("createVisit", 400)
def _(c):
    return c.call("escort", "createVisit", json={**c.valid_body("createVisit"), "mode": "drive_by"})


@case("createVisit", 403)
def _(c):
    return c.call("manager", "createVisit", json=c.valid_body("createVisit"))


@case("createVisit", 404)
def _(c):
    return c.call("escort", "createVisit", json={**c.valid_body("createVisit"), "company_id": c.other_company.id})


for _op in ("rankEscorts", "rankDepartments", "rankTowns"):
    case(_op, 200)(lambda c, op=_op: c.call("helper", op, query="period=2026-11"))
    case(_op, 400)(lambda c, op=_op: c.call("manager", op, query="period=2026-13"))
    case(_op, 403)(lambda c, op=_op: c.call("company_user", op))


@case("listRankingPublications", 200)
def _(c):
    assert c.call("manager", "publishRanking", json=c.valid_body("publishRanking")).status_code == 201
    response = c.call("helper", "listRankingPublications", query="board=towns&period=2026-10")
    body = response.get_json()
    assert [(p["board"], p["period"], p["version"]) for p in body["items"]] == [("towns", "2026-10", 1)]
    return response


@case("listRankingPublications", 400)
def _(c):
    return c.call("manager", "listRankingPublications", query="period=2026-13")


@case("listRankingPublications", 403)
def _(c):
    return c.call("company_user", "listRankingPublications")


@case("publishRanking", 201)
def _(c):
    response = c.call("manager", "publishRanking", json=c.valid_body("publishRanking"))
    body = response.get_json()
    assert (body["board"], body["period"], body["version"], body["reason"]) == ("towns", "2026-10", 1, "")
    assert body["published_by"]["id"] == c.w.manager.id and body["formula"]
    # Again without a reason: refused; with one: version 2, and version 1 is kept.
    again = c.call("manager", "publishRanking", json=c.valid_body("publishRanking"))
    assert again.status_code == 400 and "reason" in again.get_json()["error"]["fields"]
    corrected = c.call("admin", "publishRanking", json={**c.valid_body("publishRanking"), "reason": "数据更正"})
    assert corrected.status_code == 201 and corrected.get_json()["version"] == 2
    listed = c.call("escort", "listRankingPublications", query="board=towns").get_json()["items"]
    assert [p["version"] for p in listed] == [2, 1]
    return response


@case("publishRanking", 400)
def _(c):
    return c.call("manager", "publishRanking", json={**c.valid_body("publishRanking"), "board": "cities"})


@case("publishRanking", 403)
def _(c):
    return c.call("escort", "publishRanking", json=c.valid_body("publishRanking"))


@case("publishRanking", 409)
def _(c):
    return c.call("manager", "publishRanking",
                  json={**c.valid_body("publishRanking"), "period": local_today().strftime("%Y-%m")})


@case("listWebhooks", 200)
def _(c):
    webhook = c.webhook
    response = c.call("admin", "listWebhooks")
    assert [w["id"] for w in response.get_json()["items"]] == [webhook.id]
    return response


case("listWebhooks", 403)(lambda c: c.call("manager", "listWebhooks"))


@case("createWebhook", 201)
def _(c):
    response = c.call("admin", "createWebhook", json=c.valid_body("createWebhook"))
    assert response.get_json()["events"] == ["ticket.created"]
    return response


case("createWebhook", 403)(lambda c: c.call("manager", "createWebhook", json=c.valid_body("createWebhook")))


@case("listWebhookDeliveries", 200)
def _(c):
    return c.call("admin", "listWebhookDeliveries")


case("listWebhookDeliveries", 403)(lambda c: c.call("manager", "listWebhookDeliveries"))
case("listWebhookDeliveries", 404)(lambda c: c.call("admin", "listWebhookDeliveries", ids={"webhook_id": 999999}))


@case("createCommonProblem", 201)
def _(c):
    response = c.call("manager", "createCommonProblem", json=c.valid_body("createCommonProblem"))
    body = response.get_json()
    assert body["status"] == "escalated" and body["number"].startswith("GX-") and body["version"] >= 1
    assert body["ticket_ids"] == [t.id for t in c.joinable[:2]] and "dispatch" in body["allowed_actions"]
    return response


case("createCommonProblem", 403)(lambda c: c.call("escort", "createCommonProblem",
                                                  json=c.valid_body("createCommonProblem")))


@case("getCommonProblem", 200)
def _(c):
    response = c.call("escort", "getCommonProblem")  # the escort of the members' company: read-only
    body = response.get_json()
    assert len(body["ticket_ids"]) == 2 and body["allowed_actions"] == []
    return response


case("getCommonProblem", 403)(lambda c: c.call("company_user", "getCommonProblem"))
case("getCommonProblem", 404)(lambda c: c.call("other_escort", "getCommonProblem"))


@case("addCommonProblemMembers", 200)
def _(c):
    response = c.call("manager", "addCommonProblemMembers", json=c.valid_body("addCommonProblemMembers"))
    assert c.joinable[2].id in response.get_json()["ticket_ids"]
    assert c.status(c.joinable[2]) == "escalated"
    return response


case("addCommonProblemMembers", 403)(lambda c: c.call("escort", "addCommonProblemMembers",
                                                      json=c.valid_body("addCommonProblemMembers")))
case("addCommonProblemMembers", 404)(lambda c: c.call("other_helper", "addCommonProblemMembers",
                                                      json=c.valid_body("addCommonProblemMembers")))


@case("addCommonProblemMembers", 409)
def _(c):
    for who, action, extra in (("manager", "dispatch", {"department_id": c.w.department.id}), ("helper", "sign", {}),
                               ("helper", "reply", {"message": "已统一答复。"})):
        assert c.call(who, "performCommonProblemAction",
                      json={"action": action, "version": c.common_version(), **extra}).status_code == 200
    return c.call("manager", "addCommonProblemMembers", json=c.valid_body("addCommonProblemMembers"))


@case("performCommonProblemAction", 200)
def _(c):
    response = c.call("manager", "performCommonProblemAction", json=c.valid_body("performCommonProblemAction"))
    body = response.get_json()
    assert body["status"] == "dispatched" and body["department_id"] == c.w.department.id
    assert {m["status"] for m in body["members"]} == {"dispatched"}
    return response


case("performCommonProblemAction", 403)(lambda c: c.call("escort", "performCommonProblemAction",
                                                         json=c.valid_body("performCommonProblemAction")))
case("performCommonProblemAction", 404)(lambda c: c.call("other_helper", "performCommonProblemAction",
                                                         json=c.valid_body("performCommonProblemAction")))


@case("performCommonProblemAction", 409)
def _(c):
    stale = c.common_version() - 1 if c.common_version() > 1 else c.common_version() + 1
    response = c.call("manager", "performCommonProblemAction",
                      json={**c.valid_body("performCommonProblemAction"), "version": stale})
    assert response.get_json()["error"]["code"] == "stale_version"
    return response


@case("getOpenApi", 200)
def _(c):
    return c.call(None, "getOpenApi")


@case("getDocs", 200)
def _(c):
    return c.call(None, "getDocs")


@case("addTicketTag", 201)
def _(c):
    response = c.call("escort", "addTicketTag", json={"name": " ＡＢＣ  用工 "})
    assert response.get_json() == {"ticket_id": c.submitted.id, "tags": ["abc 用工"]}
    again = c.call("helper", "addTicketTag", ids={"ticket_id": c.dispatched.id}, json={"name": "招工"})
    assert again.status_code == 201 and again.get_json()["tags"] == ["招工"]
    # The ticket JSON carries them, the list filters by them (staff); a company sees none and may not filter.
    assert c.call("manager", "getTicket").get_json()["tags"] == ["abc 用工"]
    listed = c.call("manager", "listTickets", query="tag=ABC 用工").get_json()["items"]
    assert [(t["id"], t["tags"]) for t in listed] == [(c.submitted.id, ["abc 用工"])]
    assert c.call("company_user", "getTicket").get_json()["tags"] == []
    refused = c.call("company_user", "listTickets", query="tag=abc 用工")
    assert refused.status_code == 400 and "tag" in refused.get_json()["error"]["fields"]
    return response


@case("addTicketTag", 400)
def _(c):
    response = c.call("manager", "addTicketTag", json={"name": "用工，融资"})
    assert "name" in response.get_json()["error"]["fields"]
    return response


@case("addTicketTag", 403)
def _(c):
    return c.call("company_user", "addTicketTag", json={"name": "企业加的"})


@case("addTicketTag", 404)
def _(c):
    return c.call("other_helper", "addTicketTag", ids={"ticket_id": c.dispatched.id}, json={"name": "外部门"})


@case("addTicketTag", 409)
def _(c):
    for i in range(10):
        assert c.call("manager", "addTicketTag", json={"name": f"标签{i}"}).status_code == 201
    return c.call("manager", "addTicketTag", json={"name": "再一个"})


@case("removeTicketTag", 200)
def _(c):
    c.call("manager", "addTicketTag", json={"name": "用工"})
    c.call("manager", "addTicketTag", json={"name": "融资"})
    response = c.call("escort", "removeTicketTag", query="name=用工")
    assert response.get_json()["tags"] == ["融资"]
    return response


@case("removeTicketTag", 400)
def _(c):
    return c.call("manager", "removeTicketTag", query="name=%20")


@case("removeTicketTag", 403)
def _(c):
    c.call("manager", "addTicketTag", json={"name": "用工"})
    response = c.call("company_user", "removeTicketTag", query="name=用工")
    assert c.call("manager", "getTicket").get_json()["tags"] == ["用工"]
    return response


@case("removeTicketTag", 404)
def _(c):
    return c.call("manager", "removeTicketTag", query="name=没有")


@case("listSavedViews", 200)
def _(c):
    view = c.saved_view
    mine = c.call("escort", "createSavedView", json={"name": "我的", "query": "q=用电"}).get_json()
    response = c.call("manager", "listSavedViews")
    assert [(v["id"], v["name"], v["query"]) for v in response.get_json()["items"]] == [
        (view.id, "待交办", "status=escalated")]  # never another person's
    assert [v["id"] for v in c.call("escort", "listSavedViews").get_json()["items"]] == [mine["id"]]
    return response


case("listSavedViews", 403)(lambda c: c.call("company_user", "listSavedViews"))


@case("createSavedView", 201)
def _(c):
    response = c.call("helper", "createSavedView", json={"name": " 超期 ", "query": "?overdue=y&colour=red&after=x&q="})
    body = response.get_json()
    assert (body["name"], body["query"], body["url"]) == ("超期", "overdue=y", "/tickets/?overdue=y")
    return response


@case("createSavedView", 400)
def _(c):
    c.call("manager", "createSavedView", json={"name": "待交办"})
    response = c.call("manager", "createSavedView", json={"name": "待交办", "query": "status=closed"})
    assert "name" in response.get_json()["error"]["fields"]
    return response


case("createSavedView", 403)(lambda c: c.call("company_user", "createSavedView", json=c.valid_body("createSavedView")))


@case("renameSavedView", 200)
def _(c):
    response = c.call("manager", "renameSavedView", json={"name": "交办中"})
    assert response.get_json()["name"] == "交办中"
    return response


@case("renameSavedView", 400)
def _(c):
    return c.call("manager", "renameSavedView", json={"name": ""})


case("renameSavedView", 403)(lambda c: c.call("company_user", "renameSavedView", json={"name": "企业"}))
case("renameSavedView", 404)(lambda c: c.call("admin", "renameSavedView", json={"name": "别人的"}))  # the manager's
@case("renameSavedView", 413)
def _(c):
    view_id, limit = c.saved_view.id, c.app.config["MAX_CONTENT_LENGTH"]
    c.app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        return c.call("manager", "renameSavedView", ids={"saved_view_id": view_id},
                      json={"name": "超期", "padding": "x" * 8192})
    finally:
        c.app.config["MAX_CONTENT_LENGTH"] = limit
case("renameSavedView", 415)(lambda c: c.call("manager", "renameSavedView", data={"name": "x"}))


@case("deleteSavedView", 200)
def _(c):
    view = c.saved_view
    other = c.call("manager", "createSavedView", json={"name": "超期", "query": "overdue=y"}).get_json()
    response = c.call("manager", "deleteSavedView", ids={"saved_view_id": view.id})
    assert [v["id"] for v in response.get_json()["items"]] == [other["id"]]
    return response


case("deleteSavedView", 400)(lambda c: c.call("manager", "deleteSavedView", query="colour=red"))
case("deleteSavedView", 403)(lambda c: c.call("company_user", "deleteSavedView"))


@case("deleteSavedView", 404)
def _(c):
    response = c.call("escort", "deleteSavedView")  # the manager's view
    assert [v["name"] for v in c.call("manager", "listSavedViews").get_json()["items"]] == ["待交办"]
    return response


@pytest.mark.parametrize("op_id, status", sorted(CASES), ids=[f"{o}-{s}" for o, s in sorted(CASES)])
def test_each_operation_answers_each_promised_status(c, op_id, status):
    response = CASES[(op_id, status)](c)
    assert response.status_code == status, response.get_data(as_text=True)[:500]


def test_429_when_token_requests_exceed_the_login_limit(spec):
    """TestingConfig switches the limiter off; a separate app switches it on (the limiter is shared: restored)."""
    enabled = limiter.enabled
    try:
        limited = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_ENABLED=True,
                             LOGIN_RATE_LIMIT="2 per minute")
        with limited.app_context():
            import flask_migrate

            flask_migrate.upgrade(revision="heads")
        client = limited.test_client()
        # Only failed sign-ins count (a malformed request is a 400 and does not).
        responses = [client.post(f"{API}/tokens", json=body)
                     for body in ({"username": "somebody"}, *[{"username": "somebody", "password": "wrong"}] * 3)]
        assert [r.status_code for r in responses] == [400, 401, 401, 429]
        conforms(spec, "createToken", responses[-1])
        assert responses[-1].get_json()["error"]["code"] == "too_many_requests"
    finally:
        limiter.enabled = enabled
        limiter.reset()


# Statuses proven by the generic tests above, for every operation they apply to.
GENERIC = (
    {(op, 401) for op in SECURED}
    | {(op, 400) for op in GETS} | {(op, 400) for op in POSTS}
    | {(op, 415) for op in POSTS} | {(op, 413) for op in POSTS}
    | {("createToken", 429)}
)


def test_every_promised_status_has_a_contract_test():
    promised = {(op["operationId"], int(status))
                for item in document()["paths"].values() for op in item.values() for status in op["responses"]}
    untested = promised - set(CASES) - GENERIC
    assert not untested, sorted(untested)
    assert not set(CASES) - promised, "a case for a status the document does not promise"


# ====================================================================== scoping: the pages' access matrix

WHO = ("admin", "manager", "escort", "other_escort", "helper", "other_helper", "company_user", "other_company_user")
#          admin manager escort other_e helper other_h company other_c
MATRIX = {
    "own_company":      (200, 200, 200, 404, 200, 404, 200, 404),
    "other_company":    (200, 200, 404, 200, 404, 404, 404, 200),
    "submitted":        (200, 200, 200, 404, 404, 404, 200, 404),
    "dispatched":       (200, 200, 200, 404, 200, 404, 200, 404),
    "outsider":         (200, 200, 404, 200, 404, 404, 404, 200),
    "own_visit":        (200, 200, 200, 404, 403, 403, 403, 403),
    "other_visit":      (200, 200, 404, 200, 403, 403, 403, 403),
}


def _targets(c):
    return {
        "own_company": ("getCompany", {"company_id": c.w.company.id}),
        "other_company": ("getCompany", {"company_id": c.other_company.id}),
        "submitted": ("getTicket", {"ticket_id": c.submitted.id}),
        "dispatched": ("getTicket", {"ticket_id": c.dispatched.id}),
        "outsider": ("getTicket", {"ticket_id": c.outsider.id}),
        "own_visit": ("getVisit", {"visit_id": c.visit.id}),
        "other_visit": ("getVisit", {"visit_id": c.other_visit.id}),
    }


@pytest.mark.parametrize("who", WHO)
def test_scoping_per_role_matches_the_pages(c, who):
    targets = _targets(c)
    for target, statuses in MATRIX.items():
        op_id, ids = targets[target]
        expected = statuses[WHO.index(who)]
        assert c.call(who, op_id, ids=ids).status_code == expected, (who, target)
        if op_id == "getTicket":
            events = c.call(who, "listTicketEvents", ids=ids).status_code
            assert events == expected, (who, target, "events")
            comment = c.call(who, "addTicketComment", ids=ids, json={"body": "范围检查"}).status_code
            assert comment == (201 if expected == 200 else expected), (who, target, "comment")
    # Lists hold exactly what the detail shows.
    tickets = {t["id"] for t in c.call(who, "listTickets", query="limit=200").get_json()["items"]}
    seen = {targets[t][1]["ticket_id"] for t in ("submitted", "dispatched", "outsider")
            if MATRIX[t][WHO.index(who)] == 200}
    assert tickets & {c.submitted.id, c.dispatched.id, c.outsider.id} == seen
    companies = c.call(who, "listCompanies", query="limit=200")
    if who in ("company_user", "other_company_user"):
        assert companies.status_code == 403
    else:
        listed = {i["id"] for i in companies.get_json()["items"]}
        expected = {targets[t][1]["company_id"] for t in ("own_company", "other_company")
                    if MATRIX[t][WHO.index(who)] == 200}
        assert listed & {c.w.company.id, c.other_company.id} == expected
    visits = c.call(who, "listVisits", query="limit=200")
    if MATRIX["own_visit"][WHO.index(who)] == 403:
        assert visits.status_code == 403
    else:
        listed = {v["id"] for v in visits.get_json()["items"]}
        expected = {targets[t][1]["visit_id"] for t in ("own_visit", "other_visit") if MATRIX[t][WHO.index(who)] == 200}
        assert listed & {c.visit.id, c.other_visit.id} == expected


# ====================================================================== cursor pages on every list

@pytest.mark.parametrize("op_id", LISTS)
def test_every_list_pages_with_a_stable_order_and_no_gaps(c, op_id):
    if op_id.startswith("listWebhook"):  # three subscriptions; the first hears of the three new problems
        for _i in range(2):
            c.call("admin", "createWebhook", json=c.valid_body("createWebhook"))
    ids = {"ticket_id": c.submitted.id, "webhook_id": c.webhook.id}
    for i in range(3):
        c.make.department()
        c.make.company()
        c.w.new_ticket()
        log_visit(c.make.session, c.w.escort, c.w.company, on=local_today() - timedelta(days=i + 1))
        c.call("escort", "addTicketComment", json={"body": f"第{i + 1}条留言"})
        c.make.session.add(KnowledgeEntry(title=f"政策问答{i + 1}", question="问题", answer="答复", category="policy"))
        c.make.session.commit()
    everything = [item["id"] for item in c.call("admin", op_id, ids=ids, query="limit=200").get_json()["items"]]
    assert len(everything) >= 3 and everything == sorted(everything)
    paged, cursor = [], None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = c.call("admin", op_id, ids=ids, query=query).get_json()
        assert len(body["items"]) <= 2
        paged += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == everything


# ====================================================================== the whole loop, from the document alone

def test_an_integrator_with_only_the_document_files_a_problem_follows_it_to_closure_and_reads_rankings(c):
    """Paths, methods and field names come from the served document (by operationId), nothing else."""
    client = c.app.test_client()
    doc = client.get(f"{API}/openapi.json").get_json()
    ops = {op["operationId"]: (method.upper(), path)
           for path, item in doc["paths"].items() for method, op in item.items()}

    def call(op_id, token=None, body=None, query="", **params):
        method, path = ops[op_id]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(path.format(**params) + query, method=method, headers=headers, json=body)
        conforms(c.spec, op_id, response)
        assert response.status_code < 400, (op_id, response.get_json())
        return response.get_json()

    def token(user):
        required = doc["components"]["schemas"]["TokenRequest"]["required"]
        return call("createToken", body=dict(zip(required, (user.username, PASSWORD), strict=True)))["token"]

    manager, helper, company_user = token(c.w.manager), token(c.w.helper), token(c.w.company_user)
    company = next(i for i in call("listCompanies", manager, query="?q=" + c.w.company.name)["items"])
    department = next(d for d in call("listDepartments", manager, query="?limit=200")["items"]
                      if d["id"] == c.w.department.id)
    ticket = call("createTicket", manager, {"company_id": company["id"], "title": "物流园区道路破损",
                                            "description": "货车进出困难，影响发货。", "category": "logistics"})
    steps = [(manager, "dispatch", {"department_id": department["id"]}), (helper, "sign", {}),
             (helper, "reply", {"message": "已协调交通部门本月内修复。"}),
             (company_user, "rate", {"rating": "satisfied"})]
    for who, action, fields in steps:
        current = call("getTicket", who, ticket_id=ticket["id"])
        assert action in current["allowed_actions"], (action, current["allowed_actions"])
        ticket = call("performTicketAction", who, {"action": action, "version": current["version"], **fields},
                      ticket_id=ticket["id"])
    assert ticket["status"] == "closed" and ticket["rating"] == "satisfied"
    kinds = [e["kind"] for e in call("listTicketEvents", company_user, ticket_id=ticket["id"])["items"]]
    assert kinds[0] == "submit" and kinds[-1] == "rate"
    board = call("rankEscorts", manager, query=f"?period={local_today():%Y-%m}")
    assert isinstance(board["items"], list) and board["period"] == f"{local_today():%Y-%m}"


# ====================================================================== tokens on the profile page

def format_local(moment) -> str:
    from app.core.timeutil import to_local

    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def test_profile_creates_a_token_with_a_chosen_expiry_shown_once(c, login_as, db_session):
    b, user = login_as("escort")
    page = b.post("/auth/profile", {"name": "热线对接", "days": "30"}).get_data(as_text=True)
    plain = page.split('id="new-token">', 1)[1].split("<", 1)[0]
    token = db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert token.name == "热线对接"
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    assert c.call(None, "getMe", headers={"Authorization": f"Bearer {plain}"}).get_json()["id"] == user.id
    again = b.get("/auth/profile").get_data(as_text=True)
    assert plain not in again
    row = next(r for r in again.split("<tr>") if "热线对接" in r)
    db_session.expire_all()
    used = db_session.get(ApiToken, token.id)
    # Name, created, expiry, last used (now that it was used) and status, each on the row.
    for moment in (used.created_at, used.expires_at, used.last_used_at):
        assert format_local(moment) in row
    assert "有效" in row and "—" not in row


def test_profile_refuses_an_expiry_not_offered(login_as, db_session):
    b, user = login_as("manager")
    response = b.post("/auth/profile", {"name": "永久令牌", "days": "36500"})
    assert response.status_code == 200 and 'id="new-token"' not in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 0


def test_profile_lists_revoked_and_expired_tokens_and_revoking_stops_the_token(c, login_as, db_session):
    b, user = login_as("helper")
    old, _ = create_api_token(user, "旧令牌")
    old.expires_at = utcnow() - timedelta(days=1)
    live, plain = create_api_token(user, "在用令牌")
    db_session.commit()
    page = b.get("/auth/profile").get_data(as_text=True)
    assert "已过期" in page and "在用令牌" in page
    assert f"/auth/tokens/{old.id}/revoke" not in page  # nothing to revoke on an expired token
    headers = {"Authorization": f"Bearer {plain}"}
    assert c.call(None, "getMe", headers=headers).status_code == 200
    assert b.post(f"/auth/tokens/{live.id}/revoke", form_page="/auth/profile").status_code == 302
    assert c.call(None, "getMe", headers=headers).status_code == 401
    page = b.get("/auth/profile").get_data(as_text=True)
    assert "已吊销" in page and f"/auth/tokens/{live.id}/revoke" not in page


def test_one_cannot_revoke_another_users_token(c, login_as, db_session):
    b, _user = login_as("manager")
    token, plain = create_api_token(c.w.escort, "别人的")
    db_session.commit()
    assert b.post(f"/auth/tokens/{token.id}/revoke", form_page="/auth/profile").status_code == 404
    assert c.call(None, "getMe", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
