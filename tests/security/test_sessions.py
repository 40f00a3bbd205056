"""Sessions that really end: a new session at sign-in; logout, password change, a password reset and
deactivation end every session of the user at once (proven by replaying the old cookie); an idle
timeout and an absolute lifetime, both configurable; cookie flags."""
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner

from app.accounts.models import Role
from app.core.db import utcnow
from tests.conftest import Browser
from tests.factories import PASSWORD


def _cookie(browser) -> str:
    return browser.client.get_cookie("session").value


def _replay(browser, cookie: str):
    """The stolen cookie, sent again: is anyone signed in with it?"""
    browser.client.set_cookie("session", cookie)
    return browser.client.get("/companies/")


def _signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def _second_browser(app, user) -> Browser:
    other = Browser(app.test_client())
    assert other.login(user.username).status_code == 302
    assert other.client.get("/companies/").status_code == 200
    return other


# ---------------------------------------------------------------- a new session at sign-in


def test_signing_in_starts_a_new_session(app, make, db_session):
    """Nothing of the pre-login session survives sign-in: a CSRF token known before (say, from a
    planted cookie) is worthless after it."""
    user = make.user(role=Role.MANAGER)
    b = Browser(app.test_client())
    b.get("/auth/login")
    before = b._csrf
    assert b.login(user.username).status_code == 302
    response = b.client.post("/notifications/read-all", data={"csrf_token": before})
    assert response.status_code == 400
    b.get("/auth/password")
    assert b._csrf != before
    assert b.client.post("/notifications/read-all", data={"csrf_token": b._csrf}).status_code == 302


# ---------------------------------------------------------------- ending every session at once


def test_logout_ends_every_session_of_the_user(app, login_as):
    b, user = login_as(Role.ESCORT)
    other = _second_browser(app, user)
    stolen = _cookie(b)
    b.post("/auth/logout", form_page="/auth/password")
    assert _signed_out(other.client.get("/companies/"))
    assert _signed_out(_replay(Browser(app.test_client()), stolen))


def test_password_change_refuses_the_old_cookie_of_this_very_browser(app, login_as):
    b, user = login_as(Role.ESCORT)
    stolen = _cookie(b)
    new = "a changed passphrase here"
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert b.client.get("/companies/").status_code == 200  # the browser that changed it stays in
    assert _signed_out(_replay(Browser(app.test_client()), stolen))


def test_deactivation_by_a_manager_ends_every_session_even_after_reactivation(app, make, login_as):
    escort = make.user(role=Role.ESCORT)  # no companies: may be deactivated directly
    victim = _second_browser(app, escort)
    stolen = _cookie(victim)
    manager_browser, _manager = login_as(Role.MANAGER)
    response = manager_browser.post(f"/staff/{escort.id}/deactivate", {"reason": "离岗"})
    assert response.status_code == 302
    assert _signed_out(victim.client.get("/companies/"))
    manager_browser.post(f"/staff/{escort.id}/reactivate", {}, form_page=f"/staff/{escort.id}")
    assert _signed_out(_replay(Browser(app.test_client()), stolen))  # the old cookie stays dead
    assert Browser(app.test_client()).login(escort.username).status_code == 302  # a new sign-in works


def test_a_password_reset_by_a_manager_ends_the_sessions(app, make, login_as):
    helper = make.user(role=Role.HELPER)
    victim = _second_browser(app, helper)
    manager_browser, _manager = login_as(Role.MANAGER)
    assert manager_browser.post(f"/staff/{helper.id}/password", {"password": ""}).status_code == 200
    assert _signed_out(victim.client.get("/companies/"))


def test_deactivating_a_portal_account_ends_its_sessions_and_its_api_tokens(app, make, api, login_as):
    escort = make.user(role=Role.ESCORT)
    company = make.company(escort=escort)
    account = make.user(role=Role.COMPANY, company=company)
    victim = Browser(app.test_client())
    victim.login(account.username)
    assert victim.client.get("/portal/").status_code == 200
    client, _user, headers = api(user=account)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    b = Browser(app.test_client())
    b.login(escort.username)
    response = b.post(f"/companies/{company.id}/accounts/{account.id}/active", {"active": "0"},
                      form_page=f"/companies/{company.id}")
    assert response.status_code == 302
    assert _signed_out(victim.client.get("/portal/"))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_personnel_service_ends_sessions_itself(make, db_session):
    """Whatever page calls it: deactivate_staff raises the session version."""
    from app.personnel import services

    manager = make.user(role=Role.MANAGER)
    helper = make.user(role=Role.HELPER)
    version = helper.session_version
    services.deactivate_staff(manager, helper, reason="测试")
    assert helper.session_version == version + 1 and helper.active is False


