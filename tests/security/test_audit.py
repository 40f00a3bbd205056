"""The audit log: refused access is recorded, secrets never are, the admin page filters it, and no
code path can change or remove a row."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.core.audit import AuditLogIsAppendOnly
from app.core.models import AuditLog
from app.core.timeutil import local_today
from tests.factories import PASSWORD
from tests.tickets.helpers import World

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def _rows(db_session, **where):
    db_session.expire_all()
    stmt = sa.select(AuditLog).order_by(AuditLog.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditLog, key) == value)
    return db_session.scalars(stmt).all()


# ---------------------------------------------------------------- refused access


def test_a_problem_outside_the_scope_is_audited_as_refused(app, make, login_as, db_session):
    world = World(make)
    ticket = world.new_ticket()
    browser, outsider = login_as(Role.ESCORT)  # serves no company
    assert browser.get(f"/tickets/{ticket.id}").status_code == 404
    [row] = _rows(db_session, actor_id=outsider.id, action="access_not_found")
    assert (row.object_type, row.object_id) == ("tickets", ticket.id)
    assert row.ip == "127.0.0.1"
    assert row.message == f"404 GET /tickets/{ticket.id}"
    assert row.at.tzinfo is timezone.utc and abs(row.at - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_a_forbidden_page_is_audited(app, make, login_as, db_session):
    from tests.conftest import Browser

    world = World(make)
    ticket = world.new_ticket()
    company_browser = Browser(app.test_client())
    company_browser.login(world.company_user.username)
    assert company_browser.get(f"/tickets/{ticket.id}").status_code == 403  # the staff page of its own problem
    [row] = _rows(db_session, actor_id=world.company_user.id, action="access_denied")
    assert row.message == f"403 GET /tickets/{ticket.id}"
    b, escort = login_as(Role.ESCORT)
    assert b.get("/admin/audit/").status_code == 403
    assert _rows(db_session, actor_id=escort.id, action="access_denied")[0].message == "403 GET /admin/audit/"


def test_refusals_through_the_api_are_audited(make, api, db_session):
    world = World(make)
    ticket = world.new_ticket()
    client, helper, headers = api(Role.HELPER)
    assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).status_code == 404
    [row] = _rows(db_session, actor_id=helper.id, action="access_not_found")
    assert row.message == f"404 GET /api/v1/tickets/{ticket.id}"
    client, company_user, headers = api(Role.COMPANY)
    assert client.get("/api/v1/companies", headers=headers).status_code == 403
    assert [r.message for r in _rows(db_session, actor_id=company_user.id, action="access_denied")] == [
        "403 GET /api/v1/companies"]


def test_a_refusal_keeps_nothing_the_request_had_started(app, make, login_as, db_session, monkeypatch):
    """The audit row is committed; whatever the view had pending is rolled back first."""
    from app.reference.models import Town

    def half_done():
        from flask import abort

        from app.extensions import db

        db.session.add(Town(code="half", name="写了一半的镇街"))
        db.session.flush()
        abort(403)

    monkeypatch.setitem(app.view_functions, "home.healthz", half_done)
    b, user = login_as(Role.MANAGER)
    assert b.get("/healthz").status_code == 403
    db_session.expire_all()
    assert db_session.scalar(sa.select(Town).where(Town.code == "half")) is None
    assert _rows(db_session, actor_id=user.id, action="access_denied")


def test_anonymous_unknown_pages_are_not_audited(browser, db_session):
    before = len(_rows(db_session))
    assert browser.get("/no/such/page").status_code == 404
    assert browser.get("/tickets/1").status_code == 302
    assert len(_rows(db_session)) == before


# ---------------------------------------------------------------- what is logged, and what never is


def test_passwords_and_tokens_never_reach_the_log(app, login_as, db_session):
    b, user = login_as(Role.ESCORT)
    new = "a very private passphrase"
    b.post("/auth/password", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    page = b.post("/auth/profile", {"name": "脚本"}).get_data(as_text=True)
    token = re.search(r"pp_[A-Za-z0-9_-]{20,}", page).group(0)
    from tests.conftest import Browser

    Browser(app.test_client()).login(user.username, "wrong " + new)
    rows = _rows(db_session, actor_id=user.id)
    assert {"password_changed", "token_created", "login_failed", "login"} <= {r.action for r in rows}
    dump = repr([(r.before, r.after, r.message) for r in rows])
    for secret in (new, PASSWORD, "wrong " + new, token):
        assert secret not in dump


# ---------------------------------------------------------------- the administrator's page


def test_audit_page_filters_and_paginates(app, make, login_as, db_session):
    from app.core import audit

    b, admin = login_as(Role.ADMIN)
    escort = make.user(role=Role.ESCORT, username="audit-escort")
    company = make.company(name="审计筛选企业")
    for i in range(60):
        audit.record("company_updated", company, actor=escort, before={"name": f"旧{i}"}, after={"name": f"新{i}"})
    audit.record("something_else", actor=admin, message="另一条")
    db_session.commit()

    page = b.get("/admin/audit/?actor=audit-escort").get_data(as_text=True)
    assert "共 60 条" in page and "另一条" not in page
    assert "新59" in page and "旧59" in page  # before/after, newest first
    assert "新0<" not in page  # page 1 holds 50 of 60
    next_page = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "actor=audit-escort" in next_page
    second = b.get(next_page).get_data(as_text=True)
    assert "新0<" in second

    by_object = b.get(f"/admin/audit/?object_type=companies&object_id={company.id}").get_data(as_text=True)
    assert "共 60 条" in by_object
    by_action = b.get("/admin/audit/?action=something_else").get_data(as_text=True)
    assert "共 1 条" in by_action and "另一条" in by_action
    today = local_today()
    in_range = b.get(f"/admin/audit/?actor=audit-escort&date_from={today}&date_to={today}").get_data(as_text=True)
    assert "共 60 条" in in_range
    before = today - timedelta(days=2)
    out_of_range = b.get(f"/admin/audit/?actor=audit-escort&date_to={before}").get_data(as_text=True)
    assert "共 0 条" in out_of_range


def test_audit_page_escapes_what_it_shows(make, login_as, db_session):
    from app.core import audit

    b, admin = login_as(Role.ADMIN)
    audit.record("xss_probe", actor=admin, after={"name": "<script>alert(1)</script>"}, message="<b>x</b>")
    db_session.commit()
    page = b.get("/admin/audit/?action=xss_probe").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ESCORT, Role.HELPER, Role.COMPANY])
def test_only_the_administrator_reads_the_log(login_as, role):
    b, _user = login_as(role)
    assert b.get("/admin/audit/").status_code == 403


# ---------------------------------------------------------------- append-only, enforced


def test_the_orm_refuses_to_change_or_remove_an_audit_row(make, db_session):
    from app.core import audit

    user = make.user(role=Role.MANAGER)
    row = audit.record("probe", actor=user, message="原文")
    db_session.commit()
    row.message = "改写"
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(AuditLog, row.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()
    for statement in (sa.update(AuditLog).values(message="改写"), sa.delete(AuditLog),
                      sa.update(AuditLog.__table__).values(message="改写"), sa.delete(AuditLog.__table__)):
        with pytest.raises(AuditLogIsAppendOnly):
            db_session.execute(statement)
        db_session.rollback()
    assert db_session.get(AuditLog, row.id).message == "原文"


WRITE_PATTERNS = [
    re.compile(r"(update|delete)\(\s*AuditLog"),  # sa.update(AuditLog) / sa.delete(AuditLog)
    re.compile(r"AuditLog(\.__table__)?\)?\s*\.\s*(update|delete)\("),
    re.compile(r"(UPDATE|DELETE\s+FROM)\s+audit_log", re.IGNORECASE),
    re.compile(r"session\.delete\([^)]*(audit|entry|log)", re.IGNORECASE),
]


def test_no_code_in_the_app_updates_or_deletes_audit_rows():
    offenders = []
    for path in APP_DIR.rglob("*.py"):
        if path.name == "audit.py" and path.parent.name == "core":
            continue  # the guard itself names the operations it refuses
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in WRITE_PATTERNS):
                offenders.append(f"{path.relative_to(APP_DIR.parent)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_would_catch_a_write():
    samples = ["db.session.execute(sa.update(AuditLog).values(x=1))", "sa.delete(AuditLog).where(...)",
               'db.session.execute(sa.text("DELETE FROM audit_log"))', "db.session.delete(entry)"]
    assert all(any(p.search(s) for p in WRITE_PATTERNS) for s in samples)
