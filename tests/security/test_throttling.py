"""Sign-in throttling (Flask-Limiter): per IP across usernames and per username across IPs, on the
form and on the API token endpoint, answering 429 with a Chinese message; failure answers that do
not tell an unknown username from a wrong password.

The suite's app has RATELIMIT_ENABLED off; these tests run an app of their own with it on. The
limiter is one shared object, so its state is put back afterwards.
"""
import pytest

from app.extensions import db, limiter
from tests.conftest import Browser
from tests.factories import PASSWORD
from tests.security.conftest import isolated_app

LIMIT = 10  # LOGIN_RATE_LIMIT's default: 10 per minute
THROTTLED = "操作过于频繁，请稍后再试。"
WRONG = "用户名或密码不正确。"


@pytest.fixture
def throttled_app(tmp_path):
    saved = dict(limiter.__dict__)
    try:
        with isolated_app(tmp_path, "throttle", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                          TRUSTED_PROXIES=1) as app:
            from tests.factories import Factories

            with app.app_context():
                make = Factories(db.session)
                make.user(role="manager", username="throttle-manager")
                make.user(role="escort", username="throttle-escort")
            limiter.reset()
            yield app
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def _form_login(app, username, password, ip):
    b = Browser(app.test_client())
    b.client.environ_base["REMOTE_ADDR"] = ip
    return b.post("/auth/login", {"username": username, "password": password})


def _api_login(app, username, password, ip):
    return app.test_client().post("/api/v1/tokens", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": ip})


def test_the_form_is_throttled_per_username_across_addresses(throttled_app):
    for n in range(LIMIT):
        response = _form_login(throttled_app, "throttle-manager", "wrong guess", f"10.1.0.{n}")
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    refused = _form_login(throttled_app, "throttle-manager", PASSWORD, "10.1.0.200")  # even the right password
    assert refused.status_code == 429
    assert THROTTLED in refused.get_data(as_text=True) and 'lang="zh-CN"' in refused.get_data(as_text=True)
    # Another account from a fresh address is not affected.
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.1.0.201").status_code == 302


def test_the_form_is_throttled_per_address_across_usernames(throttled_app):
    for n in range(LIMIT):
        assert _form_login(throttled_app, f"guess-{n}", "wrong guess", "10.2.0.1").status_code == 200
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.2.0.1").status_code == 429
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.2.0.2").status_code == 302


def test_the_token_endpoint_is_throttled_per_username_and_per_address(throttled_app):
    for n in range(LIMIT):
        assert _api_login(throttled_app, "throttle-manager", "wrong guess", f"10.3.0.{n}").status_code == 401
    refused = _api_login(throttled_app, "throttle-manager", PASSWORD, "10.3.0.200")
    assert refused.status_code == 429
    assert refused.get_json()["error"] == {"code": "too_many_requests", "message": THROTTLED}

    for n in range(LIMIT):
        assert _api_login(throttled_app, f"guess-{n}", "wrong guess", "10.4.0.1").status_code == 401
    assert _api_login(throttled_app, "throttle-escort", PASSWORD, "10.4.0.1").status_code == 429
    assert _api_login(throttled_app, "throttle-escort", PASSWORD, "10.4.0.2").status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(throttled_app):
    """TRUSTED_PROXIES=1: every request comes from the proxy (127.0.0.1); the client is X-Forwarded-For."""
    def attempt(username, client_ip):
        b = Browser(throttled_app.test_client())
        b.client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_ip})
        return b.post("/auth/login", {"username": username, "password": "wrong guess"})

    for n in range(LIMIT):
        assert attempt(f"proxy-guess-{n}", "203.0.113.7").status_code == 200
    assert attempt("proxy-guess-x", "203.0.113.7").status_code == 429
    assert attempt("proxy-guess-y", "203.0.113.8").status_code == 200  # another client behind the same proxy


def test_browsing_is_not_throttled(throttled_app):
    b = Browser(throttled_app.test_client())
    for _n in range(3 * LIMIT):
        assert b.get("/auth/login").status_code == 200


def test_the_limiter_uses_redis_when_redis_url_is_set(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    try:
        assert importlib.reload(config).Config.RATELIMIT_STORAGE_URI == "redis://cache.internal:6379/0"
        monkeypatch.delenv("REDIS_URL")
        assert importlib.reload(config).Config.RATELIMIT_STORAGE_URI == "memory://"
    finally:
        importlib.reload(config)


# ---------------------------------------------------------------- answers that tell nothing


def test_the_token_endpoint_answers_alike_for_unknown_users_wrong_passwords_and_inactive_accounts(make, app):
    make.user(role="escort", username="token-known")
    make.user(role="escort", username="token-inactive", active=False)
    client = app.test_client()
    answers = [client.post("/api/v1/tokens", json={"username": name, "password": password})
               for name, password in (("token-unknown", PASSWORD), ("token-known", "wrong password!"),
                                      ("token-inactive", PASSWORD))]
    assert {r.status_code for r in answers} == {401}
    assert answers[0].get_json() == answers[1].get_json() == answers[2].get_json()
    assert answers[0].get_json()["error"]["message"] == WRONG


def test_the_form_answers_alike_for_an_inactive_account(app, make):
    make.user(role="escort", username="form-inactive", active=False)
    make.user(role="escort", username="form-known")

    def page(username, password):
        b = Browser(app.test_client())
        return b.post("/auth/login", {"username": username, "password": password}).get_data(as_text=True)

    def strip(text, username):
        return text.replace(f'value="{username}"', "")

    pages = [strip(page(u, p), u) for u, p in (("form-unknown", PASSWORD), ("form-known", "wrong password!"),
                                                ("form-inactive", PASSWORD))]
    import re

    normalised = [re.sub(r'name="csrf_token"[^>]*>', "", p) for p in pages]
    assert normalised[0] == normalised[1] == normalised[2]
