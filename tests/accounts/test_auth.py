"""Signing in and out, the first-login password change, CSRF, `next`, and the language switch."""
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.passwords import verify_password
from app.core.models import AuditLog
from tests.conftest import Browser
from tests.factories import PASSWORD

WRONG_CREDENTIALS = "用户名或密码不正确。"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _fresh(db_session, user) -> User:
    """The user as stored now (requests commit in their own session)."""
    db_session.expire_all()
    return db_session.get(User, user.id)


def test_login_page_is_chinese_and_has_csrf(browser):
    response = browser.get("/auth/login")
    text = _text(response)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in text
    assert "登录陪跑平台" in text
    assert 'name="csrf_token"' in text


def test_anonymous_visitor_is_sent_to_login_with_next(browser):
    response = browser.get("/companies/?q=abc")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def _land(b, response):
    """Follow redirects like a browser; (final path, final response)."""
    path = None
    for _ in range(5):
        if response.status_code != 302:
            return path, response
        path = response.headers["Location"]
        response = b.get(path)
    raise AssertionError("redirect loop")


@pytest.mark.parametrize("role, home", [(Role.ADMIN, "/dashboard"), (Role.MANAGER, "/dashboard"),
                                        (Role.ESCORT, "/home"), (Role.HELPER, "/home")])
def test_staff_login_lands_on_their_home(app, make, role, home):
    user = make.user(role=role)
    b = Browser(app.test_client())
    path, page = _land(b, b.login(user.username))
    assert path == home
    assert page.status_code == 200
    assert user.name in _text(page)


def test_company_user_login_lands_on_own_company(app, make):
    company = make.company(name="杭州落地页测试有限公司")
    make.company(name="杭州别家企业有限公司")
    user = make.user(role=Role.COMPANY, company=company)
    b = Browser(app.test_client())
    path, page = _land(b, b.login(user.username))
    assert page.status_code == 200
    assert path not in ("/companies/", "/auth/login", "/auth/profile")
    assert "杭州落地页测试有限公司" in _text(page)
    assert "杭州别家企业有限公司" not in _text(page)


def test_login_success_records_time_and_audit(browser, make, db_session):
    user = make.user(role=Role.MANAGER)
    assert browser.login(user.username).status_code == 302
    assert _fresh(db_session, user).last_login_at is not None
    actions = db_session.scalars(sa.select(AuditLog.action).where(AuditLog.actor_id == user.id)).all()
    assert "login" in actions


def test_unknown_user_and_wrong_password_get_the_same_answer(browser, make):
    user = make.user(role=Role.ESCORT)
    unknown = browser.login("no-such-person", PASSWORD)
    wrong = browser.login(user.username, "not the password at all")
    for response in (unknown, wrong):
        assert response.status_code == 200
        assert WRONG_CREDENTIALS in _text(response)
    # Nothing else on the page tells the two apart.
    assert "no-such-person" not in _text(unknown).replace('value="no-such-person"', "")
    assert browser.get("/companies/").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(browser, make):
    user = make.user(role=Role.MANAGER, active=False)
    response = browser.login(user.username)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in _text(response)


def test_failed_login_is_audited(browser, make, db_session):
    user = make.user(role=Role.ESCORT)
    browser.login(user.username, "wrong password here")
    failures = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "login_failed", AuditLog.object_id == user.id)
    ).all()
    assert len(failures) == 1


def test_logout_is_post_only(login_as):
    b, _user = login_as(Role.MANAGER)
    assert b.get("/auth/logout").status_code == 405
    assert b.get("/companies/").status_code == 200  # a GET did not sign anyone out


