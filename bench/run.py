"""`make bench`: a working day of Peipao at district scale, on this machine, against SQLite or PostgreSQL.

1. a throwaway database: a temporary SQLite file, or — when DATABASE_URL names PostgreSQL — that
   database dropped and created again (its name must contain "bench": nothing else is ever dropped);
2. migrations, then `flask demo scale` (demo accounts + companies, visits and problems);
3. gunicorn with 2 sync workers on 127.0.0.1, production configuration; every request goes through
   Flask-Login and the session rules and renders its page;
4. first views: each busy page driven alone by wrk (8 connections) as the account that opens it, /healthz too;
5. the headline, a working-day mix: eight signed-in people (manager, admin, two escorts, two helpers, two
   companies) cycling over 32 (person, page) pairs — lists, filters, page 21, detail pages, dashboard,
   rankings, workbenches, the portal — through one wrk run with a Lua script that rotates path and cookie,
   while a ninth session comments on the problems of the manager's first list page in turn through the
   JSON API (--writes-per-second, default 2);
   its requests/second as a ratio to /healthz's in the same run, p99, and the non-2xx count;
6. the dashboard and ranking aggregates timed one by one (bench/aggregates.py);
7. results (wrk's raw output included) as JSON in bench/results/, with --record a dated section in
   docs/benchmarks.md. The load average is recorded with every figure (a shared machine slows all alike).

Usage: make bench [BENCH_ARGS="--tickets 200000 --companies 5000 --duration 10 --mix-duration 30 --record"]
       DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/peipao_bench make bench BENCH_ARGS="--tickets 1000000"
Options: python bench/run.py --help.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
USER_AGENT = "peipao-bench"
PASSWORD = "peipao-demo"

# First views: (name, account, path), each page driven alone by wrk as the account that opens it. Every
# request renders its page; "{detail}" is a problem the account may open (found on
# its own list) and "{deep}" the problem list 20 pages in (keyset pagination).
PAGES = [
    ("healthz", None, "/healthz"),
    ("readyz", None, "/readyz"),
    ("tickets", "manager1", "/tickets/"),
    ("tickets (escort)", "escort1", "/tickets/"),
    ("tickets (helper)", "helper1", "/tickets/"),
    ("tickets ?overdue", "manager1", "/tickets/?overdue=y"),
    ("tickets page 21", "manager1", "{deep}"),
    ("ticket detail", "manager1", "{detail}"),
    ("ticket detail (escort)", "escort1", "{detail}"),
    ("dashboard", "manager1", "/dashboard"),
    ("companies", "manager1", "/companies/"),
    ("rankings", "manager1", "/rankings/"),
    ("workbench (escort)", "escort1", "/home"),
    ("workbench (helper)", "helper1", "/home"),
    ("portal (company)", "company1", "/portal/"),
]
# The busy pages whose first view must serve >= FIRST_VIEW_RATIO of /healthz (issue 14).
BUSY_PAGES = ("tickets", "tickets (escort)", "tickets (helper)", "ticket detail", "dashboard", "companies",
              "rankings")
FIRST_VIEW_RATIO = 0.05

# The working day: eight signed-in people, each cycling over their busiest pages ("{detail}", "{detail2}":
# the first and second problem on the person's own list; "{deep}": page 21 of the list). 32 pairs.
MIX = {
    "manager1": ["/tickets/", "/tickets/?overdue=y", "/tickets/?status=closed&category=financing", "{deep}",
                 "{detail}", "{detail2}", "/dashboard", "/companies/", "/rankings/"],
    "admin": ["/dashboard", "/tickets/", "{detail}", "/rankings/?board=departments"],
    "escort1": ["/home", "/tickets/", "{detail}", "/companies/"],
    "escort2": ["/home", "/tickets/", "{detail}", "/visits/unvisited"],
    "helper1": ["/home", "/tickets/", "/tickets/?mine=y", "{detail}"],
    "helper2": ["/home", "/tickets/", "{detail}"],
    "company1": ["/portal/", "{detail}"],
    "company2": ["/portal/", "{detail}"],
}
MIX_RATIO = 0.10
MIX_P99_MS = 150.0
DETAIL_LINK = re.compile(r'href="(/(?:tickets|portal/problems)/\d+)"')


def say(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------- tools

def find_wrk() -> str:
    """wrk from PATH; installed from Debian's packages when missing and we may (root + apt-get)."""
    path = shutil.which("wrk")
    if path:
        say(f"load generator: {path} ({_wrk_version(path)})")
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("load generator: wrk not found; installing it from Debian's packages (apt-get install -y wrk) …")
        result = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            result = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, text=True)
        path = shutil.which("wrk")
        if path:
            say(f"load generator: installed {path} ({_wrk_version(path)})")
            return path
        say(result.stdout[-2000:] + result.stderr[-2000:])
    sys.exit("wrk is needed: install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk) "
             "and run make bench again.")


