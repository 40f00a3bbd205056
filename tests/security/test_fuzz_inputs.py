"""Hostile input on every form and every list filter: never a 5xx, never stored.

The test signs in as every role, opens every page that role may open (the access matrix's table
walks `app.url_map`), and reads the forms off the pages as a browser would — so the fields are the
WTForms classes' fields as rendered. Then:

- every POST form: each field in turn gets a NUL byte (the other fields keep what the page filled
  in), and all fields at once get 100,000 characters, then an out-of-range number and date; the
  answer must be 200 or 400 (a 302 only where the form was otherwise valid), a NUL must be answered
  with the field error, and no table may hold a NUL or a 100,000-character value afterwards;
- every GET form (the list filters and their exports) and a few query-string parameters read
  without a form: the same values, one field at a time; the answer must not be a 5xx.

Every POST route of the pages must be reached by some form, or be listed in NO_FIELDS.
"""
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.security.test_access_matrix import TABLE, _rules, _url, outcome

NUL_MESSAGE = "包含无法保存的控制字符"
LONG = "长" * 100_000
BIG_INT = "99999999999999999999"
EDGE_INTS = ("2147483648", BIG_INT, "-99999999999")
EDGE_DATES = ("0001-01-01", "9999-12-31")
ROLES = ("anonymous", "admin", "manager", "escort", "helper", "company")

# POST routes whose forms carry nothing but the CSRF token (a button): nothing to fuzz.
NO_FIELDS = {
    "accounts.logout", "accounts.revoke_token", "notify.mark_read", "notify.mark_all_read",
    "settings.override_delete", "personnel.reactivate",
}
# A POST that only redirects (the language switch: its `next` with a NUL goes to the home page).
REDIRECTS = {"home.set_language"}
VISIBLE = ("text", "textarea", "password", "email", "tel", "date", "number", "select", "url", "search")
# Routes that are not pages (the JSON API has its own fuzzing: tests/api/test_schemathesis.py).
NOT_PAGES = ("api.", "static", "bootstrap.static")


class _Forms(HTMLParser):
    """Each <form>: method, action and its fields with the values the page filled in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["kinds"].setdefault(a["name"], kind)
                return
            self._form["fields"][a["name"]] = a.get("value") or ("" if kind != "checkbox" else "y")
            self._form["kinds"][a["name"]] = kind
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
            self._form["kinds"][a["name"]] = "textarea"
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], None)
            self._form["kinds"][a["name"]] = "select"
        elif tag == "option" and self._select:
            if self._form["fields"].get(self._select) is None or "selected" in a:
                self._form["fields"][self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _endpoint(app, method: str, path: str):
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=method.upper())
    except Exception:
        return None
    return endpoint


def _pages(world):
    """(role, url) of every page each role may open, side A's objects in the URL."""
    for endpoint, entry in TABLE.items():
        if endpoint.startswith(NOT_PAGES) or not entry.get:
            continue
        for role in ROLES:
            if entry.get.get(role) not in (200, (200, 404)):
                continue
            for rule in _rules(world.app, endpoint):
                if "GET" in rule.methods:
                    yield role, _url(world, rule, entry, role, "own")


def _replied_ticket(world) -> int:
    """A problem of side A answered by its department, so the company's rating form is on its page."""
    from app.accounts.models import User
    from app.companies.models import Company
    from app.tickets import services

    with world.app.app_context():
        company_user = db.session.get(User, world.ids["company_user:a"])
        helper = db.session.get(User, world.ids["helper:a"])
        manager = db.session.get(User, world.users["manager"])
        ticket = services.submit_ticket(company_user, db.session.get(Company, world.ids["company:a"]),
                                        services.NewTicket("待评价的问题", "描述", "approval"))
        db.session.flush()
        services.perform(manager, ticket, "dispatch", {"department_id": world.ids["department:a"],
                                                       "version": ticket.version})
        services.perform(helper, ticket, "sign", {"version": ticket.version})
        services.perform(helper, ticket, "reply", {"message": "已答复", "version": ticket.version})
        db.session.commit()
        return ticket.id


