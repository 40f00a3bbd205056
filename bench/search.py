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


def timed(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--similar", type=int, default=30, help="problems whose similar problems are looked up")
    parser.add_argument("--accounts", default="manager1,escort1,helper1")
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
        response = client.post("/auth/login", data={"username": account, "password": password})
        assert response.status_code == 302, response.status_code
        print(f"\n/tickets/?q=… as {account}")
        print(f"{'query':<36}{'hits':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        for label, q in QUERIES:
            url = "/tickets/?q=" + q.replace(" ", "+")
            page = client.get(url).get_data(as_text=True)
            hits = len(re.findall(r'class="ticket-number"><a ', page))
            samples = timed(lambda url=url: client.get(url), args.repeat)
            p95 = percentile(samples, 95)
            worst = max(worst, p95)
            print(f"{label + ' ' + q:<36}{hits:>6}{statistics.median(samples):>9.1f}{p95:>9.1f}{max(samples):>9.1f}")
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