def _wrk_version(path: str) -> str:
    out = subprocess.run([path, "-v"], capture_output=True, text=True)
    match = re.search(r"wrk \S+", out.stdout + out.stderr)
    return match.group(0) if match else "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- database

def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


def recreate_postgres(url: str) -> None:
    """Drop and create the bench database (refused unless its name says bench)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: the benchmark recreates its database, "
                 "so its name must contain 'bench' (e.g. peipao_bench)")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"database: PostgreSQL {parsed.host}/{name} (dropped and created again)")


def prepare_postgres(url: str, random_page_cost: float | None) -> None:
    """VACUUM ANALYZE (statistics, and the visibility map index-only scans need), and optionally the
    planner's random_page_cost on this database (see docs/benchmarks.md)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if random_page_cost is None:
            conn.execute(f'ALTER DATABASE "{parsed.database}" RESET random_page_cost')
        else:
            conn.execute(f'ALTER DATABASE "{parsed.database}" SET random_page_cost = {float(random_page_cost)}')
        conn.execute("VACUUM ANALYZE")


def _settings_table():
    import sqlalchemy as sa

    return sa.table("settings", sa.column("key"), sa.column("value", sa.JSON), sa.column("updated_at", sa.DateTime))


def seeded_marker(url: str) -> dict | None:
    """The parameters the database was seeded with (settings row bench.seed), if any."""
    import sqlalchemy as sa

    settings = _settings_table()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(settings.c.value).where(settings.c.key == "bench.seed")).scalar()
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def write_marker(url: str, marker: dict) -> None:
    import sqlalchemy as sa

    settings = _settings_table()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.delete(settings).where(settings.c.key == "bench.seed"))
        conn.execute(sa.insert(settings).values(key="bench.seed", value=marker,
                                                updated_at=datetime.now(timezone.utc).replace(tzinfo=None)))
    engine.dispose()


