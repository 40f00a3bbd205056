"""Ticket numbers stay unique when many submissions race (separate connections, real commits).

Runs on its own throwaway database: a SQLite file, or on PostgreSQL a sibling
database of TEST_DATABASE_URL, so committed rows never leak into other tests.
"""
import os
import threading

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.services import NewTicket, submit_ticket

WORKERS = 8
EACH = 6


@pytest.fixture
def race_app(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = make_url(base)
        name = f"{url.database}_race"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        target = url.set(database=name).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=target)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()
    if base:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_numbers_unique_under_concurrent_submissions(race_app):
    from tests.factories import Factories

    with race_app.app_context():
        make = Factories(db.session)
        user = make.user(role="manager")
        company = make.company()
        user_id, company_id = user.id, company.id

    errors = []
    barrier = threading.Barrier(WORKERS)

    def worker(n):
        with race_app.app_context():
            try:
                from app.accounts.models import User
                from app.companies.models import Company

                actor = db.session.get(User, user_id)
                target = db.session.get(Company, company_id)
                db.session.commit()  # end the loading transaction before the race starts
                barrier.wait()
                for i in range(EACH):
                    submit_ticket(actor, target, NewTicket(f"并发提交 {n}-{i}", "测试", "other", "ordinary", "hotline"))
                    db.session.commit()
            except Exception as exc:  # collected and asserted below
                errors.append(repr(exc))
                db.session.rollback()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with race_app.app_context():
        numbers = db.session.scalars(sa.select(Ticket.number)).all()
    assert len(numbers) == WORKERS * EACH
    assert len(set(numbers)) == len(numbers)
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, WORKERS * EACH + 1))
