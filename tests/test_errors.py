"""Error pages: Chinese, friendly, never a traceback; the API answers errors in JSON only."""
import logging
import re

import pytest

from app.accounts.models import Role

REFERENCE_RE = re.compile(r"错误编号[^<]*<code>([0-9a-f]{12})</code>")


def _boom(*_args, **_kwargs):
    raise RuntimeError("secret internal detail: db password is hunter2")


def _assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert "hunter2" not in text
    assert 'File "' not in text


def test_unknown_page_is_a_chinese_404(browser):
    response = browser.get("/no/such/page")
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert 'lang="zh-CN"' in text
    assert "页面或记录不存在，或您无权查看。" in text
    assert "返回首页" in text
    _assert_no_traceback(text)
    assert "Not Found" not in text


def test_signed_in_404_keeps_the_layout(login_as):
    b, user = login_as(Role.MANAGER)
    response = b.get("/companies/999999999")
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面或记录不存在，或您无权查看。" in text
    assert user.name in text  # the navigation bar is there


def test_forbidden_page_is_chinese(login_as):
    b, _user = login_as(Role.ESCORT)
    response = b.get("/companies/new")
    assert response.status_code == 403
    assert "您没有权限执行此操作。" in response.get_data(as_text=True)


def test_wrong_method_is_a_chinese_405(browser):
    response = browser.client.put("/auth/login")
    assert response.status_code == 405
    assert "不支持该请求方式。" in response.get_data(as_text=True)


def test_unexpected_exception_gives_500_with_reference_and_no_traceback(app, browser, monkeypatch, caplog):
    monkeypatch.setitem(app.view_functions, "home.healthz", _boom)
    with caplog.at_level(logging.ERROR, logger="peipao.errors"):
        response = browser.get("/healthz")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出现错误，我们已记录，请稍后再试。" in text
    match = REFERENCE_RE.search(text)
    assert match, text
    _assert_no_traceback(text)
    # The same reference is in the log, next to the real exception, so support can find it.
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError


def test_500_for_a_signed_in_page(app, login_as, monkeypatch):
    b, _user = login_as(Role.MANAGER)
    monkeypatch.setitem(app.view_functions, "companies.index", _boom)
    response = b.get("/companies/")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert REFERENCE_RE.search(text)
    _assert_no_traceback(text)


def test_each_500_has_its_own_reference(app, browser, monkeypatch):
    monkeypatch.setitem(app.view_functions, "home.healthz", _boom)
    first = REFERENCE_RE.search(browser.get("/healthz").get_data(as_text=True)).group(1)
    second = REFERENCE_RE.search(browser.get("/healthz").get_data(as_text=True)).group(1)
    assert first != second


def test_failed_flush_still_gets_the_500_page(app, login_as, monkeypatch):
    """A view that breaks the transaction: the error page must not trip over the dead session."""
    from app.extensions import db
    from app.reference.models import Town

    def broken():
        db.session.add(Town(code="same", name="一"))
        db.session.add(Town(code="same", name="二"))
        db.session.flush()

    b, user = login_as(Role.MANAGER)
    monkeypatch.setitem(app.view_functions, "companies.index", broken)
    response = b.get("/companies/")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert REFERENCE_RE.search(text)
    assert user.name in text  # the full layout, rendered after the rollback
    _assert_no_traceback(text)


def _database_down(*_args, **_kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))


def test_database_down_is_a_503_page_even_when_the_layout_needs_the_database(app, login_as):
    import sqlalchemy as sa

    from app.extensions import db

    b, _user = login_as(Role.MANAGER)

    def refuse_reads(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            _database_down()

    sa.event.listen(db.engine, "before_cursor_execute", refuse_reads)
    try:  # every read fails: loading the signed-in user, and again while drawing the error page
        response = b.get("/companies/")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", refuse_reads)
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "服务暂时不可用（数据库无法连接），请稍后再试。" in text
    assert re.search(r"错误编号[^<]*<code>[0-9a-f]{12}</code>", text)
    assert "could not connect" not in text
    _assert_no_traceback(text)
    assert b.get("/companies/").status_code == 200  # and back once the database answers


def test_api_database_down_is_json_503(app, api, monkeypatch):
    client, _user, headers = api(Role.MANAGER)
    monkeypatch.setitem(app.view_functions, "api.me", _database_down)
    _assert_json_error(client.get("/api/v1/me", headers=headers), 503, "service_unavailable")


@pytest.mark.parametrize("company_id", ["0", "2147483648", "9223372036854775808", "99999999999999999999"])
def test_absurd_ids_are_404_not_500(login_as, company_id):
    b, _manager = login_as(Role.MANAGER)
    assert b.get(f"/companies/{company_id}").status_code == 404
    assert b.get(f"/companies/{company_id}/edit").status_code == 404


# --- the API never answers with HTML -----------------------------------------------------------


def _assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower()
    _assert_no_traceback(text)
    return body["error"]


def test_api_unknown_path_is_json_404(app, db_session):
    _assert_json_error(app.test_client().get("/api/v1/no-such-thing"), 404, "not_found")


def test_api_wrong_method_is_json_405(app, db_session):
    _assert_json_error(app.test_client().delete("/api/v1/me"), 405, "method_not_allowed")


def test_api_unexpected_exception_is_json_500_with_reference(app, api, monkeypatch):
    client, _user, headers = api(Role.MANAGER)
    monkeypatch.setitem(app.view_functions, "api.me", _boom)
    error = _assert_json_error(client.get("/api/v1/me", headers=headers), 500, "server_error")
    assert re.search(r"\([0-9a-f]{12}\)", error["message"])


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/companies", "/api/v1/departments"])
def test_api_without_token_is_json_401_even_with_a_browser_session(login_as, path):
    b, _user = login_as(Role.MANAGER)  # a signed-in cookie is not an API credential
    _assert_json_error(b.client.get(path), 401, "unauthorized")
