"""Portal accounts created from the company page, and progress on the company's category goal."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.passwords import verify_password
from app.core.timeutil import local_today
from tests.conftest import Browser
from tests.personnel.helpers import audit_actions, fresh_company, fresh_user, temp_password, text


def _account_form(username="zhang.portal", name="张会计", phone="13700000000"):
    return {"username": username, "name": name, "phone": phone, "password": ""}


def test_escort_creates_portal_account_for_own_company(app, login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    company = make.company(escort=escort, name="杭州门户账号测试有限公司")
    url = f"/companies/{company.id}"
    response = browser.post(f"{url}/accounts", _account_form(), form_page=url)
    assert response.status_code == 200
    password = temp_password(response)
    assert "只显示这一次" in text(response)

    account = db_session.scalars(sa.select(User).where(User.username == "zhang.portal")).one()
    assert (account.role, account.company_id, account.must_change_password, account.phone) == (
        Role.COMPANY, company.id, True, "13700000000")
    assert verify_password(account.password_hash, password)
    assert "portal_account_created" in audit_actions(db_session, "users", account.id)
    assert "zhang.portal" in text(browser.get(url))  # listed on the company page

    portal = Browser(app.test_client())
    assert portal.login("zhang.portal", password).headers["Location"] == "/auth/password"
    assert portal.get(url).headers["Location"] == "/auth/password"


def test_manager_creates_portal_account_and_duplicate_username_is_refused(login_as, make, db_session):
    make.user(role=Role.ESCORT, username="taken.name")
    company = make.company()
    browser, _ = login_as(Role.MANAGER)
    url = f"/companies/{company.id}"
    response = browser.post(f"{url}/accounts", _account_form(username="taken.name"), form_page=url)
    assert response.status_code == 200
    assert "用户名“taken.name”已被使用，请换一个。" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User).where(User.company_id == company.id)) == 0
    temp_password(browser.post(f"{url}/accounts", _account_form(username="fresh.name"), form_page=url))


@pytest.mark.parametrize("who", ["other_escort", "helper", "company_user"])
def test_others_cannot_create_portal_accounts(login_as, make, db_session, who):
    company = make.company(escort=make.user(role=Role.ESCORT))
    if who == "other_escort":
        browser, _ = login_as(Role.ESCORT)
        expected = 404
    elif who == "helper":
        browser, _ = login_as(Role.HELPER)
        expected = 404
    else:
        browser, _ = login_as(Role.COMPANY, company=company, must_change_password=False)
        expected = 403
    response = browser.post(f"/companies/{company.id}/accounts", _account_form(), form_page="/auth/password")
    assert response.status_code == expected
    assert db_session.scalar(sa.select(User.id).where(User.username == "zhang.portal")) is None


def test_company_users_do_not_see_the_account_form(login_as, make):
    company = make.company()
    browser, _ = login_as(Role.COMPANY, company=company)
    page = text(browser.get(f"/companies/{company.id}"))
    assert "新建企业账号" not in page and "更新目标进度" not in page


def test_escort_resets_and_deactivates_a_portal_account(app, login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    company = make.company(escort=escort)
    account = make.user(role=Role.COMPANY, company=company)
    portal = Browser(app.test_client())
    portal.login(account.username)
    url = f"/companies/{company.id}"

    response = browser.post(f"{url}/accounts/{account.id}/password", {}, form_page=url)
    password = temp_password(response)
    stored = fresh_user(db_session, account)
    assert stored.must_change_password and verify_password(stored.password_hash, password)
    assert portal.get(url).headers["Location"].startswith("/auth/login")

    response = browser.post(f"{url}/accounts/{account.id}/active", {"active": "0"}, form_page=url)
    assert response.status_code == 302
    assert fresh_user(db_session, account).active is False
    response = browser.post(f"{url}/accounts/{account.id}/active", {"active": "1"}, form_page=url)
    assert fresh_user(db_session, account).active is True


def test_portal_account_of_another_company_is_404(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    mine = make.company(escort=escort)
    theirs = make.user(role=Role.COMPANY)  # belongs to some other company
    url = f"/companies/{mine.id}"
    response = browser.post(f"{url}/accounts/{theirs.id}/active", {"active": "0"}, form_page=url)
    assert response.status_code == 404
    assert fresh_user(db_session, theirs).active is True


# ---------------------------------------------------------------- goal progress


def test_escort_updates_goal_progress_shown_and_filterable(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    company = make.company(escort=escort, name="杭州目标达成测试有限公司", category="upgrade")
    other = make.company(escort=escort, name="杭州目标未动测试有限公司")
    url = f"/companies/{company.id}"
    day = local_today() - timedelta(days=2)
    response = browser.post(f"{url}/goal", {
        "goal_status": "achieved", "goal_updated_on": day.isoformat(), "goal_note": "已纳入升规培育库"}, form_page=url)
    assert response.status_code == 302
    stored = fresh_company(db_session, company)
    assert (stored.goal_status, stored.goal_updated_on, stored.goal_note) == ("achieved", day, "已纳入升规培育库")
    assert "goal_updated" in audit_actions(db_session, "companies", company.id)

    page = text(browser.follow(response))
    assert "已达成" in page and "已纳入升规培育库" in page and day.isoformat() in page
    listed = text(browser.get("/companies/?goal_status=achieved"))
    assert company.name in listed and other.name not in listed


def test_goal_date_cannot_be_in_the_future(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    company = make.company(escort=escort)
    url = f"/companies/{company.id}"
    future = local_today() + timedelta(days=3)
    response = browser.post(f"{url}/goal", {"goal_status": "in_progress", "goal_updated_on": future.isoformat()},
                            form_page=url)
    assert response.status_code == 200
    assert "日期不能晚于今天。" in text(response)
    assert fresh_company(db_session, company).goal_status == "not_started"


def test_manager_may_update_goal_but_company_user_may_not(login_as, make, db_session):
    company = make.company(escort=make.user(role=Role.ESCORT))
    url = f"/companies/{company.id}"
    user_browser, _ = login_as(Role.COMPANY, company=company)
    response = user_browser.post(f"{url}/goal", {"goal_status": "achieved", "goal_updated_on": "2025-01-02"},
                                 form_page=url)
    assert response.status_code == 403
    assert fresh_company(db_session, company).goal_status == "not_started"

    browser, _ = login_as(Role.MANAGER)
    response = browser.post(f"{url}/goal", {"goal_status": "in_progress", "goal_updated_on": "2025-01-02"},
                            form_page=url)
    assert response.status_code == 302
    stored = fresh_company(db_session, company)
    assert (stored.goal_status, stored.goal_updated_on) == ("in_progress", date(2025, 1, 2))
