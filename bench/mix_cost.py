"""What each page of the working-day mix costs the server: every (person, page) pair of `make bench`'s mix,
requested in one process through Flask's test client (signed in, the whole request: session, permissions,
queries, template), against the database DATABASE_URL names (seeded with `flask demo scale`).

For each pair it prints the CPU time of the process per request (`time.process_time`, so a busy machine
inflates it less than wall time; on SQLite it is the whole work of the request), the wall time, the number
of SQL statements and the size of the page; then the mix's mean — the figure that decides how many requests a
second two workers can serve. Per pair: the median and the best CPU time of
--repeat requests (the best is the steadiest figure on a shared machine).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/mix_cost.py --repeat 20
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import DETAIL_LINK, MIX  # noqa: E402

NEXT = re.compile(r'<a class="page-link" rel="next" href="([^"]+)"')

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated accounts")
    args = parser.parse_args()

    import sqlalchemy as sa

    from app import create_app
    from app.core.serving import settle
    from app.extensions import db

    app = create_app("production", SECRET_KEY="bench-only", SESSION_COOKIE_SECURE=False, RATELIMIT_ENABLED=False)
    settle(app)  # as a serving process does before its first request (app/core/serving.py)
    statements = [0]
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))

    clients = {}
    rows = []
    wanted = {a for a in args.only.split(",") if a}
    for account, paths in MIX.items():
        if wanted and account not in wanted:
            continue
        client = app.test_client()
        token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
        client.post("/auth/login", data={"username": account, "password": "peipao-demo", "csrf_token": token})
        clients[account] = client
        home = "/portal/" if account.startswith("company") else "/tickets/"
        found = list(dict.fromkeys(DETAIL_LINK.findall(client.get(home).get_data(as_text=True))))
        for path in paths:
            if path in ("{detail}", "{detail2}"):
                path = found[0 if path == "{detail}" else 1]
            elif path == "{deep}":
                path = "/tickets/"
                for _ in range(20):
                    path = NEXT.search(client.get(path).get_data(as_text=True)).group(1).replace("&amp;", "&")
            response = client.get(path)
            assert response.status_code == 200, (account, path, response.status_code)
            client.get(path)
            statements[0] = 0
            cpus, walls = [], []
            for _ in range(args.repeat):
                cpu, wall = time.process_time(), time.perf_counter()
                response = client.get(path)
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            rows.append((account, path, statistics.median(cpus), min(cpus), statistics.median(walls),
                         statements[0] / args.repeat, len(response.data) // 1024))

    print(f"{'account':10} {'page':44} {'cpu p50':>7} {'cpu min':>7} {'wall p50':>8} {'stmts':>6} {'KB':>5}")
    for account, path, cpu, best, wall, stmts, size in rows:
        print(f"{account:10} {path[:44]:44} {cpu:7.1f} {best:7.1f} {wall:8.1f} {stmts:6.1f} {size:5d}")
    print(f"mean over {len(rows)} pairs: cpu p50 {statistics.mean(r[2] for r in rows):.1f} ms, "
          f"cpu min {statistics.mean(r[3] for r in rows):.1f} ms, wall p50 {statistics.mean(r[4] for r in rows):.1f} ms "
          f"(load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
