"""Access control, proven exhaustively: every route × every role × own/other object → expected outcome.

The table below has one entry per endpoint of `app.url_map`; a route added without an entry (or
an entry left for a route that is gone) fails `test_every_route_has_an_entry`. For each rule the
test fills the URL with the signed-in user's own objects (side A) and with someone else's
(side B) and checks the outcome:

- GET: the status (200, 302 to the sign-in page or elsewhere, 401 for the API, 403, 404) and, for
  every page an escort, helper or company user may open, that nothing of side B (and, for a
  company user, nothing internal) is in it — lists, searches, exports and the API included.
- POST: anonymous → sign-in page (401 for the API); a role that may not → 403/404 with the
  database unchanged. (Allowed POSTs change data; the feature tests cover them.)

Roles: anonymous, admin, manager, escort (side A's), helper (side A's department), company (side
A's portal user). Side A's ticket is dispatched to A's department, so A's helper serves it.
"""
import io
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from tests.security.conftest import (
    A_INTERNAL_FILE, A_INTERNAL_NOTE, B_ATTACHMENT, B_COMPANY, B_COMPANY_USER, B_TICKET_TITLE, B_VISIT_SUMMARY, ROLES,
)

LOGIN = "302→login"  # redirected to the sign-in page
REDIR = "302"  # redirected somewhere else (a role's own landing page)
ALLOWED = "allowed"  # a POST this role may make: not sent (it would change data)
OPEN = {role: ALLOWED for role in ROLES}  # a POST anyone may make (sign in, language)

ANON_ONLY_OK = {"anonymous": 200}


def expect(*, anonymous=LOGIN, default=None, **roles) -> dict:
    """Expected outcome per role; a value is one outcome or (own object, other object)."""
    table = {"anonymous": anonymous}
    for role in ROLES[1:]:
        table[role] = roles.get(role, default)
        assert table[role] is not None, role
    return table


def everyone(value, anonymous=LOGIN) -> dict:
    return expect(anonymous=anonymous, default=value)


STAFF = expect(default=200, company=403)
MANAGERS = expect(admin=200, manager=200, default=403)
ADMIN = expect(admin=200, default=403)
ESCORT_DESK = expect(admin=200, manager=200, escort=200, default=403)  # visits: escorts and managers

API_ALL = everyone(200, anonymous=401)
API_STAFF = expect(anonymous=401, default=200, company=403)

# Object pages whose scope follows the problem / company / visit.
TICKET_PAGE = expect(admin=200, manager=200, escort=(200, 404), helper=(200, 404), company=(403, 404))
TICKET_POST = expect(admin=ALLOWED, manager=ALLOWED, escort=(ALLOWED, 404), helper=(ALLOWED, 404),
                     company=(403, 404))
PORTAL_PAGE = expect(default=403, company=(200, 404))
PORTAL_POST = expect(default=403, company=(ALLOWED, 404))
COMPANY_PAGE = expect(admin=200, manager=200, escort=(200, 404), helper=(200, 404), company=(200, 404))
COMPANY_MANAGE = expect(admin=200, manager=200, escort=(403, 404), helper=(403, 404), company=(403, 404))
PORTAL_ACCOUNT_POST = expect(admin=ALLOWED, manager=ALLOWED, escort=(ALLOWED, 404), helper=(403, 404),
                             company=(403, 404))
VISIT_PAGE = expect(admin=200, manager=200, escort=(200, 404), helper=404, company=404)
API_TICKET = expect(anonymous=401, admin=200, manager=200, escort=(200, 404), helper=(200, 404),
                    company=(200, 404))
API_TICKET_POST = expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, escort=(ALLOWED, 404),
                         helper=(ALLOWED, 404), company=(ALLOWED, 404))
OWN_ONLY_POST = expect(default=(ALLOWED, 404))  # one's own notification or token
COMMON_PAGE = expect(admin=200, manager=200, escort=(200, 404), helper=(200, 404), company=403)
COMMON_MANAGE = expect(admin=ALLOWED, manager=ALLOWED, escort=(403, 404), helper=(403, 404), company=403)
COMMON_API_PAGE = expect(anonymous=401, admin=200, manager=200, escort=(200, 404), helper=(200, 404), company=403)
COMMON_API_MANAGE = expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, escort=(403, 404), helper=(403, 404),
                           company=403)