def database_facts(url: str) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    facts = {}
    with engine.connect() as conn:
        for table in ("companies", "users", "tickets", "ticket_events", "visits", "audit_log", "notifications"):
            facts[table] = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
        facts["open_tickets"] = conn.execute(sa.text(
            "SELECT count(*) FROM tickets WHERE status NOT IN ('closed','rejected','withdrawn')")).scalar()
        # The detail page: the open problem with the longest timeline among the latest thousand.
        facts["detail_ticket"] = conn.execute(sa.text(
            "SELECT e.ticket_id FROM ticket_events e WHERE e.ticket_id IN "
            "(SELECT id FROM tickets WHERE status NOT IN ('closed','rejected','withdrawn') "
            "ORDER BY id DESC LIMIT 1000) "
            "GROUP BY e.ticket_id ORDER BY count(*) DESC, e.ticket_id LIMIT 1")).scalar()
        if is_postgres(url):
            facts["server"] = "PostgreSQL " + conn.execute(sa.text("SHOW server_version")).scalar().split()[0]
            facts["size"] = conn.execute(
                sa.text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
        else:
            facts["server"] = "SQLite " + conn.execute(sa.text("SELECT sqlite_version()")).scalar()
            path = Path(engine.url.database)
            facts["size"] = f"{path.stat().st_size / 2**20:.0f} MB"
    engine.dispose()
    return facts


def flask(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, text=True, capture_output=True)


# --------------------------------------------------------------------------- server and clients

def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
               "--log-level", "warning", "run:app"]
    handle = open(log, "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    stop(process)
    sys.exit(f"gunicorn did not answer /healthz within a minute; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Client:
    """A signed-in browser session, reduced to its cookie header."""

    def __init__(self, base: str, username: str | None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]
        if username:
            self.login(username)

    def login(self, username: str) -> None:
        page = self.opener.open(self.base + "/auth/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page)
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
        response = self.opener.open(self.base + "/auth/login", data.encode())
        if "/auth/login" in response.geturl():
            sys.exit(f"could not sign in as {username}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie} if self.cookie else {})
        request.add_header("User-Agent", USER_AGENT)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""


    def post_form(self, path: str, form_page: str, fields: dict) -> int:
        """Submit a form the way a browser does: the CSRF token read off `form_page`, then POST."""
        _status, page = self.get(form_page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = urllib.parse.urlencode({**fields, "csrf_token": token.group(1) if token else ""}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Cookie": self.cookie})
        request.add_header("User-Agent", USER_AGENT)
        try:
            with urllib.request.build_opener(_NoRedirect).open(request) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


class Writer(threading.Thread):
    """Someone at work while the pages are read: a comment every 1/rate seconds through the JSON API
    (`POST /api/v1/tickets/{id}/comments` with a bearer token), each its own transaction, timeline event,
    audit row and notifications, as real work writes them — on the problems of the writer's list in turn, as work
    spreads over many problems. (Until 2026-12-07 every comment went to one problem, the manager's {detail} page
    of the mix: each run on a reused database added 61 events to that page's timeline, 5 on average, so every
    run read a heavier page than the one before.)"""

    def __init__(self, base: str, username: str, ticket_ids: list[int], rate: float):
        super().__init__(daemon=True)
        self.base, self.ticket_ids, self.interval = base, list(ticket_ids), 1.0 / rate
        self.token = self._token(username)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.writes = self.failures = 0
        self.failure_statuses: list = []

    def _token(self, username: str) -> str:
        body = json.dumps({"username": username, "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/api/v1/tokens", data=body,
                                         headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["token"]

    def run(self) -> None:
        """One write started every 1/rate seconds, each in its own thread: a slow answer does not lower the rate."""
        next_at = time.monotonic()
        pending = []
        while not self.stopping.is_set():
            next_at += self.interval
            self.writes += 1
            thread = threading.Thread(target=self._write, args=(self.writes,), daemon=True)
            thread.start()
            pending.append(thread)
            self.stopping.wait(max(0.0, next_at - time.monotonic()))
        for thread in pending:
            thread.join(timeout=15)

    def _write(self, n: int) -> None:
        url = f"{self.base}/api/v1/tickets/{self.ticket_ids[n % len(self.ticket_ids)]}/comments"
        body = json.dumps({"body": f"bench: 已电话跟进 {n}"}).encode()
        request = urllib.request.Request(url, data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            status = type(exc).__name__
        if status != 201:
            with self.lock:
                self.failures += 1
                self.failure_statuses.append(status)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def deep_page(client: Client, path: str, pages: int) -> str:
    """Follow 下一页 `pages` times from `path`; the URL reached."""
    for _ in range(pages):
        status, html = client.get(path)
        match = re.search(r'<a class="page-link" rel="next" href="([^"]+)"', html)
        if status != 200 or not match:
            break
        path = match.group(1).replace("&amp;", "&")
    return path


def run_wrk(wrk: str, url: str, cookie: str, *, seconds: int, connections: int, threads: int) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [url], capture_output=True, text=True).stdout
    return _parse_wrk(out)


def _parse_wrk(out: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", out, re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": latency.get("50"), "p90_ms": latency.get("90"), "p99_ms": latency.get("99"),
            "requests": total, "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1).strip() if errors else "", "raw": out}


MIX_LUA = """
-- Generated by bench/run.py: each request is the next (path, cookie) pair of the working day; every thread
-- starts at its own place in the cycle. Non-2xx answers are counted (3xx too: a signed-in page never
-- redirects unless the session was lost).
local pairs_list = {%(pairs)s}
local threads = {}
local counter = 0
bad = 0
statuses = ""

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
end

function request()
  counter = counter + 1
  local p = pairs_list[(counter %% #pairs_list) + 1]
  return wrk.format("GET", p[1], {["Cookie"] = p[2], ["User-Agent"] = "%(agent)s"})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total, seen = 0, ""
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    seen = seen .. t:get("statuses")
  end
  io.write(string.format("MIX_NON2XX %%d\\n", total))
  io.write("MIX_STATUSES " .. seen .. "\\n")
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_mix(wrk: str, base: str, pairs: list[tuple[str, str, str]], workdir: Path, *, seconds: int,
            connections: int, threads: int) -> dict:
    """wrk over the (person, path, cookie) pairs in turn, with a generated Lua script."""
    script = workdir / "peipao-bench-mix.lua"
    items = ", ".join("{%s, %s}" % (_lua_string(path), _lua_string(cookie)) for _person, path, cookie in pairs)
    script.write_text(MIX_LUA % {"pairs": items, "agent": USER_AGENT})
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(script), base]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    figures = _parse_wrk(out)
    mix_bad = re.search(r"MIX_NON2XX (\d+)", out)
    figures["non_2xx"] = int(mix_bad.group(1)) if mix_bad else figures["non_2xx"]
    statuses = re.search(r"MIX_STATUSES (.*)", out)
    figures["non_2xx_statuses"] = statuses.group(1).strip() if statuses else ""
    return figures


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


# --------------------------------------------------------------------------- machine and report

def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    load = ""
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
        load = " ".join(load)
    except OSError:
        pass
    return {"host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "memory": memory,
            "os": platform.platform(), "python": platform.python_version(), "load_before": load}


def load_now() -> str:
    """The load average (1, 5, 15 min): other work on the shared machine slows every figure alike."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def report_table(results: list[dict], healthz_rps: float) -> str:
    lines = ["| page | account | requests/s | p50 ms | p99 ms | ratio to /healthz | load |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r['name']} | {r['account'] or '—'} | {r['rps']:.1f} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['rps'] / healthz_rps:.3f} | {r.get('load', '')} |")
    return "\n".join(lines)


def check_targets(results: list[dict], healthz_rps: float, mix: dict | None) -> list[str]:
    verdicts = []
    if mix:
        ratio = mix["rps"] / healthz_rps
        verdicts += [
            f"working-day mix ({mix['people']} people, {mix['pairs']} (person, page) pairs, {mix['writes']} API "
            f"comments written meanwhile, {mix['write_failures']} failed): {mix['rps']:.1f} req/s = {ratio:.3f} of "
            f"/healthz ({healthz_rps:.0f} req/s); target >= {MIX_RATIO}: {'MET' if ratio >= MIX_RATIO else 'NOT MET'}",
            f"mix p50 {mix['p50_ms']:.1f} ms, p99 {mix['p99_ms']:.1f} ms; target p99 < {MIX_P99_MS:.0f} ms: "
            f"{'MET' if mix['p99_ms'] < MIX_P99_MS else 'NOT MET'}",
            f"mix non-2xx responses: {mix['non_2xx']} {mix.get('non_2xx_statuses', '')}; target 0: "
            f"{'MET' if mix['non_2xx'] == 0 else 'NOT MET'}",
        ]
    by_name = {r["name"]: r for r in results}
    for name in BUSY_PAGES:
        r = by_name.get(name)
        if r:
            ratio = r["rps"] / healthz_rps
            verdicts.append(f"first view {name}: {r['rps']:.1f} req/s = {ratio:.3f} of /healthz; target >= "
                            f"{FIRST_VIEW_RATIO}: {'MET' if ratio >= FIRST_VIEW_RATIO else 'NOT MET'}")
    return verdicts


def compare(run: dict, baseline_path: Path) -> list[str]:
    """Latency against an earlier run (e.g. PostgreSQL 1,000,000 against 200,000): the mix and each page."""
    earlier = json.loads(baseline_path.read_text())
    lines = [f"against {baseline_path.name}: latency ratio, this run ÷ baseline (mix target <= 1.5)"]
    if run.get("mix") and earlier.get("mix"):
        m, b = run["mix"], earlier["mix"]
        lines.append(f"  {'working-day mix':28} p50 {m['p50_ms'] / b['p50_ms']:5.2f}  p99 {m['p99_ms'] / b['p99_ms']:5.2f}")
    baseline = {r["name"]: r for r in earlier.get("pages", [])}
    for r in run["pages"]:
        b = baseline.get(r["name"])
        if b and r["name"] not in ("healthz", "readyz"):
            lines.append(f"  {r['name']:28} p50 {r['p50_ms'] / b['p50_ms']:5.2f}  p99 {r['p99_ms'] / b['p99_ms']:5.2f}")
    return lines


def record(run: dict, table: str, verdicts: list[str], aggregates: str, comparison: list[str]) -> None:
    m = run["machine"]
    facts = run["database"]
    mix = run.get("mix")
    seeded = (f"`flask demo scale` took {run['seed_seconds']:.0f} s" if run.get("seed_seconds")
              else "the database was reused from an earlier seeding")
    section = [
        f"\n### {run['date']} — {facts['server']}, {facts['tickets']:,} problems, {facts['companies']:,} companies\n",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}; "
        f"load average before the run {m['load_before']}.",
        f"- Data: {facts['tickets']:,} problems ({facts['open_tickets']:,} open), {facts['ticket_events']:,} timeline "
        f"events, {facts['visits']:,} visits, {facts['users']:,} users; database {facts['size']}; {seeded}.",
        f"- Load: gunicorn {run['workers']} sync workers, wrk {run['threads']} threads × {run['connections']} "
        f"connections on 127.0.0.1; shared aggregates "
        f"{'in Redis (one computation per scope for both workers)' if run.get('redis') else 'in each worker memory'}.",
    ]
    if mix:
        section += [
            "",
            f"**Working-day mix** ({run['mix_duration']} s, load average at its start {mix['load']}): "
            f"{mix['people']} people over {mix['pairs']} (person, page) pairs while a ninth session commented "
            f"through the API {run['writes_per_second']:g} times a second ({mix['writes']} written, "
            f"{mix['write_failures']} failed).",
            "",
            "| | requests/s | ratio to /healthz | p50 ms | p90 ms | p99 ms | non-2xx |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| working-day mix | {mix['rps']:.1f} | {mix['rps'] / run['healthz_rps']:.3f} | {mix['p50_ms']:.1f} | "
            f"{mix['p90_ms']:.1f} | {mix['p99_ms']:.1f} | {mix['non_2xx']} |",
            f"| /healthz (same run) | {run['healthz_rps']:.1f} | 1.000 | | | | |",
        ]
    section += ["", f"**First views** (each page alone, {run['duration']} s):", "", table, "",
                *[f"- {v}" for v in verdicts]]
    if comparison:
        section += ["", "```", *comparison, "```"]
    if aggregates:
        section += ["", "Dashboard and ranking aggregates, one statement at a time (best of 5):", "", "```",
                    aggregates.rstrip(), "```"]
    section.append(f"\nRaw wrk output: `bench/results/{run['file']}`.")
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    marker = "\n## Search and similar problems"
    body = "\n".join(section) + "\n"
    if marker in text:
        head, tail = text.split(marker, 1)
        DOC.write_text(head.rstrip() + "\n" + body + marker + tail)
    else:
        DOC.write_text(text.rstrip() + "\n" + body)
    say(f"recorded in {DOC.relative_to(ROOT)}")


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--companies", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (first views)")
    parser.add_argument("--mix-duration", type=int, default=30, help="seconds of the working-day mix")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pages", default="", help="comma-separated first-view page names to run (default: all; "
                                                     "'none' runs only /healthz and the mix)")
    parser.add_argument("--no-mix", action="store_true", help="first views only")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="PostgreSQL database to recreate (name must contain 'bench'); "
                             "default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database already seeded with the same --tickets/--companies/--seed")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (printed) afterwards")
    parser.add_argument("--random-page-cost", type=float, default=0,
                        help="PostgreSQL planner cost of a random page read to set on the bench database "
                             "(e.g. 1.1 for SSD storage; default 0: the server's setting)")
    parser.add_argument("--writes-per-second", type=float, default=2.0,
                        help="during the mix, a ninth session comments (on the manager's listed problems in turn) "
                             "through the API this many times a second (default 2; 0: no writes)")
    parser.add_argument("--baseline", type=Path, help="results JSON of an earlier run to compare latencies with")
    parser.add_argument("--record", action="store_true", help="add the results to docs/benchmarks.md")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""),
                        help="the server's REDIS_URL, as the README asks of a deployment with more than one worker: "
                             "the shared aggregates and the rate limits in Redis, one computation per scope for "
                             "both workers (the database it names is emptied first). Default: none, each "
                             "worker's memory")
    args = parser.parse_args()
    args.random_page_cost = args.random_page_cost or None

    wrk = find_wrk()
    machine_info = machine()
    marker = {"tickets": args.tickets, "companies": args.companies, "seed": args.seed}
    tmpdir = None
    url = args.database_url
    if url and is_postgres(url):
        if not (args.reuse and seeded_marker(url) == marker):
            recreate_postgres(url)
            args.reuse = False
        else:
            say(f"database: reusing {url.rsplit('@', 1)[-1]} (seeded with {marker})")
    elif url:
        say(f"database: {url}")
        if not (args.reuse and seeded_marker(url) == marker):
            path = Path(url.split("///", 1)[1])
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            args.reuse = False
    else:
        tmpdir = Path(tempfile.mkdtemp(prefix="peipao-bench-"))
        url = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
        say(f"database: temporary SQLite file {tmpdir / 'bench.sqlite3'}")
        args.reuse = False

    env = {**os.environ, "FLASK_APP": "run.py", "DATABASE_URL": url, "PEIPAO_ENV": "development"}
    seed_seconds = None
    result = flask(["db", "upgrade"], env)  # a reused database gets the migrations made since it was seeded
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    if not args.reuse:
        say(f"seeding: flask demo scale --companies {args.companies} --tickets {args.tickets} --seed {args.seed} …")
        began = time.perf_counter()
        result = flask(["demo", "scale", "--companies", str(args.companies), "--tickets", str(args.tickets),
                        "--seed", str(args.seed)], env)
        seed_seconds = time.perf_counter() - began
        if result.returncode:
            sys.exit(result.stdout + result.stderr)
        say(result.stdout.rstrip())
        say(f"seeding took {seed_seconds:.1f} s")
        # What cron does every few minutes in production, once: among other things it rebuilds the past
        # months' summary rows the dashboard's trend reads.
        result = flask(["tickets", "sweep"], {**env, "OUTBOX_WORKER": "off"})
        if result.returncode:
            sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
        say("flask tickets sweep: " + " / ".join(result.stdout.strip().splitlines()[-3:]))
        write_marker(url, marker)
    if is_postgres(url):
        prepare_postgres(url, args.random_page_cost)
        say(f"PostgreSQL: VACUUM ANALYZE; random_page_cost = {args.random_page_cost or 'server default'}")
    facts = database_facts(url)
    say(f"data: {facts['tickets']:,} problems ({facts['open_tickets']:,} open), {facts['companies']:,} companies, "
        f"{facts['ticket_events']:,} events; {facts['server']}, {facts['size']}")

    aggregates = subprocess.run([sys.executable, str(ROOT / "bench" / "aggregates.py")], cwd=ROOT,
                                env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    aggregates_text = aggregates.stdout if aggregates.returncode == 0 else aggregates.stdout + aggregates.stderr[-3000:]
    say(aggregates_text.rstrip())

    port = free_port()
    workdir = tmpdir or Path(tempfile.mkdtemp(prefix="peipao-bench-run-"))
    server_env = {**env, "PEIPAO_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                  "SESSION_COOKIE_SECURE": "false", "LOGIN_RATE_LIMIT": "1000 per minute"}
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url, socket_connect_timeout=3).flushdb()  # no entry of an earlier run
        # Deliveries stay in the worker's thread, as without Redis: RQ would need its own worker process.
        server_env.update({"REDIS_URL": args.redis_url, "OUTBOX_WORKER": "thread"})
        say(f"server: REDIS_URL={args.redis_url} (shared aggregates and rate limits; database emptied)")
    log = workdir / "peipao-bench-gunicorn.log"
    server = start_gunicorn(server_env, port, args.workers, log)
    base = f"http://127.0.0.1:{port}"
    results, mix, healthz_rps = [], None, None
    try:
        clients = {None: Client(base, None)}
        wanted = {n.strip() for n in args.pages.split(",") if n.strip()}
        pages = [p for p in PAGES if not wanted or p[0] in wanted or p[0] == "healthz"]
        people = set(MIX) if not args.no_mix else set()
        for account in {a for _n, a, _p in pages} | people:
            if account not in clients:
                clients[account] = Client(base, account)
        places = {}

        def listed(account: str) -> list[str]:
            """The addresses of the problems on `account`'s own list (the portal's for a company), read once."""
            if account not in places:
                home = "/portal/" if account.startswith("company") else "/tickets/"
                _status, html = clients[account].get(home)
                places[account] = list(dict.fromkeys(DETAIL_LINK.findall(html)))
            return places[account]

        def resolve(account: str, path: str) -> str:
            """A path with its placeholders filled in for `account` (its own list's problems, page 21)."""
            if path == "{deep}":
                return deep_page(clients[account], "/tickets/", 20)
            if path in ("{detail}", "{detail2}"):
                found = listed(account)
                index = 0 if path == "{detail}" else 1
                if len(found) <= index:
                    raise SystemExit(f"{account}: fewer than {index + 1} problems on its list")
                return found[index]
            return path

        for name, account, path in pages:
            client = clients[account]
            path = resolve(account, path) if account else path
            status, _html = client.get(path)
            if status != 200:
                raise SystemExit(f"{name}: GET {path} as {account} answered {status}")
            for _ in range(3):  # warm the workers (imports, compiled templates, connections)
                client.get(path)
            say(f"first view: {name} ({account or 'anonymous'}) {path[:80]} …")
            load = load_now()
            figures = run_wrk(wrk, base + path, client.cookie, seconds=args.duration,
                              connections=args.connections, threads=args.threads)
            if figures["non_2xx"]:
                raise SystemExit(f"{name}: {figures['non_2xx']} responses were not 2xx/3xx")
            results.append({"name": name, "account": account, "path": path, "load": load, **figures})
            say(f"      {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms"
                f"  (load {load})")
        healthz_rps = next(r["rps"] for r in results if r["name"] == "healthz")

        if not args.no_mix:
            pairs = []
            for account, paths in MIX.items():
                for path in paths:
                    resolved = resolve(account, path)
                    status, _html = clients[account].get(resolved)
                    if status != 200:
                        raise SystemExit(f"mix: GET {resolved} as {account} answered {status}")
                    pairs.append((account, resolved, clients[account].cookie))
            writer = None
            if args.writes_per_second:
                targets = [int(path.rsplit("/", 1)[1]) for path in listed("manager1")]
                writer = Writer(base, "manager1", targets, args.writes_per_second)
            # /healthz again right before the mix: the ratio compares like with like on a shared machine.
            again = run_wrk(wrk, base + "/healthz", "", seconds=args.duration, connections=args.connections,
                            threads=args.threads)
            healthz_rps = (healthz_rps + again["rps"]) / 2
            say(f"/healthz again: {again['rps']:.1f} req/s; the ratio uses the mean of both, {healthz_rps:.1f}")
            load = load_now()
            say(f"working-day mix: {len(MIX)} people, {len(pairs)} (person, page) pairs, "
                f"{args.writes_per_second:g} API writes/s, {args.mix_duration} s (load {load}) …")
            if writer:
                writer.start()
            mix = run_mix(wrk, base, pairs, workdir, seconds=args.mix_duration, connections=args.connections,
                          threads=args.threads)
            if writer:
                writer.stopping.set()
                writer.join()
            mix.update(people=len(MIX), pairs=len(pairs), load=load, healthz_again=again["rps"],
                       writes=writer.writes if writer else 0, write_failures=writer.failures if writer else 0,
                       write_failure_statuses=[str(x) for x in writer.failure_statuses] if writer else [],
                       pair_list=[(a, p) for a, p, _c in pairs])
            say(f"      {mix['rps']:8.1f} req/s  p50 {mix['p50_ms']:7.1f} ms  p99 {mix['p99_ms']:7.1f} ms  "
                f"non-2xx {mix['non_2xx']}  writes {mix['writes']} ({mix['write_failures']} failed)")
    finally:
        stop(server)
        if tmpdir and not args.keep:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif tmpdir:
            say(f"kept {tmpdir / 'bench.sqlite3'}")

    table = report_table(results, healthz_rps)
    verdicts = check_targets(results, healthz_rps, mix)
    say("\n" + table + "\n")
    for line in verdicts:
        say(line)

    now = datetime.now(timezone.utc).astimezone()
    kind = "postgresql" if is_postgres(url) else "sqlite"
    RESULTS.mkdir(parents=True, exist_ok=True)
    file = f"{now:%Y%m%d-%H%M%S}-{kind}-{facts['tickets']}.json"
    run = {"date": now.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine_info, "database": facts,
           "seed_seconds": seed_seconds, "workers": args.workers, "connections": args.connections,
           "threads": args.threads, "duration": args.duration, "mix_duration": args.mix_duration,
           "writes_per_second": args.writes_per_second, "redis": bool(args.redis_url), "mix": mix, "pages": results,
           "healthz_rps": healthz_rps,
           "verdicts": verdicts, "aggregates": aggregates_text, "file": file, "load_after": load_now(),
           "random_page_cost": args.random_page_cost if is_postgres(url) else None}
    comparison = compare(run, args.baseline) if args.baseline else []
    for line in comparison:
        say(line)
    run["comparison"] = comparison
    (RESULTS / file).write_text(json.dumps(run, ensure_ascii=False, indent=1))
    say(f"results: bench/results/{file}")
    if args.record:
        record(run, table, verdicts, aggregates_text, comparison)


if __name__ == "__main__":
    main()
