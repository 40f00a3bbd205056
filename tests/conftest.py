"""Test fixtures: the app on a migrated database, a rollback session per test,
browser-like clients that log in through the real form, and a query counter.

The schema is created by running the Alembic migrations (never create_all), so
every migration runs on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.
"""
import contextvars
import os
import re
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from flask import has_request_context, request
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.extensions import db
from tests import factories

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _reset_database(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Flask reuses an app context that is already pushed (the test body's, see db_session),
    which would share `g` between requests: Flask-Login's cached user, the CSRF token,
    the Babel locale. Running the request in an empty contextvars.Context prevents that.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upload_dir = tmp_path_factory.mktemp("uploads")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(upload_dir))
    app.test_client_class = FreshContextClient
    with app.app_context():
        _reset_database(db.engine)
        flask_migrate.upgrade(revision="heads")

    @app.teardown_request
    def _end_request_session(_exc):
        db.session.remove()

    return app


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine in get_bind() and so ignores a
    `bind=connection`; this one stays on the test's connection, inside its outer transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db_session(app):
    """Every test runs inside one outer transaction that is rolled back at the end.

    Requests get their own session (as in production, so the identity map hides
    nothing); the test body has another. Both join the outer transaction through
    savepoints, so commits in views are real commits from their point of view.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()

        def scope():
            # A request's session is per request; outside one, per app context: the test
            # body's is this fixture's, and a request's own app context (whose teardown
            # calls db.session.remove()) never touches the test body's session.
            if has_request_context():
                return id(request._get_current_object())
            return id(app_ctx._get_current_object())

        factory = sessionmaker(
            class_=_ConnectionBoundSession, db=db, bind=connection, join_transaction_mode="create_savepoint"
        )
        original = db.session
        db.session = scoped_session(factory, scopefunc=scope)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def make(db_session):
    """Factories bound to the rollback session: make.user(role=...), make.company(...) …"""
    return factories.Factories(db_session)


class Browser:
    """A test client that behaves like a person's browser: it reads CSRF tokens off pages."""

    def __init__(self, client):
        self.client = client
        self._csrf = None

    def get(self, url, **kw):
        response = self.client.get(url, **kw)
        if response.mimetype != "text/html":
            return response
        match = CSRF_RE.search(response.get_data(as_text=True))
        if match:
            self._csrf = match.group(1)
        return response

    def csrf(self, url="/auth/login"):
        if self._csrf is None:
            self.get(url)
        return self._csrf

    def post(self, url, data=None, *, csrf=True, form_page=None, **kw):
        data = dict(data or {})
        if csrf:
            self.get(form_page or url)
            data.setdefault("csrf_token", self._csrf)
        return self.client.post(url, data=data, **kw)

    def login(self, username, password=factories.PASSWORD):
        return self.post("/auth/login", {"username": username, "password": password})

    def follow(self, response):
        return self.get(response.headers["Location"])


@pytest.fixture
def browser(app, db_session):
    return Browser(app.test_client())


@pytest.fixture
def login_as(app, make):
    """login_as("escort") → (browser, user): a fresh user of that role, signed in by the form."""

    def _login(role, **user_kwargs):
        user = make.user(role=role, **user_kwargs)
        b = Browser(app.test_client())
        response = b.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return b, user

    return _login


@pytest.fixture
def api(app, make):
    """api("manager") → (client, user, headers) with a fresh bearer token."""
    from app.accounts.services import create_api_token

    def _api(role=None, user=None, **user_kwargs):
        user = user or make.user(role=role, **user_kwargs)
        _token, plain = create_api_token(user, "test")
        make.session.commit()
        return app.test_client(), user, {"Authorization": f"Bearer {plain}"}

    return _api


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as q: ...; q.count is the number of SQL statements run."""

    @contextmanager
    def _count():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "PRAGMA")):
                counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return _count


@contextmanager
def isolated_app(directory, suffix: str, **overrides):
    """An app on its own migrated, empty database (commits are real), dropped afterwards.

    SQLite: a file in `directory`. PostgreSQL: a sibling database of TEST_DATABASE_URL.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    admin = name = None
    if base:
        url = make_url(base)
        name = f"{url.database}_{suffix}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        target = url.set(database=name).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{directory / (suffix + '.sqlite3')}"
    settings = {"UPLOAD_DIR": str(directory / f"uploads-{suffix}"), **overrides}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=target, **settings)
    app.test_client_class = FreshContextClient
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


@pytest.fixture
def fresh_app(tmp_path):
    """An app on its own migrated, empty database whose commits are real (see isolated_app)."""
    with isolated_app(tmp_path, "fresh") as fresh:
        yield fresh


@pytest.fixture(autouse=True)
def _no_real_mail(monkeypatch):
    """No test ever sends real e-mail."""
    import smtplib

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open an SMTP connection")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)