OWN_VIEW_POST = expect(default=(ALLOWED, 404), company=403)  # one's own saved view of the (staff) problem list
API_TAG_POST = expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, escort=(ALLOWED, 404), helper=(ALLOWED, 404),
                      company=(403, 404))


class Entry:
    def __init__(self, get=None, post=None, params=None, body=None):
        self.get = get
        self.post = post
        self.params = params or {}  # argument → {"own": …, "other": …} name in world.ids, or a constant
        self.body = body  # JSON body for an API POST (callable world, side → dict)


def _portal_user(side):
    return f"company_user:{side}"


TABLE: dict[str, Entry] = {
    # --- public and per-user --------------------------------------------------------------
    "static": Entry(get=everyone(200, anonymous=200), params={"filename": "css/app.css"}),
    "bootstrap.static": Entry(get=everyone(200, anonymous=200),
                              params={"filename": "css/bootstrap.min.css"}),
    "home.healthz": Entry(get=everyone(200, anonymous=200)),
    "home.readyz": Entry(get=everyone(200, anonymous=200)),
    "home.index": Entry(get=everyone(REDIR)),
    "home.set_language": Entry(post=OPEN),
    "accounts.login": Entry(get=everyone(REDIR, anonymous=200), post=OPEN),
    "accounts.logout": Entry(post=everyone(ALLOWED)),
    "accounts.change_password": Entry(get=everyone(200)),
    "accounts.profile": Entry(get=everyone(200)),
    "accounts.revoke_token": Entry(post=OWN_ONLY_POST),
    "notify.inbox": Entry(get=everyone(200)),
    "notify.mark_read": Entry(post=OWN_ONLY_POST),
    "notify.mark_all_read": Entry(post=everyone(ALLOWED)),
    "monitoring.dashboard": Entry(get=MANAGERS),
    "monitoring.home": Entry(get=expect(default=REDIR, escort=200, helper=200)),
    "audit.index": Entry(get=ADMIN),
    "notify.my_preferences": Entry(get=everyone(200), post=everyone(ALLOWED)),
    "notify.admin_index": Entry(get=ADMIN),
    "notify.robot_create": Entry(post=expect(admin=ALLOWED, default=403)),
    "notify.robot_delete": Entry(post=expect(admin=ALLOWED, default=403), params={"robot_id": "robot"}),
    "notify.webhook_create": Entry(post=expect(admin=ALLOWED, default=403)),
    "notify.webhook_delete": Entry(post=expect(admin=ALLOWED, default=403), params={"webhook_id": "webhook"}),
    "notify.webhook_deliveries": Entry(get=ADMIN, params={"webhook_id": "webhook"}),
    # --- companies ---------------------------------------------------------------------------
    "companies.index": Entry(get=STAFF),
    "companies.detail": Entry(get=COMPANY_PAGE),
    "companies.edit": Entry(get=COMPANY_MANAGE),
    "companies.create": Entry(get=MANAGERS),
    "companies.update_goal": Entry(post=PORTAL_ACCOUNT_POST),
    "companies.create_portal_account": Entry(post=PORTAL_ACCOUNT_POST),
    "companies.reset_portal_password": Entry(post=PORTAL_ACCOUNT_POST, params={"user_id": _portal_user}),
    "companies.set_portal_account_active": Entry(post=PORTAL_ACCOUNT_POST, params={"user_id": _portal_user}),
    "companies.export_xlsx": Entry(get=STAFF),
    "companies.import_upload": Entry(get=MANAGERS),
    "companies.import_template": Entry(get=MANAGERS),
    # --- problems (staff pages and the company portal) ----------------------------------------
    "tickets.index": Entry(get=STAFF),
    "tickets.create": Entry(get=STAFF),
    "common_problems.index": Entry(get=STAFF),
    "common_problems.create": Entry(get=MANAGERS),
    "common_problems.detail": Entry(get=COMMON_PAGE),
    "common_problems.act": Entry(post=COMMON_MANAGE, params={"action": "supervise"}),
    "common_problems.add_members": Entry(post=COMMON_MANAGE),
    "common_problems.remove_member": Entry(post=COMMON_MANAGE),
    "tickets.detail": Entry(get=TICKET_PAGE),
    "tickets.act": Entry(post=TICKET_POST, params={"action": "accept"}),
    "tickets.comment": Entry(post=TICKET_POST),
    "tickets.upload": Entry(post=TICKET_POST),
    "tickets.download": Entry(get=TICKET_PAGE),
    "tickets.export_xlsx": Entry(get=STAFF),
    "tickets.tag_list": Entry(get=STAFF),
    "tickets.saved_view_list": Entry(get=STAFF),
    "tickets.save_view": Entry(post=expect(default=ALLOWED, company=403)),
    "tickets.rename_saved_view": Entry(post=OWN_VIEW_POST),
    "tickets.delete_saved_view": Entry(post=OWN_VIEW_POST),
    "tickets.bulk_action": Entry(post=expect(admin=ALLOWED, manager=ALLOWED, default=403)),
    "tickets.add_tag": Entry(post=TICKET_POST),
    "tickets.remove_tag": Entry(post=TICKET_POST),
    # --- 政策问答 and reply templates ----------------------------------------------------------
    "knowledge.index": Entry(get=everyone(200)),
    "knowledge.detail": Entry(get=everyone(200), params={"entry_id": "knowledge"}),
    "knowledge.suggest": Entry(get=everyone(200)),
    # the world's problems are not answered yet: nobody may publish them
    "knowledge.publish": Entry(get=expect(admin=403, manager=403, escort=(403, 404), helper=(403, 404),
                                          company=(403, 404)),
                               post=expect(admin=403, manager=403, escort=(403, 404), helper=(403, 404),
                                           company=(403, 404))),
    "knowledge.withdraw": Entry(post=expect(admin=ALLOWED, manager=ALLOWED, helper=ALLOWED, escort=403,
                                            company=403), params={"entry_id": "knowledge"}),
    "knowledge.templates": Entry(get=expect(admin=200, manager=200, helper=200, escort=403, company=403),
                                 post=expect(admin=ALLOWED, manager=ALLOWED, helper=ALLOWED, escort=403,
                                             company=403)),
    "knowledge.delete_template": Entry(post=expect(admin=ALLOWED, manager=ALLOWED, helper=(ALLOWED, 404),
                                                   escort=403, company=403),
                                       params={"template_id": lambda letter: f"template:{letter}"}),
    "portal.home": Entry(get=expect(default=403, company=200)),
    "portal.new_problem": Entry(get=expect(default=403, company=200)),
    "portal.problem": Entry(get=PORTAL_PAGE),
    "portal.act": Entry(post=PORTAL_POST, params={"action": "withdraw"}),
    "portal.comment": Entry(post=PORTAL_POST),
    "portal.download": Entry(get=PORTAL_PAGE),
    # --- visits ------------------------------------------------------------------------------
    "visits.index": Entry(get=ESCORT_DESK),
    "visits.unvisited": Entry(get=ESCORT_DESK),
    "visits.export_xlsx": Entry(get=ESCORT_DESK),
    "visits.create": Entry(get=expect(default=403, escort=200)),
    "visits.detail": Entry(get=VISIT_PAGE),
    "visits.photo": Entry(get=VISIT_PAGE),
    # --- rankings ----------------------------------------------------------------------------
    "rankings.index": Entry(get=STAFF),
    "rankings.export": Entry(get=STAFF),
    "rankings.weights": Entry(get=MANAGERS),  # the task force sets the weights (DESIGN)
    "rankings.publish": Entry(post=expect(admin=ALLOWED, manager=ALLOWED, default=403)),
    "rankings.history": Entry(get=STAFF, params={"board": "towns", "subject_id": "town"}),
    # Without a period the download goes back to the board with a message; others may not download.
    "rankings.bulletin": Entry(get=expect(admin=REDIR, manager=REDIR, default=403)),
    # --- people ------------------------------------------------------------------------------
    "personnel.index": Entry(get=MANAGERS),
    "personnel.workload": Entry(get=MANAGERS),
    "personnel.reassign": Entry(get=MANAGERS),
    "personnel.create": Entry(get=MANAGERS),
    "personnel.detail": Entry(get=MANAGERS),
    "personnel.edit": Entry(get=MANAGERS),
    "personnel.deactivate": Entry(get=MANAGERS),
    "personnel.reset_password": Entry(get=MANAGERS),
    "personnel.reactivate": Entry(post=expect(admin=ALLOWED, manager=ALLOWED, default=403)),
    # --- administration ----------------------------------------------------------------------
    "reference.index": Entry(get=ADMIN, params={"kind": "towns"}),
    "reference.edit": Entry(get=ADMIN, params={"kind": "towns", "obj_id": "town"}),
    "settings.index": Entry(get=expect(admin=REDIR, manager=REDIR, default=403)),
    "settings.calendar": Entry(get=MANAGERS),
    "settings.override_edit": Entry(get=ADMIN, params={"override_id": "override"}),
    "settings.override_delete": Entry(post=expect(admin=ALLOWED, default=403), params={"override_id": "override"}),
    "settings.override_bulk": Entry(get=ADMIN),
    "settings.sla": Entry(get=ADMIN),
    "settings.goal_targets": Entry(get=ADMIN),
    # --- JSON API (bearer tokens; a browser session is no credential) -------------------------
    "api.create_token": Entry(post=OPEN),
    "api.openapi_document": Entry(get=everyone(200, anonymous=200)),  # the API's description is public
    "api.reference_page": Entry(get=everyone(200, anonymous=200)),
    "api.me": Entry(get=API_ALL),
    "api.list_companies": Entry(get=API_STAFF),
    "api.get_company": Entry(get=expect(anonymous=401, admin=200, manager=200, escort=(200, 404),
                                        helper=(200, 404), company=(200, 404))),
    "api.create_company": Entry(post=expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, default=403),
                                body=lambda w, side: {"name": "不该建成的企业"}),
    "api.list_departments": Entry(get=API_STAFF),
    "api.rankings_escorts": Entry(get=API_STAFF),
    "api.rankings_departments": Entry(get=API_STAFF),
    "api.rankings_towns": Entry(get=API_STAFF),
    "api.list_ranking_publications": Entry(get=API_STAFF),
    "api.publish_ranking": Entry(post=expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, default=403),
                                 body=lambda w, side: {"board": "towns", "period": "2026-10"}),
    "api.list_tickets": Entry(get=API_ALL),
    "api.get_ticket": Entry(get=API_TICKET),
    "api.list_ticket_events": Entry(get=API_TICKET),
    "api.list_knowledge": Entry(get=API_ALL),
    "api.list_similar_tickets": Entry(get=expect(anonymous=401, admin=200, manager=200, escort=(200, 404),
                                                 helper=(200, 404), company=(403, 404))),
    "api.list_department_suggestions": Entry(get=expect(anonymous=401, admin=200, manager=200, escort=(403, 404),
                                                        helper=(403, 404), company=(403, 404))),
    "api.list_common_problem_suggestions": Entry(get=expect(anonymous=401, admin=200, manager=200, default=403)),
    # 共性问题: staff in scope see it (an escort through their companies' member problems, a helper once dispatched
    # to their department), companies never; only managers and admins create it or change its members.
    "api.create_common_problem": Entry(
        post=expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, default=403),
        body=lambda w, side: {"title": "越权合并", "ticket_ids": [w.ids[f"ticket:{side}"]]}),
    "api.get_common_problem": Entry(get=COMMON_API_PAGE),
    "api.add_common_problem_members": Entry(post=COMMON_API_MANAGE,
                                            body=lambda w, side: {"ticket_ids": [w.ids[f"ticket:{side}"]]}),
    "api.perform_common_problem_action": Entry(
        post=COMMON_API_MANAGE, body=lambda w, side: {"action": "supervise", "version": 1, "level": "remind"}),
    "api.create_ticket": Entry(
        # Out of scope is "no such company" (400, by field); a helper files for nobody (403).
        post=expect(anonymous=401, admin=ALLOWED, manager=ALLOWED, escort=(ALLOWED, 400), helper=(403, 400),
                    company=ALLOWED),
        body=lambda w, side: {"company_id": w.ids[f"company:{side}"], "title": "越权提交", "description": "x",
                              "category": "other", "urgency": "ordinary", "source": "hotline"}),
    "api.perform_ticket_action": Entry(post=API_TICKET_POST, body=lambda w, side: {"action": "accept", "version": 1}),
    "api.add_ticket_comment": Entry(post=API_TICKET_POST, body=lambda w, side: {"body": "越权留言"}),
    "api.add_ticket_tag": Entry(post=API_TAG_POST, body=lambda w, side: {"name": "越权标签"}),
    "api.remove_ticket_tag": Entry(post=API_TAG_POST),  # DELETE ?name=
    "api.list_saved_views": Entry(get=API_STAFF),
    "api.create_saved_view": Entry(post=expect(anonymous=401, default=ALLOWED, company=403),
                                   body=lambda w, side: {"name": "越权视图"}),
    "api.rename_saved_view": Entry(post=expect(anonymous=401, default=(ALLOWED, 404), company=403),
                                   body=lambda w, side: {"name": "越权改名"}),  # PATCH
    "api.delete_saved_view": Entry(post=expect(anonymous=401, default=(ALLOWED, 404), company=403)),  # DELETE
    "api.list_visits": Entry(get=expect(anonymous=401, admin=200, manager=200, escort=200, default=403)),
    "api.list_webhooks": Entry(get=expect(anonymous=401, admin=200, default=403)),
    "api.create_webhook": Entry(post=expect(anonymous=401, admin=ALLOWED, default=403),
                                body=lambda w, side: {"url": "https://data.example.gov.cn/x", "events": ["ticket.created"],
                                                      "secret": "matrix-webhook-secret"}),
    "api.list_webhook_deliveries": Entry(get=expect(anonymous=401, admin=200, default=403),
                                         params={"webhook_id": "webhook"}),
    "api.get_visit": Entry(get=expect(anonymous=401, admin=200, manager=200, escort=(200, 404), default=403)),
    "api.create_visit": Entry(
        post=expect(anonymous=401, admin=403, manager=403, escort=(ALLOWED, 404), helper=(403, 404),
                    company=(403, 404)),
        body=lambda w, side: {"company_id": w.ids[f"company:{side}"], "visited_on": "2026-01-05",
                              "mode": "phone", "summary": "越权走访"}),
}