# ---------------------------------------------------------------- idle timeout and absolute lifetime


class Clock:
    """Moves the clocks the session checks read: the cookie signature's and the sign-in stamp's."""

    def __init__(self, monkeypatch):
        self.offset = timedelta()
        real_timestamp = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp",
                            lambda signer: real_timestamp(signer) + int(self.offset.total_seconds()))
        monkeypatch.setattr("app.accounts.auth.utcnow", lambda: utcnow() + self.offset)

    def advance(self, **delta):
        self.offset += timedelta(**delta)


def test_idle_sessions_end_after_two_hours_by_default(app, login_as, monkeypatch):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)
    clock = Clock(monkeypatch)
    b, _user = login_as(Role.ESCORT)
    clock.advance(minutes=110)
    assert b.client.get("/companies/").status_code == 200  # activity renews the idle timer
    clock.advance(minutes=110)
    assert b.client.get("/companies/").status_code == 200
    clock.advance(hours=2, minutes=1)
    response = b.client.get("/companies/")
    assert _signed_out(response)


def test_an_idle_cookie_is_refused_even_when_replayed(app, login_as, monkeypatch):
    """The timeout is checked on the server (the cookie's signed time), not left to the browser."""
    clock = Clock(monkeypatch)
    b, _user = login_as(Role.MANAGER)
    stolen = _cookie(b)
    clock.advance(hours=2, minutes=1)
    assert _signed_out(_replay(Browser(app.test_client()), stolen))


def test_the_idle_timeout_is_configurable(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(minutes=15))
    clock = Clock(monkeypatch)
    b, _user = login_as(Role.ESCORT)
    clock.advance(minutes=14)
    assert b.client.get("/companies/").status_code == 200
    clock.advance(minutes=16)
    assert _signed_out(b.client.get("/companies/"))


def test_sessions_end_after_twelve_hours_however_active(app, login_as, monkeypatch):
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    clock = Clock(monkeypatch)
    b, _user = login_as(Role.ESCORT)
    for _hour in range(11):
        clock.advance(hours=1)
        assert b.client.get("/companies/").status_code == 200
    clock.advance(minutes=61)
    response = b.client.get("/companies/")
    assert _signed_out(response) and "next=" in response.headers["Location"]


def test_the_absolute_lifetime_is_configurable(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_HOURS", 1)
    clock = Clock(monkeypatch)
    b, _user = login_as(Role.ESCORT)
    clock.advance(minutes=59)
    assert b.client.get("/companies/").status_code == 200
    clock.advance(minutes=2)
    assert _signed_out(b.client.get("/companies/"))


# ---------------------------------------------------------------- cookie flags


def _set_cookie_headers(response) -> list[str]:
    return [v for k, v in response.headers.items() if k.lower() == "set-cookie"]


def test_session_cookie_is_httponly_and_samesite_lax(app, make):
    user = make.user(role=Role.MANAGER)
    b = Browser(app.test_client())
    b.get("/auth/login")
    b.get("/auth/login")
    response = b.post("/auth/login", {"username": user.username, "password": PASSWORD})
    [cookie] = [c for c in _set_cookie_headers(response) if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development unless SESSION_COOKIE_SECURE is set
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_cookies_are_secure_and_hsts_is_sent_when_served_over_https(app):
    from app import create_app

    secure = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    response = secure.test_client().get("/auth/login", base_url="https://localhost")
    [cookie] = [c for c in _set_cookie_headers(response) if c.startswith("session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_defaults_to_secure_cookies():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True and ProductionConfig.REMEMBER_COOKIE_SECURE is True


@pytest.mark.parametrize("header, expected", [
    ("Content-Security-Policy", "default-src 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
])
def test_security_headers_on_every_page(browser, header, expected):
    for url in ("/auth/login", "/no/such/page", "/healthz"):
        assert expected in browser.get(url).headers[header]
    csp = browser.get("/auth/login").headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