def test_logout_ends_the_session_and_an_old_cookie_is_refused(login_as):
    b, _user = login_as(Role.MANAGER)
    assert b.get("/companies/").status_code == 200
    old_cookie = b.client.get_cookie("session").value

    response = b.post("/auth/logout", form_page="/companies/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "您已退出登录。" in _text(b.follow(response))
    assert b.get("/companies/").status_code == 302

    # Replaying the cookie from before the logout does not sign anyone in.
    b.client.set_cookie("session", old_cookie)
    response = b.get("/companies/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- first login: the password must be changed before anything else --------------------------


@pytest.fixture
def first_login(app, make):
    """A manager signed in with must_change_password set, plus a company for typed URLs."""
    company = make.company()
    user = make.user(role=Role.MANAGER, must_change_password=True)
    b = Browser(app.test_client())
    response = b.login(user.username)
    assert response.headers["Location"] == "/auth/password"
    return b, user, company


@pytest.mark.parametrize(
    "url", ["/", "/companies/", "/companies/new", "/companies/{id}", "/companies/{id}/edit", "/auth/profile",
            "/admin/reference/towns", "/no-such-page"],
)
def test_must_change_password_redirects_every_page(first_login, url):
    b, _user, company = first_login
    response = b.get(url.format(id=company.id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/password"


def test_must_change_password_blocks_posts_too(first_login, db_session):
    b, user, _company = first_login
    b.get("/auth/password")  # pick up a CSRF token
    response = b.post("/auth/profile", {"name": "sneaky"}, form_page="/auth/password")
    assert response.headers["Location"] == "/auth/password"
    assert db_session.scalar(sa.text("SELECT count(*) FROM api_tokens WHERE user_id = :u"), {"u": user.id}) == 0


def test_first_login_page_explains_and_change_unlocks(first_login, db_session):
    b, user, _company = first_login
    page = b.get("/auth/password")
    assert page.status_code == 200
    assert "首次登录请先修改密码。" in _text(page)
    new_password = "a brand new passphrase"
    response = b.post(
        "/auth/password",
        {"current_password": PASSWORD, "new_password": new_password, "confirm": new_password},
    )
    path, page = _land(b, response)
    assert path == "/dashboard" and page.status_code == 200
    assert b.get("/companies/new").status_code == 200
    stored = _fresh(db_session, user)
    assert stored.must_change_password is False
    assert verify_password(stored.password_hash, new_password)


def test_company_user_first_login_goes_to_own_company_after_change(app, make):
    company = make.company(name="杭州首登企业有限公司")
    user = make.user(role=Role.COMPANY, company=company, must_change_password=True)
    b = Browser(app.test_client())
    assert b.login(user.username).headers["Location"] == "/auth/password"
    assert b.get(f"/companies/{company.id}").headers["Location"] == "/auth/password"
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": "qiye2024ok",
                                         "confirm": "qiye2024ok"})
    _path, page = _land(b, response)
    assert page.status_code == 200
    assert "杭州首登企业有限公司" in _text(page)
    assert b.get(f"/companies/{company.id}").status_code == 200


# --- change password: each rule, with its message ----------------------------------------------


@pytest.mark.parametrize(
    "role, current, new, confirm, message",
    [
        (Role.ESCORT, "this is not it", "a long enough new one", "a long enough new one", "当前密码不正确。"),
        (Role.ESCORT, PASSWORD, "Short1pass!", "Short1pass!", "密码至少需要12个字符。"),  # 11 characters
        (Role.COMPANY, PASSWORD, "Qy2024!", "Qy2024!", "密码至少需要8个字符。"),  # 7 characters
        (Role.MANAGER, PASSWORD, "administrator", "administrator", "这个密码太常见，很容易被猜到，请换一个。"),
        (Role.COMPANY, PASSWORD, "password123", "password123", "这个密码太常见，很容易被猜到，请换一个。"),
        (Role.MANAGER, PASSWORD, "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "这个密码太常见，很容易被猜到，请换一个。"),
        (Role.ESCORT, PASSWORD, "a long enough new one", "a long enough new two", "两次输入的新密码不一致。"),
        (Role.ESCORT, PASSWORD, PASSWORD, PASSWORD, "新密码不能与当前密码相同。"),
    ],
    ids=["wrong-current", "staff-too-short", "company-too-short", "common", "common-company", "repetitive",
         "mismatch", "unchanged"],
)
def test_change_password_is_refused_with_a_reason(login_as, db_session, role, current, new, confirm, message):
    b, user = login_as(role)
    old_hash = user.password_hash
    response = b.post("/auth/password", {"current_password": current, "new_password": new, "confirm": confirm})
    assert response.status_code == 200
    assert message in _text(response)
    assert _fresh(db_session, user).password_hash == old_hash


def test_password_containing_username_is_refused(login_as):
    b, user = login_as(Role.ESCORT)
    new = f"my {user.username} password"
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert "密码不能包含您的用户名、姓名或系统名称。" in _text(response)


def test_company_user_may_use_eight_characters_but_staff_may_not(login_as, db_session):
    b, company_user = login_as(Role.COMPANY)
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": "Hz7#qpLm", "confirm": "Hz7#qpLm"})
    assert response.status_code == 302
    assert verify_password(_fresh(db_session, company_user).password_hash, "Hz7#qpLm")

    b, _escort = login_as(Role.ESCORT)
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": "Hz7#qpLm", "confirm": "Hz7#qpLm"})
    assert "密码至少需要12个字符。" in _text(response)


def test_change_password_ends_other_sessions_but_keeps_this_one(app, login_as, db_session):
    b, user = login_as(Role.ESCORT)
    other = Browser(app.test_client())
    other.login(user.username)
    assert other.get("/companies/").status_code == 200

    new = "another fine passphrase"
    response = b.post("/auth/password", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert "密码已修改。" in _text(_land(b, response)[1])
    assert b.get("/companies/").status_code == 200
    assert other.get("/companies/").status_code == 302

    fresh = Browser(app.test_client())
    assert WRONG_CREDENTIALS in _text(fresh.login(user.username, PASSWORD))
    assert fresh.login(user.username, new).status_code == 302


# --- CSRF ---------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(browser, make):
    user = make.user(role=Role.MANAGER)
    response = browser.post("/auth/login", {"username": user.username, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "页面已过期或表单无效，请返回并刷新页面后重新提交。" in _text(response)
    assert browser.get("/companies/").status_code == 302


def test_change_password_without_csrf_token_changes_nothing(login_as, db_session):
    b, user = login_as(Role.ESCORT)
    new = "another fine passphrase"
    response = b.post(
        "/auth/password", {"current_password": PASSWORD, "new_password": new, "confirm": new}, csrf=False
    )
    assert response.status_code == 400
    assert verify_password(_fresh(db_session, user).password_hash, PASSWORD)


def test_logout_without_csrf_token_keeps_the_session(login_as):
    b, _user = login_as(Role.MANAGER)
    assert b.post("/auth/logout", csrf=False).status_code == 400
    assert b.get("/companies/").status_code == 200


def test_forged_csrf_token_is_refused(login_as, db_session):
    b, user = login_as(Role.ESCORT)
    new = "another fine passphrase"
    response = b.post(
        "/auth/password",
        {"current_password": PASSWORD, "new_password": new, "confirm": new, "csrf_token": "forged"},
        csrf=False,
    )
    assert response.status_code == 400
    assert verify_password(_fresh(db_session, user).password_hash, PASSWORD)


# --- next ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/companies/new", "/companies/new"),
        ("/companies/?q=%E6%9D%AD", "/companies/?q=%E6%9D%AD"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("companies/", "/"),
    ],
)
def test_next_only_follows_same_site_paths(browser, make, target, expected):
    user = make.user(role=Role.MANAGER)
    url = "/auth/login?" + urlencode({"next": target})
    response = browser.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_next_from_a_protected_page_round_trip(browser, make):
    make.user(role=Role.MANAGER, username="roundtrip")
    response = browser.get("/companies/new")
    login_url = response.headers["Location"]
    response = browser.post(login_url, {"username": "roundtrip", "password": PASSWORD})
    assert response.headers["Location"] == "/companies/new"


# --- language -----------------------------------------------------------------------------------


def test_language_switch_persists_for_the_user(app, login_as, db_session):
    b, user = login_as(Role.ESCORT)
    response = b.post("/language", {"lang": "en", "next": "/companies/"}, form_page="/companies/")
    assert response.headers["Location"] == "/companies/"
    assert 'lang="en"' in _text(b.get("/companies/"))
    assert _fresh(db_session, user).locale == "en"

    # A new browser, a new login: still English.
    other = Browser(app.test_client())
    assert 'lang="zh-CN"' in _text(other.get("/auth/login"))
    other.login(user.username)
    assert 'lang="en"' in _text(other.get("/companies/"))

    b.post("/language", {"lang": "zh", "next": "/companies/"}, form_page="/companies/")
    assert 'lang="zh-CN"' in _text(b.get("/companies/"))


def test_anonymous_language_switch_uses_the_session(browser):
    response = browser.post("/language", {"lang": "en", "next": "/auth/login"}, form_page="/auth/login")
    assert response.headers["Location"] == "/auth/login"
    assert 'lang="en"' in _text(browser.get("/auth/login"))


def test_unknown_language_and_foreign_next_are_ignored(login_as, db_session):
    b, user = login_as(Role.ESCORT)
    response = b.post("/language", {"lang": "fr", "next": "https://evil.example/"}, form_page="/companies/")
    assert response.headers["Location"] == "/"
    assert _fresh(db_session, user).locale == "zh"


def test_language_switch_without_csrf_token_is_refused(login_as, db_session):
    b, user = login_as(Role.ESCORT)
    assert b.post("/language", {"lang": "en"}, csrf=False).status_code == 400
    assert _fresh(db_session, user).locale == "zh"


def test_signed_in_pages_are_not_cached(login_as):
    b, _user = login_as(Role.MANAGER)
    assert b.get("/companies/").headers.get("Cache-Control") == "no-store"
    b.post("/auth/logout", form_page="/companies/")
    assert "no-store" not in (b.get("/auth/login").headers.get("Cache-Control") or "")


def test_session_ends_after_the_absolute_lifetime(app, login_as):
    b, _user = login_as(Role.MANAGER)
    with b.client.session_transaction() as session:
        session["login_at"] -= (app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 60)
    response = b.get("/companies/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert b.get("/companies/").status_code == 302  # the session was cleared, not just this request refused


def test_deactivated_user_is_signed_out_at_the_next_request(login_as, db_session):
    b, user = login_as(Role.ESCORT)
    assert b.get("/companies/").status_code == 200
    user.active = False
    db_session.commit()
    assert b.get("/companies/").status_code == 302