# Lookups by query string (filters, pre-filled forms) with the other side's ids: the same scope rules.
QUERY_CASES = [
    ("/visits/new?company_id={company:b}", expect(admin=403, manager=403, escort=404, helper=404, company=404)),
    ("/visits/new?company_id={company:a}", expect(admin=403, manager=403, escort=200, helper=403, company=403)),
    ("/tickets/new?company_id={company:b}", STAFF),
    ("/tickets/?company_id={company:b}", STAFF),
    ("/tickets/?tag=" + B_TICKET_TITLE[:6], STAFF),
    # Searches use a part of B's text: the search box echoes the query, never B's full title or name.
    ("/tickets/?q=" + B_TICKET_TITLE[:6], STAFF),
    ("/companies/?q=" + B_COMPANY[:6], STAFF),
    ("/companies/export.xlsx?q=" + B_COMPANY[:6], STAFF),
    ("/tickets/export.xlsx?company_id={company:b}", STAFF),
    ("/tickets/export.xlsx?q=" + B_TICKET_TITLE[:6], STAFF),
    ("/visits/?company_id={company:b}", ESCORT_DESK),
    ("/visits/export.xlsx?company_id={company:b}", ESCORT_DESK),
    ("/api/v1/tickets?company_id={company:b}", API_ALL),
    ("/api/v1/tickets?q=" + B_TICKET_TITLE[:6], API_ALL),
    ("/api/v1/tickets?q=" + B_TICKET_TITLE[:2], API_ALL),
    ("/tickets/?q=" + B_TICKET_TITLE[:2], STAFF),
    ("/api/v1/companies?q=" + B_COMPANY[:6], API_STAFF),
    ("/api/v1/visits?company_id={company:b}", expect(anonymous=401, admin=200, manager=200, escort=200,
                                                     default=403)),
]