def _last_month() -> str:
    from app.core.timeutil import local_today

    first = local_today().replace(day=1)
    return f"{first.year - (first.month == 1)}-{12 if first.month == 1 else first.month - 1:02d}"


@pytest.fixture(scope="module")
def forms(world):
    """{(role, method, action path, field names): (endpoint, page url, fields, kinds)}, one per distinct form."""
    found = {}
    replied = _replied_ticket(world)
    extra = [("escort", f"/visits/new?company_id={world.ids['company:a']}"),
             ("company", f"/portal/problems/{replied}"),
             ("manager", f"/knowledge/publish/{replied}"),  # publishing needs an answered problem
             ("manager", f"/rankings/?period={_last_month()}")]  # the publish form: a closed period only
    for role, url in [*_pages(world), *extra]:
        response = world.browsers[role].get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in _page_forms(response.get_data(as_text=True)):
            action = form["action"] or url
            path = urlsplit(action).path
            endpoint = _endpoint(world.app, form["method"], path)
            if endpoint is None or endpoint.startswith(NOT_PAGES):
                continue
            names = tuple(sorted(n for n in form["fields"] if n != "csrf_token")) + tuple(
                sorted(n for n in form["kinds"] if n not in form["fields"]))
            key = (role, form["method"], path, names)
            if key not in found:
                query = urlsplit(action).query
                found[key] = (endpoint, url, action if query else path, form["fields"], form["kinds"])
    return found


def _stored_problems(app) -> list[str]:
    """Any text value in any table holding a control character or 100,000 characters."""
    problems = []
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
            if not columns:
                continue
            for row in connection.execute(sa.select(*columns)):
                for column, value in zip(columns, row):
                    if isinstance(value, str) and ("\x00" in value or len(value) >= 100_000):
                        problems.append(f"{table.name}.{column.name}")
    return problems


def _fresh_fields(browser, page_url, method, path, names, fallback):
    """The form's fields as the page renders them now (a fresh CSRF token, the current version)."""
    response = browser.get(page_url)
    for form in _page_forms(response.get_data(as_text=True)):
        action_path = urlsplit(form["action"] or page_url).path
        if form["method"] == method and action_path == path and set(names) <= set(form["fields"]) | set(form["kinds"]):
            return dict(form["fields"])
    return dict(fallback)


def test_every_post_route_of_the_pages_has_a_form_or_no_fields(world, forms):
    reached = {endpoint for (_r, method, _p, _n), (endpoint, *_rest) in forms.items() if method == "post"}
    routes = {rule.endpoint for rule in world.app.url_map.iter_rules()
              if "POST" in rule.methods and not rule.endpoint.startswith(NOT_PAGES)}
    assert routes - reached - NO_FIELDS == set()
    assert len([k for k in forms if k[1] == "post"]) >= 30


def test_posted_forms_refuse_nul_long_and_out_of_range_values(world, forms):
    failures = []
    posted = 0
    for (role, method, path, names), (endpoint, page_url, action, fields, kinds) in forms.items():
        if method != "post" or endpoint in NO_FIELDS:
            continue
        browser = world.browsers[role]
        fuzzable = [n for n in names if n != "csrf_token" and kinds.get(n) != "file"]
        attempts = []
        for name in fuzzable:
            # A visible field shows the error next to it; a hidden one or a checkbox just refuses the post.
            attempts.append((f"NUL in {name}", {name: (fields.get(name) or "x") + "\x00"},
                             kinds.get(name) in VISIBLE))
        attempts.append(("100,000 characters", {n: LONG for n in fuzzable}, False))
        # Numbers and dates go where a browser sends them (text fields would take them as text).
        for value in EDGE_INTS:
            attempts.append((f"number {value}", {n: value for n in fuzzable if kinds.get(n) in
                                                   ("select", "hidden", "number", "radio")}, False))
        for value in EDGE_DATES:
            attempts.append((f"date {value}", {n: value for n in fuzzable if kinds.get(n) == "date"}, False))
        for label, bad, expect_message in attempts:
            if not bad:  # the form has no field of that kind: posting it as filled would just act
                continue
            data = _fresh_fields(browser, page_url, method, path, names, fields)
            data.update(bad)
            data["csrf_token"] = browser._csrf
            response = browser.client.post(action, data=data)
            posted += 1
            status = response.status_code
            where = f"{role} {endpoint} {path} [{label}]"
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif endpoint in REDIRECTS:
                if "%00" in response.headers.get("Location", "") or status != 302:
                    failures.append(f"{where}: {status} {response.headers.get('Location', '')}")
            elif label.startswith("NUL") and status not in (200, 400, 409):
                failures.append(f"{where}: {status} {response.headers.get('Location', '')}")
            elif expect_message and NUL_MESSAGE not in response.get_data(as_text=True):
                failures.append(f"{where}: no field error")
    stored = _stored_problems(world.app)
    print("\n".join(failures + sorted(set(stored))))
    assert failures == [] and stored == [], (failures, stored)
    assert posted > 100


