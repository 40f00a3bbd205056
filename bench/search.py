"""Search and similar-problem latencies on a seeded database (issue 16), in one process.

    DATABASE_URL=sqlite:////path/seeded.sqlite3 .venv/bin/python bench/search.py [--repeat 30]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/peipao_bench .venv/bin/python bench/search.py

The database must hold `flask demo scale` data (and the search rows: `flask search rebuild` if it
was seeded before migration 0016). Each query is requested through the app (Flask's test client,
signed in with the demo accounts: the whole request — scope, search, page, snippets, template), once
to warm up and then --repeat times; p50/p95/max per query. Then the statement's plan (does it read
the full-text index?), the similar-problems panel's lookup for --similar problems, and precision@3
of the hand-written set in tests/search/similar_set.py (loaded into a throwaway SQLite database).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    # (label, query): one, two and three-plus characters; common and rare words; a number; two words.
    ("1 char", "港"),
    ("2 chars, common", "协调"),
    ("2 chars, rare", "港口"),
    ("3+ chars, common (most problems)", "职能部门协调"),
    ("3+ chars, common title", "技改补助"),
    ("3+ chars, moderate", "排污许可证"),
    ("3+ chars, no match", "不存在的词语"),
    ("number", "XS-2025-000123"),
    ("two words", "港口 设备"),
]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def timed(fn, repeat, cpu=None):
    """Wall-clock ms of each call; cpu (a list) also gets this process's CPU ms of each: on a machine
    shared with other work the wall clock includes waiting for a core, the CPU time does not (on
    SQLite it is the whole work of the request; on PostgreSQL it leaves out the server's)."""
    fn()
    samples = []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - began_cpu) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--similar", type=int, default=30, help="problems whose similar problems are looked up")
    parser.add_argument("--accounts", default="manager1,helper1,escort1,company1",
                        help="staff search the list page; a company account searches the API (its only search)")
    args = parser.parse_args()
    os.environ.setdefault("PEIPAO_ENV", "development")

    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.search import queries as search_queries
    from app.search import similarity
    from app.tickets.models import Ticket
    from app.tickets.queries import visible_tickets, with_list_loads

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        dialect = db.engine.dialect.name
        tickets = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    print(f"database: {dialect}, {tickets} problems")
    password = app.config["DEMO_PASSWORD"]
    worst = 0.0
    for account in args.accounts.split(","):
        client = app.test_client()
        with app.app_context():
            from app.accounts.models import User
            from app.accounts.services import create_api_token
            user = db.session.scalar(sa.select(User).where(User.username == account))
            role = user.role
            scope = db.session.scalar(sa.select(sa.func.count()).select_from(
                visible_tickets(user).with_only_columns(Ticket.id).subquery()))
            headers = {}
            if role == "company":  # the portal has no search box: the API is the company's search
                _token, plain = create_api_token(user, "bench/search.py")
                db.session.commit()
                headers = {"Authorization": f"Bearer {plain}"}
        if not headers:
            response = client.post("/auth/login", data={"username": account, "password": password})
            assert response.status_code == 302, response.status_code
        base = "/api/v1/tickets?limit=50&q=" if headers else "/tickets/?q="
        print(f"\n{base}… as {account} ({role}, {scope} problems in scope)")
        print(f"{'query':<36}{'hits':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p50':>9}{'cpu p95':>9}")
        for label, q in QUERIES:
            url = base + q.replace(" ", "+")
            page = client.get(url, headers=headers).get_data(as_text=True)
            hits = page.count('"number":') if headers else len(re.findall(r'class="ticket-number"><a ', page))
            cpu = []
            samples = timed(lambda url=url: client.get(url, headers=headers), args.repeat, cpu)
            p95 = percentile(samples, 95)
            worst = max(worst, p95)
            print(f"{label + ' ' + q:<36}{hits:>6}{statistics.median(samples):>9.1f}{p95:>9.1f}{max(samples):>9.1f}"
                  f"{statistics.median(cpu):>9.1f}{percentile(cpu, 95):>9.1f}")
    print(f"\nslowest p95 of the list searches: {worst:.1f} ms")

    with app.app_context():
        print("\nplans (does the statement read the full-text index?)")
        from app.accounts.models import User
        manager = db.session.scalar(sa.select(User).where(User.username == "manager1"))
        for label, q in QUERIES:
            search = search_queries.Search(manager, q, db.session)
            segment = search.segments()[1]
            stmt = sa.select(Ticket.id).where(segment.where).order_by(*(k.order() for k in segment.keys)).limit(51)
            sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
            if dialect == "sqlite":
                plan = " | ".join(str(r[-1]) for r in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
            else:
                plan = " | ".join(r[0].strip() for r in db.session.execute(sa.text("EXPLAIN " + sql))
                                  if "Scan" in r[0] or "Index" in r[0])
            print(f"  {label:<34} {plan[:150]}")
        db.session.rollback()

        ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.id.desc()).limit(args.similar * 97)))[::97]
        samples, found = [], 0
        for ticket_id in ids:
            ticket = db.session.get(Ticket, ticket_id)
            began = time.perf_counter()
            result = similarity.similar_problems(visible_tickets(manager), ticket, load=with_list_loads)
            samples.append((time.perf_counter() - began) * 1000)
            found += len(result)
            db.session.rollback()
        print(f"\nsimilar problems of {len(ids)} problems (candidates, scoped load, re-rank): "
              f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 95):.1f} ms, "
              f"max {max(samples):.1f} ms; {found / max(1, len(ids)):.1f} found each")
        client = app.test_client()
        client.post("/auth/login", data={"username": "manager1", "password": password})
        page = timed(lambda: client.get(f"/tickets/{ids[0]}"), args.repeat)
        print(f"problem page with the panel: p50 {statistics.median(page):.1f} ms, p95 {percentile(page, 95):.1f} ms")


if __name__ == "__main__":
    main()