OBJECT_PARAMS = {
    "ticket_id": "ticket", "company_id": "company", "visit_id": "visit", "att_id": "attachment",
    "photo_id": "photo", "user_id": "escort", "notification_id": None, "token_id": None,
    "common_problem_id": "common_problem",
    "view_id": None, "saved_view_id": None,
}
B_MARKERS = (B_COMPANY, B_TICKET_TITLE, B_VISIT_SUMMARY, B_ATTACHMENT, B_COMPANY_USER)
INTERNAL_MARKERS = (A_INTERNAL_NOTE, A_INTERNAL_FILE)
IGNORED_COLUMNS = {("api_tokens", "last_used_at"), ("users", "last_login_at")}


# ---------------------------------------------------------------- machinery


def outcome(response):
    if response.status_code == 302:
        path = urlsplit(response.headers["Location"]).path
        return LOGIN if path == "/auth/login" else REDIR
    return response.status_code


def _pick(value, side: str):
    if isinstance(value, tuple):
        return value[0] if side == "own" else value[1]
    return value


def _as_post(get_table: dict) -> dict:
    """A GET+POST route refuses a POST exactly as it refuses the GET."""
    def convert(value):
        if isinstance(value, tuple):
            return tuple(convert(v) for v in value)
        return ALLOWED if value in (200, REDIR) else value

    return {role: convert(value) for role, value in get_table.items()}


