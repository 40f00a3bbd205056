"""The fixtures themselves: a test's writes stay inside its rolled-back transaction, and
requests in one test do not share `g` (signed-in user, CSRF token, locale)."""
import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from tests.conftest import Browser


def _visible_elsewhere(username: str) -> int:
    """Count from another pooled connection, with a bare DB-API cursor (no BEGIN, so no lock wait)."""
    other = db.engine.raw_connection()
    try:
        cursor = other.cursor()
        placeholder = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
        cursor.execute(f"SELECT count(*) FROM users WHERE username = {placeholder}", (username,))
        return cursor.fetchone()[0]
    finally:
        other.rollback()
        other.close()


def test_factory_and_view_commits_stay_inside_the_test_transaction(make, login_as, db_session):
    make.user(username="isolation-probe")
    b, _manager = login_as(Role.MANAGER)
    b.post("/language", {"lang": "en", "next": "/"}, form_page="/auth/login")  # a view's own commit
    assert db_session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) >= 2
    assert _visible_elsewhere("isolation-probe") == 0


def test_two_browsers_in_one_test_do_not_share_a_login(app, login_as):
    b, manager = login_as(Role.MANAGER)
    stranger = Browser(app.test_client())
    login_page = stranger.get("/auth/login")
    assert login_page.status_code == 200  # not "already signed in" through a shared g
    assert manager.name not in login_page.get_data(as_text=True)
    assert b.get("/companies/").status_code == 200
    assert stranger.get("/companies/").status_code == 302
