"""Real-browser journeys: the app as `make run` starts it, driven by Debian's Chromium through Playwright.

One server for the whole session: a throwaway SQLite database and upload folder in a temp dir,
`flask db upgrade` + `flask demo seed` in a subprocess with the Makefile's environment, then
`flask run` on a free port. Tests get `people`: `people.login("escort1", phone=True)` is a page in
its own browser context, signed in through the real login form (desktop 1280×800 or phone 390×844).

Where Chromium or Playwright's Python package is missing, every test here is skipped with the reason
printed (in the summary of `make test`, with `-rs`, and on stderr) — never silently.
Screenshots go to $E2E_SCREENSHOT_DIR (`make e2e` points it at docs/screenshots/; by default they
land in instance/e2e-screenshots/, which git ignores, so `make test` never dirties the tree).
"""
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
PASSWORD = "peipao-demo"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Playwright's own browser download is not available here: use the distribution's Chromium.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    explicit = os.environ.get("E2E_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -r requirements.txt)"
    if chromium_path() is None:
        where = os.environ.get("E2E_CHROMIUM") or "/usr/bin/chromium (or `chromium` on PATH)"
        return f"Chromium not found at {where} (apt-get install chromium fonts-noto-cjk)"
    return None


def _is_e2e(item) -> bool:
    return E2E_DIR in Path(str(item.fspath)).resolve().parents


def pytest_configure(config):
    # Called when this folder is collected: say once, on stderr, why the journeys cannot run.
    reason = skip_reason()
    if reason:
        config._e2e_skip_reason = reason
        print(f"\nNOTICE: e2e journeys skipped: {reason}", file=sys.__stderr__, flush=True)


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if _is_e2e(item)]
    reason = getattr(config, "_e2e_skip_reason", None)
    for item in ours:
        item.add_marker(pytest.mark.e2e)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"e2e: {reason}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reason = getattr(config, "_e2e_skip_reason", None)
    if reason:
        terminalreporter.write_line(f"NOTICE: e2e journeys (tests/e2e) skipped: {reason}", yellow=True)


# ---------------------------------------------------------------- the app under test

@dataclass
class Server:
    base_url: str
    database: Path
    upload_dir: Path
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def scalar(self, sql: str, *params):
        """Read the throwaway database (setup facts like a demo company's name; assertions use the UI)."""
        with sqlite3.connect(self.database) as conn:
            row = conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def company_of(self, username: str) -> str:
        return self.scalar("SELECT c.name FROM users u JOIN companies c ON c.id = u.company_id "
                           "WHERE u.username = ?", username)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app_env(database: Path, upload_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "REDIS_URL", "MAIL_SERVER")}
    env.update(
        FLASK_APP="run.py",  # as the Makefile exports it
        PEIPAO_ENV="development",
        DATABASE_URL=f"sqlite:///{database}",
        UPLOAD_DIR=str(upload_dir),
        DEMO_PASSWORD=PASSWORD,
        LOGIN_RATE_LIMIT="1000 per minute",  # the journeys sign in a dozen times within a minute
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(args, env, log):
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    log.write(f"$ flask {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        pytest.fail(f"`flask {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("e2e-app")
    database, upload_dir, log_path = workdir / "peipao.sqlite3", workdir / "uploads", workdir / "server.log"
    env = _app_env(database, upload_dir)
    with open(log_path, "w") as log:
        _flask(["db", "upgrade"], env, log)
        _flask(["demo", "seed"], env, log)
    port = _free_port()
    log = open(log_path, "a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail(f"the app did not start on {base_url}:\n{log_path.read_text()[-4000:]}", pytrace=False)
        time.sleep(0.2)
    try:
        yield Server(base_url, database, upload_dir, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def chromium(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class People:
    """Browser contexts for the people in a journey; each signs in through the login form."""

    browser: object
    server: Server
    contexts: list = field(default_factory=list)

    def open(self, *, phone: bool = False, locale: str = "zh-CN"):
        context = self.browser.new_context(
            base_url=self.server.base_url, viewport=PHONE if phone else DESKTOP, locale=locale,
            timezone_id="Asia/Shanghai", accept_downloads=True,
            is_mobile=phone, has_touch=phone, device_scale_factor=1,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def login(self, username: str, *, phone: bool = False):
        page = self.open(phone=phone)
        log_in(page, username)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def log_in(page, username: str, *, labels=("用户名", "密码", "登录")):
    user_label, password_label, button = labels
    page.goto("/auth/login")
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


@pytest.fixture
def people(chromium, server):
    crowd = People(chromium, server)
    yield crowd
    crowd.close()


# ---------------------------------------------------------------- screenshots and files

def screenshot_dir() -> Path:
    configured = os.environ.get("E2E_SCREENSHOT_DIR")
    path = Path(configured) if configured else ROOT / "instance" / "e2e-screenshots"
    if not path.is_absolute():
        path = ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def shoot():
    """shoot(page, "name") → <dir>/name.png of what the person sees (the viewport)."""
    folder = screenshot_dir()

    def _shoot(page, name: str, *, full_page: bool = False):
        page.wait_for_load_state("load")
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
        return path

    return _shoot


def _png(width: int, height: int) -> bytes:
    """A small real PNG (a green field with a darker band), written without an imaging library."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        colour = b"\x2e\x7d\x32" if height // 3 <= y < 2 * height // 3 else b"\x81\xc7\x84"
        rows.append(b"\x00" + colour * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) \
        + chunk(b"IEND", b"")


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF (valid structure, ASCII text)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """Files a person would pick in the file chooser."""
    folder = tmp_path_factory.mktemp("e2e-files")
    pdf = folder / "用电增容申请材料.pdf"
    pdf.write_bytes(_pdf("Capacity increase application"))
    photo = folder / "车间现场.png"
    photo.write_bytes(_png(160, 120))
    english_pdf = folder / "application-form.pdf"
    english_pdf.write_bytes(_pdf("Application form"))
    return {"pdf": pdf, "photo": photo, "english_pdf": english_pdf}


@pytest.fixture(scope="session")
def english():
    """english("中文 msgid") → the text the English UI shows, from the compiled catalogue the app serves."""
    import gettext

    folder = ROOT / "app" / "translations" / "en" / "LC_MESSAGES"
    if not (folder / "messages.po").exists():
        pytest.skip("no English catalogue yet (app/translations/en/LC_MESSAGES/messages.po; `make translations`)")
    if not (folder / "messages.mo").exists():
        pytest.fail("the English catalogue is not compiled: run `make install` (pybabel compile)", pytrace=False)
    with open(folder / "messages.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)

    def _english(msgid: str) -> str:
        text = catalogue.gettext(msgid)
        assert text != msgid, f"“{msgid}” has no English translation in the catalogue"
        return text

    return _english
