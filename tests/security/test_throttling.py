"""Sign-in throttling without lock-outs (app/accounts/throttling.py): failed sign-ins count per
(username, address) and per address, shared by the form and the API token endpoint; a correct
password from another address still signs in; with the rate-limit storage unreachable (Redis down)
signing in still works and brute force is still throttled, from memory.

The suite's app has RATELIMIT_ENABLED off; these tests run an app of their own with it on. The
Flask-Limiter object is shared, so its state is put back afterwards.
"""
import logging

import pytest

from app.extensions import db, limiter
from tests.conftest import Browser
from tests.factories import PASSWORD
from tests.security.conftest import isolated_app

LIMIT = 10  # LOGIN_RATE_LIMIT's default: 10 failures per minute per (username, address)
ADDRESS_LIMIT = 30  # LOGIN_ADDRESS_RATE_LIMIT's default: 30 failures per minute per address
THROTTLED = "操作过于频繁，请稍后再试。"
WRONG = "用户名或密码不正确。"


def _app(tmp_path, **overrides):
    saved = dict(limiter.__dict__)
    try:
        settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": 1,
                    **overrides}
        with isolated_app(tmp_path, "throttle", **settings) as app:
            from tests.factories import Factories

            with app.app_context():
                make = Factories(db.session)
                make.user(role="manager", username="throttle-manager")
                make.user(role="escort", username="throttle-escort")
            yield app
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


@pytest.fixture
def throttled_app(tmp_path):
    yield from _app(tmp_path)


@pytest.fixture
def redis_down_app(tmp_path):
    """REDIS_URL set, nothing listening there (port 1 refuses at once)."""
    yield from _app(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", REDIS_URL="redis://127.0.0.1:1/0")


def _form_login(app, username, password, ip):
    b = Browser(app.test_client())
    b.client.environ_base["REMOTE_ADDR"] = ip
    return b.post("/auth/login", {"username": username, "password": password})


def _api_login(app, username, password, ip):
    return app.test_client().post("/api/v1/tokens", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": ip})


def test_brute_force_from_one_address_is_throttled_for_that_account(throttled_app):
    for _n in range(LIMIT):
        response = _form_login(throttled_app, "throttle-manager", "wrong guess", "10.1.0.1")
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    refused = _form_login(throttled_app, "throttle-manager", PASSWORD, "10.1.0.1")  # even the right password
    assert refused.status_code == 429
    assert THROTTLED in refused.get_data(as_text=True) and 'lang="zh-CN"' in refused.get_data(as_text=True)
    # The same address may still sign in to another account it has not been guessing.
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.1.0.1").status_code == 302


def test_no_lock_out_the_right_password_from_a_fresh_address_signs_in(throttled_app):
    """The attack pass's scenario: 40 wrong passwords from rotating addresses, then the owner."""
    for n in range(40):
        assert _form_login(throttled_app, "throttle-manager", "wrong guess", f"10.5.0.{n}").status_code == 200
    for n in range(10):
        assert _api_login(throttled_app, "throttle-manager", "wrong guess", f"10.5.1.{n}").status_code == 401
    assert _form_login(throttled_app, "throttle-manager", PASSWORD, "10.5.2.1").status_code == 302
    assert _api_login(throttled_app, "throttle-manager", PASSWORD, "10.5.2.2").status_code == 201


def test_the_form_and_the_token_endpoint_share_one_count(throttled_app):
    for _n in range(LIMIT // 2):
        assert _form_login(throttled_app, "throttle-manager", "wrong guess", "10.6.0.1").status_code == 200
        assert _api_login(throttled_app, "throttle-manager", "wrong guess", "10.6.0.1").status_code == 401
    assert _form_login(throttled_app, "throttle-manager", PASSWORD, "10.6.0.1").status_code == 429
    refused = _api_login(throttled_app, "throttle-manager", PASSWORD, "10.6.0.1")
    assert refused.status_code == 429
    assert refused.get_json()["error"] == {"code": "too_many_requests", "message": THROTTLED}


def test_password_spraying_from_one_address_is_throttled_across_usernames(throttled_app):
    for n in range(ADDRESS_LIMIT):
        assert _form_login(throttled_app, f"guess-{n}", "wrong guess", "10.2.0.1").status_code == 200
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.2.0.1").status_code == 429
    assert _api_login(throttled_app, "throttle-escort", PASSWORD, "10.2.0.1").status_code == 429
    assert _form_login(throttled_app, "throttle-escort", PASSWORD, "10.2.0.2").status_code == 302


def test_successful_sign_ins_do_not_count(throttled_app):
    """An office behind one address: many people signing in is not an attack."""
    for _n in range(ADDRESS_LIMIT + 5):
        assert _api_login(throttled_app, "throttle-escort", PASSWORD, "10.7.0.1").status_code == 201


def test_a_successful_sign_in_clears_that_accounts_failures_from_that_address(throttled_app):
    for _n in range(LIMIT - 1):
        _form_login(throttled_app, "throttle-manager", "typo", "10.8.0.1")
    assert _form_login(throttled_app, "throttle-manager", PASSWORD, "10.8.0.1").status_code == 302
    for _n in range(LIMIT - 1):
        assert _form_login(throttled_app, "throttle-manager", "typo", "10.8.0.1").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(throttled_app):
    """TRUSTED_PROXIES=1: every request comes from the proxy (127.0.0.1); the client is X-Forwarded-For."""
    def attempt(username, client_ip, password="wrong guess"):
        b = Browser(throttled_app.test_client())
        b.client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_ip})
        return b.post("/auth/login", {"username": username, "password": password})

    for _n in range(LIMIT):
        assert attempt("throttle-manager", "203.0.113.7").status_code == 200
    assert attempt("throttle-manager", "203.0.113.7").status_code == 429
    assert attempt("throttle-manager", "203.0.113.8", PASSWORD).status_code == 302  # another client, same proxy


def test_browsing_is_not_throttled(throttled_app):
    b = Browser(throttled_app.test_client())
    for _n in range(3 * ADDRESS_LIMIT):
        assert b.get("/auth/login").status_code == 200


def test_signing_in_works_while_redis_is_down_and_brute_force_stays_throttled(redis_down_app, caplog):
    caplog.set_level(logging.WARNING)
    assert _form_login(redis_down_app, "throttle-escort", PASSWORD, "10.9.0.1").status_code == 302
    assert _api_login(redis_down_app, "throttle-escort", PASSWORD, "10.9.0.1").status_code == 201
    for _n in range(LIMIT):
        assert _form_login(redis_down_app, "throttle-manager", "wrong guess", "10.9.0.2").status_code == 200
    assert _api_login(redis_down_app, "throttle-manager", PASSWORD, "10.9.0.2").status_code == 429
    assert _form_login(redis_down_app, "throttle-manager", PASSWORD, "10.9.0.3").status_code == 302
    warnings = [r for r in caplog.records if "storage unreachable" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not per request


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
