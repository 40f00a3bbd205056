"""Ticket numbers stay unique when many submissions race (separate connections, real commits).

Runs on its own throwaway database: a SQLite file, or on PostgreSQL a sibling
database of TEST_DATABASE_URL, so committed rows never leak into other tests.
"""
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.services import NewTicket, submit_ticket

WORKERS = 8
EACH = 6


@pytest.fixture
def race_app(fresh_app):
    return fresh_app


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
