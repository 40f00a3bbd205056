"""CSRF on every state-changing browser request, and no state change on GET.

- No view is exempt from CSRF except the bearer-token API (which never reads the session cookie)
  and the GET-only health checks.
- Every route that accepts POST refuses a POST without a token, or with a forged one (400), and
  the database is unchanged.
- GET every route as every role: the database is unchanged, apart from the bookkeeping listed in
  IGNORED_COLUMNS and the audit log's record of refused requests.
"""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.models import AuditLog
from app.extensions import csrf, db
from tests.security.conftest import ROLES
from tests.security.test_access_matrix import TABLE, _url, fingerprint, outcome

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def _exempt(app, endpoint: str) -> bool:
    view = app.view_functions[endpoint]
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return (f"{view.__module__}.{view.__name__}" in csrf._exempt_views
            or app.blueprints.get(blueprint) in csrf._exempt_blueprints)


def test_csrf_protection_is_on_for_every_unsafe_method(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) and app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(app.config.get("WTF_CSRF_METHODS") or
                                                       {"POST", "PUT", "PATCH", "DELETE"})


HEALTH_CHECKS = {"home.healthz", "home.readyz"}  # GET-only probes for load balancers


def test_no_view_is_exempt_except_the_bearer_token_api_and_the_health_checks(app):
    exempt = {e for e in app.view_functions if _exempt(app, e)}
    assert exempt - HEALTH_CHECKS == {e for e in app.view_functions if e.startswith("api.")}
    for endpoint in HEALTH_CHECKS & exempt:
        assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in app.url_map.iter_rules(endpoint=endpoint))


def test_the_api_never_authenticates_by_cookie():
    """The API is exempt from CSRF only because it ignores the browser session: no cookie identity in it."""
    offenders = []
    for path in (APP_DIR / "api").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bcurrent_user\b|\bsession\[|login_required", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_api_ignores_a_signed_in_browser(login_as):
    b, _user = login_as("manager")
    response = b.client.post("/api/v1/companies", json={"name": "跨站请求"})
    assert response.status_code == 401


# ---------------------------------------------------------------- every POST route, no token


def _post_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" in rule.methods and not _exempt(app, rule.endpoint):
            yield rule


def test_every_post_route_refuses_a_request_without_a_valid_token(world):
    rules = list(_post_rules(world.app))
    assert len(rules) > 30  # the walk found the routes
    problems = []
    for rule in rules:
        for role in ("anonymous", "admin", "company"):
            url = _url(world, rule, TABLE[rule.endpoint], role, "own")
            client = world.browsers[role].client
            before = fingerprint(world.app)
            for data in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
                response = client.post(url, data=data)
                if response.status_code != 400:
                    problems.append(f"POST {url} as {role} with {data}: {outcome(response)}, not 400")
            if fingerprint(world.app) != before:
                problems.append(f"POST {url} as {role} without a token changed the database")
    assert not problems, "\n".join(problems)


def test_a_token_from_another_session_is_refused(world):
    """A token is bound to its session: one taken from an attacker's own session does not work."""
    attacker = world.browsers["anonymous"]
    attacker.get("/auth/login")
    victim = world.browsers["manager"]
    response = victim.client.post("/notifications/read-all", data={"csrf_token": attacker._csrf})
    assert response.status_code == 400


# ---------------------------------------------------------------- no state change on GET


def _get_rules(app):
    return [r for r in sorted(app.url_map.iter_rules(), key=lambda r: r.rule) if "GET" in r.methods]


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_anything(world, role):
    with world.app.app_context():
        last_audit = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
    problems = []
    before = fingerprint(world.app)
    for rule in _get_rules(world.app):
        entry = TABLE[rule.endpoint]
        for side in ("own", "other"):
            url = _url(world, rule, entry, role, side)
            if url.startswith("/api/"):
                headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
                world.browsers["anonymous"].client.get(url, headers=headers)
            else:
                world.browsers[role].client.get(url)
            after = fingerprint(world.app)
            changed = [t for t, rows in after.items() if rows != before[t]]
            if changed:
                problems.append(f"GET {url} as {role} changed {changed}")
            before = after
    with world.app.app_context():
        added = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.id > last_audit)).all()
    # The only rows a GET may add are the audit log's record of a refusal.
    assert set(added) <= {"access_denied", "access_not_found"}
    assert not problems, "\n".join(problems)