def _letter(side: str) -> str:
    return "a" if side == "own" else "b"


def _value(world, endpoint: str, entry: Entry, arg: str, role: str, side: str):
    letter = _letter(side)
    given = entry.params.get(arg)
    if callable(given):
        return world.ids[given(letter)]
    if given is not None:
        return world.ids.get(given, given)
    if arg == "notification_id":
        return world.ids["notification:other" if side == "other" else f"notification:{_actor(role)}"]
    if arg == "token_id":
        return world.ids["token:other" if side == "other" else f"token:{_actor(role)}"]
    if arg in ("view_id", "saved_view_id"):
        return world.ids["saved_view:other" if side == "other" else f"saved_view:{_actor(role)}"]
    if arg in OBJECT_PARAMS:
        return world.ids[f"{OBJECT_PARAMS[arg]}:{letter}"]
    raise AssertionError(f"{endpoint}: no value for URL argument {arg!r}; add it to the entry's params")


def _actor(role: str) -> str:
    return "company" if role == "anonymous" else role


def _url(world, rule, entry: Entry, role: str, side: str) -> str:
    with world.app.test_request_context():
        from flask import url_for

        values = {arg: _value(world, rule.endpoint, entry, arg, role, side) for arg in rule.arguments}
        # url_for picks among an endpoint's rules by their arguments.
        return url_for(rule.endpoint, **values)


