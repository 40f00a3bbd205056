"""`flask demo seed`: a believable district on a fresh database, never under production."""
import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.accounts.models import Role, User
from app.companies.models import CATEGORIES, Company, EscortAssignment
from app.companies.uscc import is_valid
from app.extensions import db, limiter
from app.reference.models import Department, Industry, Town
from tests.conftest import Browser, FreshContextClient

DEMO_ACCOUNTS = ["admin", "manager1", "escort1", "escort2", "helper1", "helper2", "company1", "company2"]
# The functional departments the issue names: tax, HR, land, finance, market regulation.
NAMED_DEPARTMENTS = {"区税务局", "区人力资源和社会保障局", "区自然资源和规划分局", "区财政局（金融办）", "区市场监督管理局"}


def _migrated_app(path, config_name="testing", **overrides):
    app = create_app(config_name, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", **overrides)
    app.test_client_class = FreshContextClient
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    return app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    app = _migrated_app(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def keep_limiter_state():
    """create_app() re-initialises the shared limiter from the new app's config; put it back."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


def test_demo_has_thirty_plus_valid_companies_in_every_category(demo_app):
    with demo_app.app_context():
        companies = db.session.scalars(sa.select(Company)).all()
        assert len(companies) >= 30
        assert {c.category for c in companies} == set(CATEGORIES)
        assert all(is_valid(c.uscc) for c in companies)
        assert len({c.uscc for c in companies}) == len(companies)
        assert len({c.name for c in companies}) == len(companies)
        assert all(c.escort_id is not None for c in companies)
        # Every company's current escort has an open assignment row.
        open_rows = db.session.scalars(sa.select(EscortAssignment).where(EscortAssignment.ended_at.is_(None))).all()
        assert {(a.company_id, a.escort_id) for a in open_rows} == {(c.id, c.escort_id) for c in companies}
        assert any(c.is_above_scale for c in companies) and not all(c.is_above_scale for c in companies)


def test_demo_reference_lists(demo_app):
    with demo_app.app_context():
        departments = set(db.session.scalars(sa.select(Department.name)))
        assert NAMED_DEPARTMENTS <= departments
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Town)) >= 20
        assert {"A", "C", "I", "T"} <= set(db.session.scalars(sa.select(Industry.code)))


def test_demo_accounts_have_their_roles(demo_app):
    with demo_app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        assert set(DEMO_ACCOUNTS) <= set(users)
        assert users["admin"].role == Role.ADMIN and users["manager1"].role == Role.MANAGER
        assert {users["helper1"].department_id, users["helper2"].department_id} <= set(
            db.session.scalars(sa.select(Department.id))
        )
        assert users["helper1"].department_id != users["helper2"].department_id
        assert users["company1"].company_id and users["company2"].company_id
        assert users["company1"].company_id != users["company2"].company_id
        # Each of the escorts serves somebody.
        for name in ("escort1", "escort2"):
            assert db.session.scalar(
                sa.select(sa.func.count()).select_from(Company).where(Company.escort_id == users[name].id)
            ) > 0


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_each_demo_account_logs_in_and_lands_on_its_home(demo_app, username):
    with demo_app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == username)).one()
        company = db.session.get(Company, user.company_id) if user.company_id else None
        company_name = company.name if company else None
        db.session.remove()

    b = Browser(demo_app.test_client())
    response = b.login(username, demo_app.config["DEMO_PASSWORD"])
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    path = None
    for _ in range(5):
        if response.status_code != 302:
            break
        path = response.headers["Location"]
        response = b.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if user.role in Role.STAFF:
        assert path == ("/dashboard" if user.role in (Role.ADMIN, Role.MANAGER) else "/home")
    else:
        assert company_name in text
        assert path not in ("/companies/", "/auth/password", "/auth/profile")


def test_demo_password_is_the_configured_one(demo_app):
    assert demo_app.config["DEMO_PASSWORD"] == "peipao-demo"
    b = Browser(demo_app.test_client())
    assert b.login("manager1", "wrong-password").status_code == 200


def test_seed_refuses_a_database_that_has_data(demo_app):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "not empty" in result.output
    skipped = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert skipped.exit_code == 0 and "skipped" in skipped.output
    with demo_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == "admin")) == 1


def test_accounts_command_lists_the_logins(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "accounts"])
    assert result.exit_code == 0
    for username in DEMO_ACCOUNTS:
        assert username in result.output
    assert "peipao-demo" in result.output


def _refuses(app) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "production" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 0
        db.session.remove()
        db.engine.dispose()


def test_seed_refuses_under_the_production_configuration(tmp_path, keep_limiter_state):
    app = _migrated_app(tmp_path / "prod.sqlite3", "production", SECRET_KEY="a-real-secret-for-this-test")
    assert app.config["IS_PRODUCTION"]
    _refuses(app)


def test_seed_refuses_when_peipao_env_says_production(tmp_path, monkeypatch, keep_limiter_state):
    monkeypatch.setenv("PEIPAO_ENV", "production")
    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'env.sqlite3'}", SECRET_KEY="another-secret")
    assert app.config["IS_PRODUCTION"]
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    _refuses(app)


def test_production_refuses_to_start_without_a_secret_key(tmp_path, keep_limiter_state):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                   SECRET_KEY="dev-only-not-secret")