def test_list_filters_and_query_strings_never_answer_5xx(world, forms):
    failures = []
    sent = 0
    targets = []
    for (role, method, path, names), (endpoint, page_url, action, fields, kinds) in forms.items():
        if method == "get":
            targets.append((role, path, fields, names))
            export = path.rstrip("/") + "/export.xlsx"
            if _endpoint(world.app, "get", export):
                targets.append((role, export, fields, names))
    # Values read straight from the query string, without a form.
    for role, path, names in (("escort", "/visits/new", ("company_id",)), ("manager", "/tickets/new", ("company_id",)),
                              ("manager", "/admin/settings/calendar", ("year", "month")),
                              ("admin", "/admin/settings/calendar/new", ("day",)),
                              ("admin", "/admin/settings/calendar/bulk", ("year",)),
                              ("manager", "/rankings/", ("period", "start", "end")),
                              ("manager", "/tickets/", ("after", "before")),
                              ("manager", "/companies/", ("page", "per_page"))):
        targets.append((role, path, {}, names))
    for role, path, fields, names in targets:
        browser = world.browsers[role]
        assert browser.get(path).status_code in (200, 400), path  # the page exists for this role
        for name in names:
            for value in ("a\x00b", LONG[:5000], *EDGE_INTS, *EDGE_DATES, "2026-13-45"):
                response = browser.client.get(path + "?" + urlencode({name: value}))
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{role} {path}?{name}={value[:20]!r}: {response.status_code}")
    assert failures == []
    assert sent > 300


def test_a_bad_filter_is_ignored_with_a_visible_message(world):
    manager = world.browsers["manager"]
    for url in ("/tickets/?created_from=0001-01-01", "/tickets/?created_to=9999-12-31", "/tickets/?q=%00", "/tickets/?tag=%00",
                "/companies/?town_id=99999999999999999999", "/companies/?q=%00", "/visits/?date_from=0001-01-01",
                "/staff/reassign?escort_id=2147483648", "/visits/unvisited?town_id=2147483648"):
        response = manager.get(url)
        assert response.status_code == 200, url
        assert "以下筛选条件无效，已忽略" in response.get_data(as_text=True), url
    admin = world.browsers["admin"]
    response = admin.get("/admin/audit/?actor=%00")
    assert response.status_code == 200 and "以下筛选条件无效，已忽略" in response.get_data(as_text=True)
    for url in ("/tickets/export.xlsx?rated_from=0001-01-01", "/companies/export.xlsx?town_id=2147483648",
                "/visits/export.xlsx?date_to=9999-12-31"):
        assert manager.get(url).status_code == 400, url
    assert manager.get("/tickets/99999999999999").status_code == 404
    assert outcome(manager.get("/tickets/?created_from=2026-01-01")) == 200


def test_signing_in_with_a_nul_in_the_username_is_a_field_error(world):
    from tests.conftest import Browser

    browser = Browser(world.app.test_client())
    response = browser.post("/auth/login", {"username": "admin\x00", "password": "whatever-it-is"})
    assert response.status_code == 200 and NUL_MESSAGE in response.get_data(as_text=True)
