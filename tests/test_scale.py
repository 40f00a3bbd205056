"""District scale (issue 7): the data generator, the health checks, keyset pagination, and the
query counts of the pages people open most — pinned, and the same whatever the page size and
the amount of data."""
import hashlib
import os
import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.accounts.models import Role, User
from app.companies.models import Company, EscortAssignment
from app.demo import data
from app.core.pagination import COUNT_CAP, Segment, asc, decode_token, desc, distinct_values, encode_token, keyset_page
from app.extensions import db
from app.tickets.models import (
    CATEGORIES, SLA_STATES, STATUSES, DispatchRecord, Ticket, TicketCoDepartment, TicketCounter, TicketEvent,
)
from app.visits.models import Visit
from tests.conftest import Browser, FreshContextClient

NOW = "2026-11-20T10:00:00+08:00"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _next_link(html: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _prev_link(html: str) -> str | None:
    match = re.search(r'rel="prev" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


# --------------------------------------------------------------------------- the generator

def _scale(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", "scale", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def district(fresh_app):
    """The demo plus 40 companies and 1,500 problems, generated through the CLI."""
    fresh_app.test_client_class = FreshContextClient
    output = _scale(fresh_app, "--companies", "40", "--tickets", "1500", "--now", NOW)
    assert "Demo data loaded first" in output and "1500 problems" in output
    return fresh_app


def test_scale_spreads_problems_over_states_categories_departments_towns_and_three_years(district):
    with district.app_context():
        s = db.session
        tickets = s.scalars(sa.select(Ticket)).all()
        generated = [t for t in tickets if t.id > len(data.PROBLEMS)]  # after the demo's own problems
        assert len(tickets) >= 1500
        assert {t.status for t in tickets} == set(STATUSES)
        assert {t.category for t in tickets} == set(CATEGORIES)
        assert len({t.department_id for t in tickets if t.department_id}) >= 8
        towns = s.scalars(sa.select(Company.town_id).where(Company.id.in_({t.company_id for t in tickets}))).all()
        assert len(set(towns)) >= 15
        oldest = min(t.created_at for t in generated)
        assert datetime(2023, 11, 15, tzinfo=timezone.utc) < oldest < datetime(2024, 3, 1, tzinfo=timezone.utc)
        assert max(t.created_at for t in generated) <= datetime.fromisoformat(NOW)
        # Every problem has its timeline: it starts with the submission (collected ones: accepted as saved)
        # and ends in its status.
        events = s.execute(sa.select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.to_status)
                           .order_by(TicketEvent.ticket_id, TicketEvent.id)).all()
        by_ticket = {}
        for ticket_id, kind, to_status in events:
            by_ticket.setdefault(ticket_id, []).append((kind, to_status))
        for t in tickets:
            timeline = by_ticket[t.id]
            assert timeline[0][0] == ("collect" if t.source in ("visit", "escort") else "submit")
            moves = [to for kind, to in timeline if to and kind not in ("supervise", "request_extension",
                                                                          "decide_extension")]
            assert moves[-1] == t.status, (t.number, timeline)
        # The facts the rankings read are set as the services set them.
        for t in tickets:
            if t.status == "closed":
                assert t.closed_at and t.close_working_days is not None and t.due_at is None
                assert t.replied_on_time is not None and (t.rating or t.auto_closed)
            if t.status in SLA_STATES:
                assert t.due_at is not None
        assert s.scalar(sa.select(sa.func.count()).select_from(DispatchRecord)) > 500
        assert any(t.supervision for t in tickets) and any(t.reopen_count for t in tickets)
        assert any(t.return_count for t in tickets)


def test_scale_dispatches_name_co_departments_whose_opinions_come_on_time_late_or_not_at_all(district):
    """协办 at scale: a share of dispatches (more for approvals, land and energy) names co-departments; each
    row follows the rules of app.tickets.co_departments, and the department board counts them."""
    from app.rankings.metrics import department_metrics
    from app.rankings.periods import month

    with district.app_context():
        s = db.session
        # Problems' co-departments (the demo's 共性问题 has one of its own, not the generator's).
        rows = s.scalars(sa.select(TicketCoDepartment).where(TicketCoDepartment.ticket_id.is_not(None))).all()
        records = s.scalar(sa.select(sa.func.count()).select_from(DispatchRecord)
                           .where(DispatchRecord.ticket_id.is_not(None)))
        with_co = {r.dispatch_record_id for r in rows}
        assert 0.05 * records < len(with_co) < 0.35 * records, (len(with_co), records)
        assert any(r.opinion_on_time for r in rows) and any(r.opinion_on_time is False for r in rows)
        assert any(r.signed_on_time is False for r in rows)
        assert any(r.ended_at is not None for r in rows)  # a returned dispatch ends its co-departments
        tickets = {t.id: t for t in s.scalars(sa.select(Ticket).where(Ticket.id.in_({r.ticket_id for r in rows})))}
        records = {d.id: d for d in s.scalars(sa.select(DispatchRecord).where(DispatchRecord.id.in_(with_co)))}
        flagged = set(s.scalars(sa.select(TicketEvent.ticket_id).where(TicketEvent.kind == "co_opinions_overdue")))
        assert flagged
        for r in rows:
            t, record = tickets[r.ticket_id], records[r.dispatch_record_id]
            assert r.department_id != record.department_id and r.dispatched_at == record.dispatched_at
            assert r.sign_due_at <= r.opinion_due_at <= record.reply_due_at
            assert r.opinion_at is None or (r.signed_at is not None and r.signed_at <= r.opinion_at)
            assert r.opinion_at is None or r.opinion_on_time == (r.opinion_at <= r.opinion_due_at)
            if r.ended_at is not None:
                assert record.returned_at == r.ended_at and (r.opinion_at or r.ended_at) <= r.ended_at
            elif record.replied_at is not None:
                # The lead replied once every opinion was in or overdue; a missing one is flagged.
                assert (r.opinion_at is not None and r.opinion_at <= record.replied_at) \
                    or r.opinion_due_at < record.replied_at
                if r.opinion_at is None:
                    assert t.id in flagged
        open_rows = [r for r in rows if r.ended_at is None]
        assert all(tickets[r.ticket_id].co_department_count >= 1 for r in open_rows)
        # The timeline is in time order with the co-departments' steps in it.
        for ticket_id in list(flagged)[:20]:
            times = s.scalars(sa.select(TicketEvent.at).where(TicketEvent.ticket_id == ticket_id)
                              .order_by(TicketEvent.id)).all()
            assert times == sorted(times)
        # The department board counts the co-departments' own timeliness.
        latest = max(r.opinion_at for r in rows if r.opinion_at)
        period = month(latest.year, latest.month)
        entries = department_metrics(period, now=datetime.fromisoformat(NOW))
        in_month = [r for r in rows if r.opinion_at and period.start_utc <= r.opinion_at < period.end_utc]
        assert in_month and sum(e.metrics["on_time_reply"].den for e in entries) >= len(in_month)


def test_scale_gives_every_escort_companies_and_visits_and_keeps_numbering_going(district):
    from app.tickets import services
    from app.tickets.services import NewTicket

    with district.app_context():
        s = db.session
        escorts = s.scalars(sa.select(User).where(User.role == Role.ESCORT)).all()
        assert len(escorts) >= 4 + 8
        visited = set(s.scalars(sa.select(Visit.escort_id).distinct()))
        assert {e.id for e in escorts} <= visited
        for company in s.scalars(sa.select(Company)):
            assert company.escort_id is not None
            current = s.scalars(sa.select(EscortAssignment).where(EscortAssignment.company_id == company.id,
                                                                  EscortAssignment.ended_at.is_(None))).all()
            assert [a.escort_id for a in current] == [company.escort_id]
        numbers = s.scalars(sa.select(Ticket.number)).all()
        assert len(numbers) == len(set(numbers))
        # A problem filed now continues the counters instead of colliding with a generated number.
        manager = s.scalars(sa.select(User).where(User.username == "manager1")).one()
        company = s.scalars(sa.select(Company).order_by(Company.id.desc()).limit(1)).one()
        ticket = services.submit_ticket(manager, company, NewTicket("新问题", "描述", "other", source="hotline"))
        s.commit()
        year = int(ticket.number.split("-")[1])
        assert s.get(TicketCounter, year).last == int(ticket.number.rsplit("-", 1)[1])
        assert ticket.number not in numbers


def _fingerprint(app) -> str:
    digest = hashlib.sha256()
    with app.app_context():
        for model, order in ((Ticket, Ticket.id), (TicketEvent, TicketEvent.id), (Visit, Visit.id),
                             (Company, Company.id)):
            columns = [c for c in model.__table__.columns if c.name not in ("password_hash",)]
            for row in db.session.execute(sa.select(*columns).where(model.id > 100).order_by(order)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_scale_leaves_every_index_as_the_migrations_made_it(tmp_path):
    """On SQLite the bulk load drops the big tables' secondary indexes and builds them again afterwards."""
    from tests.conftest import isolated_app

    def indexes(app):
        with app.app_context():
            inspector = sa.inspect(db.engine)
            return {table: sorted((ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                                  for ix in inspector.get_indexes(table)) for table in inspector.get_table_names()}

    with isolated_app(tmp_path, "indexes") as app:
        app.test_client_class = FreshContextClient
        before = indexes(app)
        _scale(app, "--companies", "10", "--tickets", "200", "--now", NOW)
        assert indexes(app) == before
        assert len(before["tickets"]) >= 10


def test_scale_is_deterministic_for_a_seed(fresh_app, tmp_path):
    import flask_migrate

    from app import create_app

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        flask_migrate.upgrade(revision="heads")
    for target in (fresh_app, other):
        _scale(target, "--companies", "12", "--tickets", "300", "--visits", "200", "--seed", "7", "--now", NOW)
    assert _fingerprint(fresh_app) == _fingerprint(other)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_scale_refuses_under_production(tmp_path):
    import flask_migrate

    from app import create_app

    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}", SECRET_KEY="s3cret")
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--companies", "1", "--tickets", "1"])
    assert result.exit_code != 0 and "production" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
        db.session.remove()
        db.engine.dispose()


# --------------------------------------------------------------------------- health checks

def test_healthz_does_no_database_work_and_readyz_checks_the_database(app, browser, count_queries, monkeypatch):
    with count_queries() as q:
        response = browser.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert q.count == 0
    with count_queries() as q:
        response = browser.get("/readyz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
    assert q.count == 1

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    response = browser.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert browser.get("/healthz").status_code == 200


# --------------------------------------------------------------------------- keyset pagination

def test_keyset_pages_walk_forward_and_back_through_ties(app, make, db_session):
    for i in range(7):
        make.company(name="杭州同名企业有限公司")
        make.company(name=f"杭州企业{i:02d}有限公司")
    expected = db_session.execute(sa.select(Company.id).order_by(Company.name, Company.id)).scalars().all()
    keys = (asc(Company.name), asc(Company.id))
    seen, pages, token = [], [], None
    with app.test_request_context("/companies/"):
        while True:
            page = keyset_page(sa.select(Company), keys, per_page=4, after=token)
            pages.append(page)
            seen += [c.id for c in page.items]
            assert page.first_index == len(seen) - len(page.items) + 1 and page.last_index == len(seen)
            assert page.total == len(expected) and not page.total_capped
            if not page.has_next:
                break
            token = page.next_token
        assert seen == expected and len(pages) == 4 and not pages[0].has_prev
        # And back again from the last page, through the 上一页 tokens.
        back, page = [], pages[-1]
        while page.has_prev:
            page = keyset_page(sa.select(Company), keys, per_page=4, before=page.prev_token)
            back.insert(0, [c.id for c in page.items])
        assert sum(back, []) + [c.id for c in pages[-1].items] == expected


def test_keyset_segments_follow_the_computed_order(app, make, db_session):
    """Owing first (due date, then newest) and then the rest newest first — the problem list's
    order — across the boundary between the two segments, with many equal deadlines."""
    from tests.tickets.helpers import World

    world = World(make)
    base = datetime(2026, 11, 16, 2, 0, tzinfo=timezone.utc)
    for i, state in enumerate(["submitted", "closed", "in_progress", "submitted", "rejected", "dispatched",
                               "replied", "submitted", "closed", "accepted", "escalated", "withdrawn"]):
        world.ticket_in(state, now=base + timedelta(hours=i))
    owing = sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at.is_not(None))
    expected = db_session.scalars(sa.select(Ticket.id).order_by(
        sa.case((owing, 0), else_=1), sa.case((owing, Ticket.due_at), else_=None),
        Ticket.created_at.desc(), Ticket.id.desc())).all()
    segments = [Segment((asc(Ticket.due_at), desc(Ticket.created_at), desc(Ticket.id)), owing),
                Segment((desc(Ticket.created_at), desc(Ticket.id)), sa.not_(owing))]
    with app.test_request_context("/tickets/"):
        for per_page in (1, 2, 5, 12, 50):
            seen, token = [], None
            while True:
                page = keyset_page(sa.select(Ticket), segments=segments, per_page=per_page, after=token)
                seen += [t.id for t in page.items]
                if not page.has_next:
                    break
                token = page.next_token
            assert seen == expected, per_page


def test_a_bad_token_shows_the_first_page(app, make, db_session):
    for i in range(3):
        make.company(name=f"杭州令牌企业{i}有限公司")
    keys = (asc(Company.name), asc(Company.id))
    segments = [Segment(keys)]
    assert decode_token("not-a-token", segments) is None
    assert decode_token(encode_token(3, 0, ["x", 1]), segments) is None  # no such segment
    assert decode_token(encode_token(0, 0, ["x"]), segments) is None  # wrong number of keys
    assert decode_token(encode_token(0, 4, ["x", 2]), segments) == (0, 4, ["x", 2])
    with app.test_request_context("/companies/?after=%%%"):
        page = keyset_page(sa.select(Company), keys, per_page=2)
        assert not page.has_prev and len(page.items) == 2


def test_the_count_is_bounded(app, make, db_session):
    for i in range(7):
        make.company(name=f"杭州计数企业{i}有限公司")
    with app.test_request_context("/companies/"):
        keys = (asc(Company.name), asc(Company.id))
        capped = keyset_page(sa.select(Company), keys, per_page=2, count_cap=5)
        exact = keyset_page(sa.select(Company), keys, per_page=2, count_cap=COUNT_CAP)
    assert (capped.total, capped.total_capped) == (5, True)
    assert (exact.total, exact.total_capped) == (7, False)


def test_distinct_values_skip_through_the_index(app, make, db_session):
    from app.core import audit
    from app.core.models import AuditLog

    user = make.user(role=Role.ADMIN)
    for action in ("b_action", "a_action", "b_action", "c_action"):
        audit.record(action, actor=user)
    db_session.flush()
    expected = db_session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    assert distinct_values(AuditLog.action) == expected


def test_the_problem_list_links_keep_the_filters(district):
    b = Browser(district.test_client())
    b.login("manager1", district.config["DEMO_PASSWORD"])
    first = _text(b.get("/tickets/?status=closed&category=financing"))
    link = _next_link(first)
    assert link and "status=closed" in link and "category=financing" in link and "after=" in link
    second = _text(b.get(link))
    assert "第 51–100 条" in second
    numbers = set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', first))
    assert len(numbers) == 50 and not numbers & set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', second))
    back = _text(b.get(_prev_link(second)))
    assert set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', back)) == numbers


def test_a_helpers_list_walks_their_department_and_co_department_problems_in_order(district):
    """The plain list reads a helper's scope arm by arm (their department's problems, and those it is an open
    co-department of, each in its index order): walking 下一页 to the end shows every problem of the scope
    once, in the list's order, and 上一页 comes back to the same rows."""
    with district.app_context():
        helper = db.session.scalar(sa.select(User).where(User.username == "helper1"))
        co = set(db.session.scalars(sa.select(TicketCoDepartment.ticket_id).where(
            TicketCoDepartment.department_id == helper.department_id, TicketCoDepartment.ended_at.is_(None),
            TicketCoDepartment.ticket_id.is_not(None))))
        scoped = db.session.scalars(sa.select(Ticket).where(
            sa.or_(Ticket.department_id == helper.department_id, Ticket.id.in_(co)))).all()
        expected = _in_list_order(scoped)
        co_only = {t.number for t in scoped if t.department_id != helper.department_id}
    assert len(expected) > 50 and co_only  # two pages or more, co-department problems among them
    _walk_the_list(district, "helper1", expected)


# The planner's statistics (sqlite_stat1, as ANALYZE wrote them) of the tables a helper's list reads in the district
# `make bench` seeds (200,014 problems): which plan SQLite picks depends on them, and a test's 1,500 problems walk
# any index in a blink.
DISTRICT_STATISTICS = {
    "ticket_co_departments": {
        "ix_ticket_co_departments_common_problem": "26030 13015 1",
        "ix_ticket_co_departments_department_dispatched": "26030 2893 1",
        "ix_ticket_co_departments_department_open": "26030 2893 18 1",
        "ix_ticket_co_departments_department_ticket": "26030 2893 1",
        "ix_ticket_co_departments_opinion_at": "26030 2", "ix_ticket_co_departments_signed_at": "26030 1",
        "ix_ticket_co_departments_ticket": "26030 2 1", "sqlite_autoindex_ticket_co_departments_1": "26030 2 1"},
    "tickets": {
        "ix_tickets_accepted_at": "193799 2", "ix_tickets_co_created": "18406 1", "ix_tickets_co_due": "399 12",
        "ix_tickets_common_problem_id": "200014 100007", "ix_tickets_company_created": "200014 40 1",
        "ix_tickets_created": "200014 2", "ix_tickets_department_created": "200014 20002 1 1",
        "ix_tickets_department_status": "200014 20002 4546", "ix_tickets_escort_created": "200014 200 1",
        "ix_tickets_escort_escalated_at": "112271 1", "ix_tickets_helper_id": "200014 5264",
        "ix_tickets_open_facts": "200014 22224 1299 340 211 2 1 1 1", "ix_tickets_open_id": "4305 1",
        "ix_tickets_rated_at": "200014 2", "ix_tickets_rated_rating": "200014 2 2",
        "ix_tickets_replied_at": "195419 1", "ix_tickets_status_closed": "200014 22224 2",
        "ix_tickets_status_created": "200014 22224 2", "ix_tickets_status_due": "200014 22224 1299",
        "ix_tickets_visit_id": "200014 8", "sqlite_autoindex_tickets_1": "200014 1"},
}


def test_a_helpers_list_walks_the_co_department_problems_in_the_lists_order(district):
    """On SQLite the plain list's co-department arm walks the problems that have co-departments in the list's two
    orders (their partial indexes: newest first, by deadline), each tested against the department's requests,
    instead of reading every problem the department ever helped with by key and sorting them all — the plan
    SQLite picks for the page's statement under the district's statistics."""
    with district.app_context():
        if db.session.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL reads a helper's scope as one bitmap (tickets.queries.list_scope)")
        engine = db.engine
    ran = []

    def keep(_conn, _cursor, statement, parameters, _context, _executemany):
        if "row_number() OVER" in statement:
            ran.append((statement, parameters))

    b = Browser(district.test_client())
    b.login("helper1", district.config["DEMO_PASSWORD"])
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        assert "co-list" in _text(b.get("/tickets/"))  # the page shows co-department problems
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = ran
    with district.app_context():
        connection = db.session.connection()
        try:
            connection.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl IN ('tickets', 'ticket_co_departments')")
            for table, indexes in DISTRICT_STATISTICS.items():
                for index, stat in indexes.items():
                    connection.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
            connection.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
            plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
        finally:
            db.session.rollback()
            db.session.connection().exec_driver_sql("ANALYZE sqlite_schema")  # the district's own again
    assert any("USING INDEX ix_tickets_co_due" in step for step in plan), plan
    assert any("USING INDEX ix_tickets_co_created" in step for step in plan), plan
    assert not any("INTEGER PRIMARY KEY" in step for step in plan), plan


def _in_list_order(scoped) -> list[str]:
    """The numbers of these problems in the plain list's order: owing a step by deadline first (then newest
    first), then the rest newest first."""
    owing = [t for t in scoped if t.status in SLA_STATES and t.due_at is not None]
    rest = [t for t in scoped if not (t.status in SLA_STATES and t.due_at is not None)]
    owing.sort(key=lambda t: (-t.id,))
    owing.sort(key=lambda t: t.created_at, reverse=True)
    owing.sort(key=lambda t: t.due_at)
    rest.sort(key=lambda t: (t.created_at, t.id), reverse=True)
    return [t.number for t in owing + rest]


def _walk_the_list(app, account: str, expected: list[str]) -> None:
    """Signed in as `account`, 下一页 to the end of the plain list shows `expected`, and 上一页 from the last page
    comes back to the page before it."""
    b = Browser(app.test_client())
    b.login(account, app.config["DEMO_PASSWORD"])
    seen, pages, link = [], [], "/tickets/"
    while link:
        html = _text(b.get(link))
        pages.append(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', html))
        seen += pages[-1]
        link = _next_link(html)
    assert seen == expected
    assert re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', _text(b.get(_prev_link(html)))) == pages[-2]


def test_an_escorts_list_reads_company_by_company_and_shows_their_problems_in_order(district):
    """The plain list of an escort serving several companies reads each company's problems from its own index on
    PostgreSQL (tickets.queries.list_scope) and the scope as one on SQLite: either way, walking 下一页 to the end
    shows every problem of the escort's companies once, in the list's order (owing a step by deadline first,
    then the rest newest first), none of another escort's, and 上一页 comes back to the same rows."""
    from app.companies.models import Company

    with district.app_context():
        escort = db.session.scalar(sa.select(User).where(User.username == "escort1"))
        companies = set(db.session.scalars(sa.select(Company.id).where(Company.escort_id == escort.id)))
        scoped = db.session.scalars(sa.select(Ticket).where(Ticket.company_id.in_(companies))).all()
        expected = _in_list_order(scoped)
        owing = [t for t in scoped if t.status in SLA_STATES and t.due_at is not None]
    assert len(companies) > 1 and owing and len(expected) - len(owing) > 10

    district.config["ITEMS_PER_PAGE"], saved = 4, district.config["ITEMS_PER_PAGE"]
    try:
        _walk_the_list(district, "escort1", expected)
    finally:
        district.config["ITEMS_PER_PAGE"] = saved


# --------------------------------------------------------------------------- pinned query counts

@contextmanager
def _counting(app):
    statements = []

    def before(conn, cursor, statement, *args):
        # The holiday table is read at most once per request, and only when a page shows working
        # days (an overdue problem on it): which rows a page holds decides that, not how many.
        if "FROM calendar_overrides" in statement:
            return
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "PRAGMA")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


# page: (account, path, statements). "{ticket}": a problem with a timeline; "{next}": the list's page 2.
# The problem list: user, filter choices (departments, towns; the company is a search box, no query), the
# page's ids across its two keyset segments (owing a step, then the rest) and its rows — or, when a filter
# leaves one segment, the rows at once — the bounded count, the user's saved views (the header's chips), the bell.
# Every list page of problems (and the detail) reads the listed problems' 协办 rows in one statement, whether or not
# any has co-departments (issue 17: every staff member sees them; the count stays independent of the data).
PINNED = {
    "tickets": ("manager1", "/tickets/", 9),
    "tickets page 2": ("manager1", "{next}", 9),
    # PostgreSQL first names the escort's companies: the list reads each company's problems from its own index
    # (tickets.queries.list_scope)
    "tickets (escort)": ("escort1", "/tickets/", 10 if os.environ.get("TEST_DATABASE_URL") else 9),
    "tickets (helper)": ("helper1", "/tickets/", 9),
    "tickets ?overdue": ("manager1", "/tickets/?overdue=y", 8),
    "tickets ?status&category": ("manager1", "/tickets/?status=closed&category=financing", 8),
    # a tag is one IN (subquery) on the same statements
    "tickets ?tag": ("manager1", "/tickets/?tag=用工", 9),
    # user, the saved views, the bell
    "saved views": ("manager1", "/tickets/saved-views", 3),
    # a search: user, filter choices, the scope's size (a bounded count: is it walked from the scope's side or
    # the index's); here, in a scope of fewer than NARROW_SCOPE problems, the scope's matches of both tiers in
    # one pass (app/search/queries.py); the page's ids across the two relevance tiers, its rows, the search rows
    # for the snippets, the user's saved views, the bell; a one- or two-character word on SQLite first reads the
    # trigrams that begin with it (the FTS5 vocabulary); PostgreSQL first reads the statistics of the words'
    # grams (which gram stands for each word in the index condition, app/search/grams.py; migration 0029): 12
    # there. A wider scope walks the index instead: whether the title tier fills the page (a bounded read), then
    # the page, then the bounded count — one statement more (SEARCHED_WIDE, below).
    "tickets ?q": ("manager1", "/tickets/?q=协调办理", 12 if os.environ.get("TEST_DATABASE_URL") else 11),
    "tickets ?q short": ("manager1", "/tickets/?q=协调", 12),
    # user, the problem, its 协办 rows, pending extension, timeline (+ its attachments), files, its tags, similar
    # problems (SQLite: the FTS5 vocabulary; PostgreSQL: the grams' statistics (pg_stats), was none — then,
    # when some of its words are in few enough problems, the candidates' ids — read once for the page, whose
    # department suggestions rank them too on a problem awaiting dispatch — their texts, then the few shown with
    # their loads; was one statement loading every candidate with its loads), the 政策问答 beside them (the
    # entries compared, then the closest with their departments), the bell
    "ticket detail": ("manager1", "/tickets/{ticket}", 15),
    # user, settings, one statement per number or breakdown, the supervision list, goals reached this year,
    # the 共性问题 settings and candidates (one capped statement; grouping is in memory), the count of open
    # common problems, the bell
    "dashboard": ("manager1", "/dashboard", 18),
    # user, towns (filter choices; the escort condition is a name box), the page, the bounded count, the bell
    "companies": ("manager1", "/companies/", 5),
    # user, the period's publication (none: the running month), settings, then escorts, coverage and problems
    # for this period and the previous one, the bell
    "rankings": ("manager1", "/rankings/", 10),
}

# The manager's searches: in a scope past NARROW_SCOPE problems (the district scaled up), walked from the index.
SEARCHED_WIDE = ("tickets ?q", "tickets ?q short")


def _measure(app) -> dict:
    clients = {}
    counts = {}
    with app.app_context():
        ticket_id = db.session.scalar(  # the busiest problem (its 协办 steps aside: the same with or without them)
            sa.select(TicketEvent.ticket_id).where(TicketEvent.kind.not_in(("co_sign", "co_opinion")))
            .group_by(TicketEvent.ticket_id)
            .order_by(sa.func.count().desc(), TicketEvent.ticket_id).limit(1))
    for name, (account, path, _pinned) in PINNED.items():
        if account not in clients:
            clients[account] = Browser(app.test_client())
            clients[account].login(account, app.config["DEMO_PASSWORD"])
        b = clients[account]
        if path == "{next}":
            path = _next_link(_text(b.get("/tickets/")))
        path = path.replace("{ticket}", str(ticket_id))
        b.get(path)  # the first request of a session reads what later ones keep
        with _counting(app) as statements:
            response = b.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
    return counts


def test_query_counts_of_the_busiest_pages_are_pinned_and_do_not_grow(district):
    with district.app_context():  # the labour problems carry a tag (the list filtered by it is pinned)
        from app.tickets.models import TicketTag

        labour = db.session.scalars(sa.select(Ticket.id).where(Ticket.category == "labour")).all()
        db.session.add_all(TicketTag(ticket_id=ticket_id, name="用工") for ticket_id in labour)
        db.session.commit()
        assert len(labour) > 40
    small = _measure(district)
    assert small == {name: pinned for name, (_a, _p, pinned) in PINNED.items()}, small

    district.config["ITEMS_PER_PAGE"], saved = 5, district.config["ITEMS_PER_PAGE"]
    try:
        assert _measure(district) == small  # page size
    finally:
        district.config["ITEMS_PER_PAGE"] = saved

    _scale(district, "--companies", "60", "--tickets", "3000", "--now", NOW, "--seed", "11")
    with district.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) > 4500
    # data size: the same, but the manager's searches, which past NARROW_SCOPE problems walk the index
    assert _measure(district) == {**small, **{name: small[name] + 1 for name in SEARCHED_WIDE}}
