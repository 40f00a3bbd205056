"""The attack pass's other findings: private downloads kept out of the browser's store, a password
change revoking the person's API tokens, and the one-off inputs (URL ids, pre-filled forms, the
language switch) that are not in a form's fields."""
import sqlalchemy as sa

from app.accounts.models import ApiToken
from tests.factories import PASSWORD

NEW_PASSWORD = "a long new passphrase 2026"


# ---------------------------------------------------------------- downloads


def test_every_authenticated_download_is_no_store(world):
    ids = world.ids
    cases = [
        ("company", f"/portal/problems/{ids['ticket:a']}/attachments/{ids['attachment:a']}"),
        ("escort", f"/tickets/{ids['ticket:a']}/attachments/{ids['attachment:a']}"),
        ("escort", f"/visits/{ids['visit:a']}/photos/{ids['photo:a']}"),
        ("escort", f"/visits/{ids['visit:a']}/photos/{ids['photo:a']}?download=1"),
        ("manager", "/tickets/export.xlsx"),
        ("manager", "/companies/export.xlsx"),
        ("manager", "/visits/export.xlsx"),
        ("manager", "/rankings/export.xlsx"),
        ("manager", "/companies/import/template.xlsx"),
    ]
    for role, url in cases:
        response = world.browsers[role].get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", (url, response.headers["Cache-Control"])
        assert "max-age" not in response.headers["Cache-Control"]


def test_api_answers_are_no_store(world):
    client = world.browsers["anonymous"].client
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.tokens['escort']}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(world):
    response = world.browsers["escort"].get("/static/css/app.css")
    assert response.headers.get("Cache-Control") != "no-store"


# ---------------------------------------------------------------- password change and tokens


def _live_tokens(db_session, user):
    return db_session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                        ApiToken.revoked_at.is_(None))).all()


def test_changing_ones_password_revokes_ones_tokens_by_default(login_as, api, db_session):
    browser, user = login_as("escort")
    for _n in range(2):
        api(user=user)
    page = browser.get("/auth/password").get_data(as_text=True)
    assert "同时吊销我的全部 API 令牌" in page and 'name="revoke_tokens"' in page and "checked" in page
    response = browser.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD, "revoke_tokens": "y"})
    assert response.status_code == 302
    landing = browser.follow(response)
    while landing.status_code == 302:
        landing = browser.follow(landing)
    assert "您的 2 个 API 令牌已吊销" in landing.get_data(as_text=True)
    db_session.expire_all()
    assert _live_tokens(db_session, user) == []


def test_a_password_change_can_keep_the_tokens(login_as, api, db_session):
    browser, user = login_as("escort")
    client, _user, headers = api(user=user)
    response = browser.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})  # box unticked
    assert response.status_code == 302
    db_session.expire_all()
    assert len(_live_tokens(db_session, user)) == 1
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_revoked_token_no_longer_works_after_the_change(login_as, api):
    browser, user = login_as("escort")
    client, _user, headers = api(user=user)
    browser.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                    "confirm": NEW_PASSWORD, "revoke_tokens": "y"})
    assert client.get("/api/v1/me", headers=headers).status_code == 401


# ---------------------------------------------------------------- inputs outside a form's fields


def test_ids_in_urls_beyond_an_integer_column_are_404(world):
    manager = world.browsers["manager"]
    for url in ("/tickets/2147483648", "/tickets/99999999999999999999", "/companies/2147483648",
                "/visits/99999999999999999999", "/staff/2147483648"):
        assert manager.get(url).status_code == 404, url


def test_prefilled_forms_ignore_out_of_range_query_values(world):
    assert world.browsers["escort"].get("/visits/new?company_id=99999999999999999999").status_code == 200
    assert world.browsers["manager"].get("/tickets/new?company_id=2147483648").status_code == 200
    assert world.browsers["admin"].get("/admin/settings/calendar/new?day=0001-01-01").status_code == 200
    assert world.browsers["manager"].get("/admin/settings/calendar?year=99999999999&month=-5").status_code == 200


def test_the_language_switch_never_follows_a_next_with_control_characters(world):
    browser = world.browsers["anonymous"]
    browser.get("/auth/login")
    response = browser.client.post("/language", data={"lang": "zh", "next": "/auth/login?\x00",
                                                      "csrf_token": browser._csrf})
    assert response.status_code == 302 and "%00" not in response.headers["Location"]


def test_a_portal_account_switch_with_a_bad_value_changes_nothing(world):
    ids = world.ids
    browser = world.browsers["manager"]
    browser.get(f"/companies/{ids['company:a']}")
    url = f"/companies/{ids['company:a']}/accounts/{ids['company_user:a']}/active"
    assert browser.client.post(url, data={"active": "0\x00", "csrf_token": browser._csrf}).status_code == 400
    assert world.browsers["company"].get("/portal/").status_code == 200  # still signed in: not deactivated
