"""Where a first view's time goes: cProfile over the app's own request handling (Flask's test client, signed
in as the account that opens the page), against the database DATABASE_URL names (seeded with `flask demo
scale`). Each page is requested once to warm up, then --repeat times under the profiler; prints the mean
time per request and the functions with the most cumulative and own time.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/profile_pages.py --pages dashboard,tickets
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = {
    "tickets": ("manager1", "/tickets/"),
    "tickets (escort)": ("escort1", "/tickets/"),
    "tickets (helper)": ("helper1", "/tickets/"),
    "ticket detail": ("manager1", "{detail}"),
    "dashboard": ("manager1", "/dashboard"),
    "companies": ("manager1", "/companies/"),
    "rankings": ("manager1", "/rankings/"),
    "workbench (escort)": ("escort1", "/home"),
    "workbench (helper)": ("helper1", "/home"),
    "password form": ("manager1", "/auth/password"),
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DETAIL = re.compile(r'href="(/tickets/\d+)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()

    from app import create_app

    app = create_app("production", SECRET_KEY="profile-only", SESSION_COOKIE_SECURE=False,
                     RATELIMIT_ENABLED=False)
    wanted = [p.strip() for p in args.pages.split(",") if p.strip()] or list(PAGES)
    clients = {}
    for name in wanted:
        account, path = PAGES[name]
        if account not in clients:
            client = app.test_client()
            token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
            client.post("/auth/login", data={"username": account, "password": "peipao-demo", "csrf_token": token})
            clients[account] = client
        client = clients[account]
        if path == "{detail}":
            path = DETAIL.search(client.get("/tickets/").get_data(as_text=True)).group(1)
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.enable()
        for _ in range(args.repeat):
            client.get(path)
        profile.disable()
        mean = (time.perf_counter() - began) / args.repeat * 1000
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(f"==== {name} ({account}) {path}: {mean:.1f} ms per request (under the profiler), "
              f"{len(response.data) // 1024} KB")
        print("\n".join(out.getvalue().splitlines()[4:]))


if __name__ == "__main__":
    main()
