"""Time the dashboard and ranking aggregates one SQL statement at a time, with the indexes each uses.

Run by bench/run.py against the benchmark database (DATABASE_URL); on its own:
    DATABASE_URL=… .venv/bin/python bench/aggregates.py [--runs 5] [--plans]

For every statement: the best of --runs wall times (as the app runs it, through SQLAlchemy),
and from the query plan (EXPLAIN on SQLite, EXPLAIN ANALYZE on PostgreSQL) the indexes read and
any full scan of a large table.
"""
import argparse
import re
import sys
import time
from collections import defaultdict

import sqlalchemy as sa

from app import create_app
from app.extensions import db

LARGE_TABLES = ("tickets", "ticket_events", "dispatch_records", "visits", "audit_log", "notifications")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print each plan in full")
    parser.add_argument("--user", default="manager1")
    args = parser.parse_args()

    app = create_app()
    with app.app_context(), app.test_request_context("/"):
        from app.accounts.models import User
        from app.core.db import utcnow
        from app.monitoring import queries as monitoring
        from app.rankings import metrics
        from app.rankings.periods import current_month
        from app.visits.window import current_window

        user = db.session.scalars(sa.select(User).where(User.username == args.user)).one()
        now = utcnow()
        clock = monitoring.clock(now)
        window = current_window(clock.today)
        period = current_month()
        jobs = {
            "dashboard open_counts": lambda: monitoring.open_counts(user, clock),
            "dashboard month_counts": lambda: monitoring.month_counts(user, clock),
            "dashboard coverage": lambda: monitoring.coverage(user, window),
            **{f"dashboard breakdown {d}": (lambda d=d: monitoring.breakdown(user, clock, d))
               for d in monitoring.BREAKDOWNS},
            "dashboard ageing": lambda: monitoring.ageing(user, clock),
            "dashboard trend (12 months)": lambda: monitoring.trend(user, clock),
            "dashboard supervision list": lambda: db.session.scalars(monitoring.supervision_list(user)).unique().all(),
            "rankings escorts": lambda: metrics.escort_metrics(period, now=now),
            "rankings departments": lambda: metrics.department_metrics(period, now=now),
            "rankings towns": lambda: metrics.town_metrics(period, now=now),
        }
        captured = []

        def before(conn, cursor, statement, params, context, executemany):
            context._bench_started = time.perf_counter()

        def after(conn, cursor, statement, params, context, executemany):
            captured.append((statement, params, time.perf_counter() - context._bench_started))

        engine = db.engine
        dialect = engine.dialect.name
        print(f"{'aggregate':36} {'stmt':>4} {'best ms':>8}  plan (indexes read; full scans)")
        worst = 0.0
        for name, job in jobs.items():
            best = defaultdict(lambda: float("inf"))
            statements = {}  # SQL text -> parameters, in the order first run
            for _ in range(args.runs):
                captured.clear()
                sa.event.listen(engine, "before_cursor_execute", before)
                sa.event.listen(engine, "after_cursor_execute", after)
                try:
                    job()
                finally:
                    sa.event.remove(engine, "before_cursor_execute", before)
                    sa.event.remove(engine, "after_cursor_execute", after)
                queries = [c for c in captured if c[0].lstrip().upper().startswith(("SELECT", "WITH"))]
                for statement, params, seconds in queries:
                    if "FROM calendar_overrides" in statement:  # the holiday table, read once per request
                        continue
                    best[statement] = min(best[statement], seconds)
                    statements.setdefault(statement, params)
            for index, (statement, params) in enumerate(statements.items()):
                plan, server_ms = explain(dialect, statement, params)
                worst = max(worst, best[statement] * 1000)
                extra = f" (server {server_ms:.1f} ms)" if server_ms is not None else ""
                print(f"{name:36} {index + 1:>4} {best[statement] * 1000:8.1f}  {summarize(plan)}{extra}")
                if args.plans:
                    print("\n".join("      " + line for line in plan))
        print(f"slowest statement: {worst:.1f} ms")


def explain(dialect: str, statement: str, params):
    connection = db.session.connection()
    if dialect == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params).all()
        lines = [r[0] for r in rows]
        server = next((float(m.group(1)) for line in lines
                       if (m := re.search(r"Execution Time: ([\d.]+) ms", line))), None)
        return lines, server
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
    return [r[-1] for r in rows], None


def summarize(plan: list[str]) -> str:
    indexes, scans = [], []
    for line in plan:
        for match in re.finditer(r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|"
                                 r"Bitmap Index Scan on) (\w+)", line):
            if match.group(1) not in indexes:
                indexes.append(match.group(1))
        for table in LARGE_TABLES:
            if re.search(rf"(Seq Scan on {table}\b|^SCAN {table}\b(?! USING))", line.strip()):
                scans.append(table)
    text = ", ".join(indexes) or "no index"
    if scans:
        text += "; FULL SCAN " + ", ".join(sorted(set(scans)))
    return text


if __name__ == "__main__":
    sys.exit(main())
