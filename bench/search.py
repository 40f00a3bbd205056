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


def load() -> str:
    """The machine's load average now (other sessions share its cores: every figure is read with it)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} at {time.strftime('%H:%M:%S', time.gmtime())} UTC"


class Statements:
    """The SELECT statements one request runs (recorded from the engine), to EXPLAIN ANALYZE them again
    one by one afterwards: the server's own time (PostgreSQL), which the client's wall clock mixes with
    waiting for a core."""

    def __init__(self, engine):
        self.engine, self.recording, self.seen = engine, False, []
        from sqlalchemy import event
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.recording and statement.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
            self.seen.append((statement, parameters))

    def capture(self, fn):
        self.seen, self.recording = [], True
        try:
            fn()
        finally:
            self.recording = False
        return list(self.seen)

    def explain(self, statements):
        """(server ms of all the statements, the slowest one's ms, its scan and index nodes)."""
        import json
        total, slowest, nodes = 0.0, 0.0, ""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                ms = plan["Planning Time"] + plan["Execution Time"]
                total += ms
                if ms > slowest:
                    slowest, nodes = ms, " > ".join(_nodes(plan["Plan"]))
            raw.rollback()
        finally:
            raw.close()
        return total, slowest, nodes


def _nodes(node) -> list[str]:
    found = []
    kind = node.get("Node Type", "")
    if "Scan" in kind or kind in ("Limit", "Sort", "Nested Loop", "Hash Join", "Merge Join"):
        label = kind + (f" on {node['Index Name']}" if "Index Name" in node else
                        f" on {node['Relation Name']}" if "Relation Name" in node else "")
        found.append(f"{label} ({node.get('Actual Rows', '?')} rows x{node.get('Actual Loops', 1)})")
    for child in node.get("Plans", []):
        found.extend(_nodes(child))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--similar", type=int, default=30, help="problems whose similar problems are looked up")
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: EXPLAIN ANALYZE every SELECT of each request once more (server time)")
    parser.add_argument("--accounts", default="manager1,helper1,escort1,company1",
                        help="staff search the list page; a company account searches the API (its only search)")
    args = parser.parse_args()
    os.environ.setdefault("PEIPAO_ENV", "development")

    import sqlalchemy as sa

    from app import create_app
    from app.core.serving import settle
    from app.extensions import db
    from app.search import queries as search_queries
    from app.search import similarity
    from app.tickets.models import Ticket
    from app.tickets.queries import visible_tickets, with_list_loads

    app = create_app()
    settle(app)  # as a serving process does before its first request (app/core/serving.py)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        dialect = db.engine.dialect.name
        tickets = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    print(f"database: {dialect}, {tickets} problems; {load()}")
    with app.app_context():
        statements = Statements(db.engine) if dialect == "postgresql" and args.explain else None
    explained = []
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
            ran = statements.capture(lambda url=url: client.get(url, headers=headers)) if statements else None
            hits = page.count('"number":') if headers else len(re.findall(r'class="ticket-number"><a ', page))
            cpu = []
            samples = timed(lambda url=url: client.get(url, headers=headers), args.repeat, cpu)
            p95 = percentile(samples, 95)
            worst = max(worst, p95)
            print(f"{label + ' ' + q:<36}{hits:>6}{statistics.median(samples):>9.1f}{p95:>9.1f}{max(samples):>9.1f}"
                  f"{statistics.median(cpu):>9.1f}{percentile(cpu, 95):>9.1f}", flush=True)
            if ran:
                with app.app_context():
                    server, slowest, nodes = statements.explain(ran)
                explained.append(f"  {account:<9} {label + ' ' + q:<36} {len(ran):>2} statements, server "
                                 f"{server:7.1f} ms; slowest {slowest:6.1f} ms: {nodes[:400]}")
        print(f"  ({load()})")
    print(f"\nslowest p95 of the list searches: {worst:.1f} ms")
    if explained:
        print("\nEXPLAIN ANALYZE of each request's SELECTs, run again one by one (planning + execution, server side)")
        print("\n".join(explained))

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
        helper = db.session.scalar(sa.select(User).where(User.username == "helper1"))
        if helper is not None and dialect == "sqlite":
            # A helper's page statement as the list runs it (the scope, both tiers): the department's token in
            # the scoped indexes on the wide path (migrations 0035-0036), its own problems on the narrow one.
            print("plans of helper1's page (each tier, in the scope), and the MATCH of its second tier")
            for label, q in QUERIES:
                search = search_queries.Search(helper, q, db.session)
                scoped = visible_tickets(helper).with_only_columns(Ticket.id)
                plans = []
                for segment in search.segments(scoped):
                    stmt = scoped.where(segment.where).order_by(*(k.order() for k in segment.keys)).limit(51)
                    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
                    plans.append(" | ".join(str(r[-1]) for r in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))
                                            if "SCAN" in str(r[-1]) or "SEARCH" in str(r[-1])))
                match = re.search(r"MATCH '([^']*)'", sql)
                print(f"  {label:<34} {' || '.join(plans)[:300]}"
                      f"\n  {'':<34} MATCH {match.group(1)[:120] if match else None!r}")
        db.session.rollback()

        ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.id.desc()).limit(args.similar * 97)))[::97]
        samples, cpu, server, found = [], [], [], 0
        for ticket_id in ids:
            ticket = db.session.get(Ticket, ticket_id)
            similarity.similar_problems(visible_tickets(manager), ticket, load=with_list_loads)  # warm
            if statements:
                ran = statements.capture(lambda ticket=ticket: similarity.similar_problems(
                    visible_tickets(manager), ticket, load=with_list_loads))
            began, began_cpu = time.perf_counter(), time.process_time()
            result = similarity.similar_problems(visible_tickets(manager), ticket, load=with_list_loads)
            samples.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            found += len(result)
            db.session.rollback()
            if statements:
                server.append(statements.explain(ran))
        print(f"\nsimilar problems of {len(ids)} problems (candidates, scoped load, re-rank): "
              f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 95):.1f} ms, "
              f"max {max(samples):.1f} ms; cpu p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms; "
              f"{found / max(1, len(ids)):.1f} found each; {load()}")
        if server:
            totals = [t for t, _s, _n in server]
            print(f"  server (EXPLAIN ANALYZE of its SELECTs): p50 {statistics.median(totals):.1f} ms, "
                  f"p95 {percentile(totals, 95):.1f} ms; slowest statement of the slowest: "
                  f"{max(server)[2][:400]}")
        escort = db.session.scalar(sa.select(User).where(User.username == "escort1"))
        if escort is not None:  # an escort's panel: their own problems, the district's candidates kept in scope
            own = list(db.session.scalars(visible_tickets(escort).with_only_columns(Ticket.id)
                                          .order_by(Ticket.id.desc()).limit(args.similar * 7)))[::7]
            samples, cpu, found = [], [], 0
            for ticket_id in own:
                ticket = db.session.get(Ticket, ticket_id)
                similarity.similar_problems(visible_tickets(escort), ticket, load=with_list_loads)  # warm
                began, began_cpu = time.perf_counter(), time.process_time()
                found += len(similarity.similar_problems(visible_tickets(escort), ticket, load=with_list_loads))
                samples.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                db.session.rollback()
            print(f"similar problems as escort1, {len(own)} of their problems: p50 {statistics.median(samples):.1f} ms, "
                  f"p95 {percentile(samples, 95):.1f} ms; cpu p50 {statistics.median(cpu):.1f} ms, "
                  f"p95 {percentile(cpu, 95):.1f} ms; {found / max(1, len(own)):.1f} found each; {load()}")
        client = app.test_client()
        client.post("/auth/login", data={"username": "manager1", "password": password})
        page = timed(lambda: client.get(f"/tickets/{ids[0]}"), args.repeat)
        print(f"problem page with the panel: p50 {statistics.median(page):.1f} ms, p95 {percentile(page, 95):.1f} ms")
        print(load())


if __name__ == "__main__":
    main()