def _csrf(world, role: str) -> str:
    cache = world.ids.setdefault("csrf", {})
    if role not in cache:
        browser = world.browsers[role]
        browser.get("/auth/login" if role == "anonymous" else "/auth/password")
        cache[role] = browser._csrf
    return cache[role]


def _send(world, method: str, url: str, role: str, entry: Entry, side: str):
    if url.startswith("/api/"):
        client = world.browsers["anonymous"].client
        headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
        if method == "GET":
            return client.get(url, headers=headers)
        body = entry.body(world, _letter(side)) if entry.body else None
        if method == "POST":
            body = body or {}
        return client.open(url, method=method, json=body, headers=headers)
    browser = world.browsers[role]
    if method == "GET":
        return browser.client.get(url)
    return browser.client.post(url, data={"csrf_token": _csrf(world, role)})


def response_text(response) -> str:
    """What a person would read in the response: page, JSON, or every cell of a spreadsheet."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    if response.mimetype.startswith(("image/", "application/pdf")):
        return ""
    return response.get_data(as_text=True)


def leaks(role: str, response) -> list[str]:
    if role not in ("escort", "helper", "company") or response.status_code != 200:
        return []
    text = response_text(response)
    markers = B_MARKERS + (INTERNAL_MARKERS if role == "company" else ())
    return [m for m in markers if m in text]


def fingerprint(app) -> dict:
    """Every row of every table except the audit log (which records the refusals) and sign-in bookkeeping."""
    result = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            order = list(table.primary_key.columns) or columns
            result[table.name] = connection.execute(sa.select(*columns).order_by(*order)).all()
    return result


def fill(template: str, ids: dict) -> str:
    """'/tickets/{ticket:b}' → '/tickets/17' (names of world.ids in braces)."""
    return re.sub(r"\{([a-z_]+:[a-z_]+)\}", lambda m: str(ids[m.group(1)]), template)


def _rules(app, endpoint: str):
    return [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]


def _sides(rule) -> tuple[str, ...]:
    return ("own", "other") if set(rule.arguments) & set(OBJECT_PARAMS) else ("own",)


def check_endpoint(world, endpoint: str) -> list[str]:
    entry = TABLE[endpoint]
    problems = []
    state = None
    for rule in _rules(world.app, endpoint):
        methods = rule.methods & {"GET", "POST", "PATCH", "DELETE"}
        writes = sorted(methods - {"GET"})  # the API's PATCH and DELETE are checked like a POST
        if "GET" in methods:
            assert entry.get is not None, f"{endpoint} answers GET but its entry has no `get` outcomes"
        if writes:
            assert entry.post is not None or entry.get is not None, f"{endpoint}: no POST outcomes"
        for role in ROLES:
            for side in _sides(rule):
                url = _url(world, rule, entry, role, side)
                if "GET" in methods:
                    wanted = _pick(entry.get[role], side)
                    response = _send(world, "GET", url, role, entry, side)
                    got = outcome(response)
                    if got != wanted:
                        problems.append(f"GET {url} as {role} ({side}): expected {wanted}, got {got}")
                    for marker in leaks(role, response):
                        problems.append(f"GET {url} as {role} ({side}): shows {marker!r}")
                    state = None  # test_csrf.py proves a GET changes nothing; here, measure afresh
                for method in writes:
                    wanted = _pick((entry.post or _as_post(entry.get))[role], side)
                    if wanted == ALLOWED:
                        continue
                    before = state or fingerprint(world.app)
                    got = outcome(_send(world, method, url, role, entry, side))
                    if got != wanted:
                        problems.append(f"{method} {url} as {role} ({side}): expected {wanted}, got {got}")
                    state = fingerprint(world.app)
                    changed = [t for t, rows in state.items() if rows != before[t]]
                    if changed:
                        problems.append(f"{method} {url} as {role} ({side}) was refused but changed {changed}")
    return problems


# ---------------------------------------------------------------- the tests


def test_every_route_has_an_entry(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    missing = sorted(endpoints - set(TABLE))
    stale = sorted(set(TABLE) - endpoints)
    assert not missing, f"routes without an access-matrix entry: {missing}"
    assert not stale, f"access-matrix entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_access(world, endpoint):
    if not _rules(world.app, endpoint):
        pytest.skip(f"{endpoint} is not registered (test_every_route_has_an_entry reports it)")
    problems = check_endpoint(world, endpoint)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("template, table", QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_lookups_by_query_string_stay_in_scope(world, template, table):
    url = fill(template, world.ids)
    problems = []
    for role in ROLES:
        response = _send(world, "GET", url, role, Entry(), "own")
        if outcome(response) != table[role]:
            problems.append(f"GET {url} as {role}: expected {table[role]}, got {outcome(response)}")
        problems += [f"GET {url} as {role}: shows {m!r}" for m in leaks(role, response)]
    assert not problems, "\n".join(problems)


def test_the_world_is_what_the_matrix_assumes(world):
    """Side A's objects are really visible to A's users (else every 404 above would be meaningless)."""
    for role, url in (("escort", "/tickets/{ticket:a}"), ("helper", "/tickets/{ticket:a}"),
                      ("company", "/portal/problems/{ticket:a}"), ("escort", "/visits/{visit:a}")):
        response = world.browsers[role].client.get(fill(url, world.ids))
        assert response.status_code == 200, (role, url)
    page = world.browsers["manager"].client.get("/tickets/").get_data(as_text=True)
    assert B_TICKET_TITLE in page and "甲方的问题" in page
