"""Configuration read from the environment.

Every setting has a safe default for development; production refuses to start
without a real SECRET_KEY.
"""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'peipao.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # i18n: Chinese first, English available.
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "中文", "en": "English"}

    # Assets are served by the app itself (government intranets have no internet).
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_STYLE = "primary"

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_int("SESSION_IDLE_MINUTES", 120))
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)

    # Rate limits (Redis when REDIS_URL is set, memory otherwise).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: Flask-Limiter answers from memory instead of failing the request (logged once).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed sign-ins (form and POST /api/v1/tokens together; app/accounts/throttling.py): per
    # (username, client address) and per client address. Several limits separated by ";".
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "30 per minute;300 per hour")
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
    # (0: none; the client address is the socket's). Needed for per-IP limits behind nginx.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # The dashboard's, workbenches' and rankings' numbers are shared per scope for this many seconds (at most
    # 60; 0: computed on every view), in Redis when REDIS_URL is set (app/core/aggregates.py).
    AGGREGATE_CACHE_SECONDS = _int("AGGREGATE_CACHE_SECONDS", 60)

    # API tokens.
    API_TOKEN_DAYS = _int("API_TOKEN_DAYS", 90)

    # Demo data.
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "peipao-demo")

    # Mail (off unless MAIL_SERVER is set).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "peipao@localhost")

    # Absolute links in e-mail, SMS and robot messages (the address people open the app at).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Outbox delivery: "rq" (Redis queue, `flask outbox worker` processes), "thread" (a worker thread in
    # the app process; `make run`), or "off" (only `flask tickets sweep` / `flask outbox drain` deliver).
    OUTBOX_WORKER = os.environ.get("OUTBOX_WORKER") or ("rq" if REDIS_URL else "thread")
    OUTBOX_POLL_SECONDS = _int("OUTBOX_POLL_SECONDS", 10)  # the thread's look for retries that came due
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 120)  # a claimed row is retried after this
    OUTBOX_RETRY_SECONDS = _int("OUTBOX_RETRY_SECONDS", 30)  # first retry; doubles each time (max 6 h)
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_KEEP_DAYS = _int("OUTBOX_KEEP_DAYS", 30)  # delivered and failed rows are pruned after this
    # Robots, the SMS endpoint: private/loopback addresses are refused unless this is on (webhook
    # subscriptions have their own per-subscription permission set by an admin).
    OUTBOUND_ALLOW_PRIVATE = _bool("OUTBOUND_ALLOW_PRIVATE", False)
    # SMS: "console" (development: written to the log) or "aliyun" (Alibaba Cloud SMS).
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
    SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com")
    SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("SMS_ALIYUN_ACCESS_KEY_ID", "")
    SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
    SMS_ALIYUN_SIGN_NAME = os.environ.get("SMS_ALIYUN_SIGN_NAME", "")
    SMS_ALIYUN_TEMPLATE = os.environ.get("SMS_ALIYUN_TEMPLATE", "")

    # Where uploaded files live: outside static/, never served directly.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 20)
    # Whole-request cap (several files may come in one form); each file is also checked against MAX_UPLOAD_MB.
    MAX_CONTENT_LENGTH = _int("MAX_REQUEST_MB", 100) * 1024 * 1024

    ITEMS_PER_PAGE = 50
    # Ticket numbers are XS-<year>-<seq>; the prefix is the district's.
    TICKET_NUMBER_PREFIX = os.environ.get("TICKET_NUMBER_PREFIX", "XS")
    TESTING = False
    IS_PRODUCTION = False


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    DEMO_PASSWORD = "peipao-demo"
    MAIL_SERVER = ""
    OUTBOX_WORKER = "off"  # tests drive delivery themselves (outbox.drain), or ask for a worker
    AGGREGATE_CACHE_SECONDS = 0  # numbers computed on every view; tests/test_aggregates.py turns it on
    BASE_URL = "https://peipao.test"


class ProductionConfig(Config):
    IS_PRODUCTION = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


configs = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None):
    return configs[name or os.environ.get("PEIPAO_ENV", "development")]
