"""The whole-page cache of the busiest pages (app/core/pagecache.py), seen the way people would notice it:
a page opened twice comes from the cache, and anything that changes what the page shows is there on the
next view — a problem filed, another worker's write, another person, another language, a message."""
import html
import re

import pytest

from app.core import pagecache
from app.extensions import db
from tests.conftest import Browser
from tests.tickets.helpers import World


@pytest.fixture
def world(make):
    return World(make)


def signed_in(app, user) -> Browser:
    """Signed in, on the page the sign-in leads to (which shows, and so ends, its welcome message)."""
    b = Browser(app.test_client())
    response = b.login(user.username)
    assert response.status_code == 302
    while response.status_code == 302:
        response = b.follow(response)
    return b


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def cache_state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def open_twice(b: Browser, url: str):
    """Open a page twice: the second view comes from the cache."""
    b.get(url)
    page = b.get(url)
    assert cache_state(page) == "hit"
    return page


def sent_to(b: Browser, url: str) -> str:
    """Where opening `url` redirects (without following)."""
    response = b.client.get(url)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


@pytest.mark.parametrize("url", ["/tickets/", "/dashboard", "/companies/", "/rankings/"])
def test_a_busy_page_opened_twice_comes_from_the_cache_the_second_time(app, world, url):
    b = signed_in(app, world.manager)
    first = b.get(url)
    second = b.get(url)
    assert first.status_code == second.status_code == 200
    assert cache_state(first) == "miss" and cache_state(second) == "hit"
    assert second.get_data() == first.get_data()
    # Still a signed-in page: not kept by the browser, with the usual security headers.
    assert second.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in second.headers["Content-Security-Policy"]


def test_a_cached_detail_page_forms_still_work_for_the_same_person(app, world):
    ticket = world.ticket_in("dispatched")
    b = signed_in(app, world.helper)
    url = f"/tickets/{ticket.id}"
    b.get(url)
    page = b.get(url)
    assert cache_state(page) == "hit"
    version = re.search(r'name="sign-version" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = b.client.post(f"{url}/actions/sign", data={"csrf_token": token, "sign-version": version,
                                                          "sign-submit": "1"})
    assert response.status_code == 302
    after = b.get(url)
    assert "办理中" in text(after) and cache_state(after) != "hit"


def test_a_new_problem_shows_on_the_list_at_once(app, world):
    b = signed_in(app, world.manager)
    open_twice(b, "/tickets/")
    world.new_ticket(title="消防验收排期请求")  # committed by the company's portal action
    page = b.get("/tickets/")
    assert cache_state(page) == "miss"
    assert "消防验收排期请求" in text(page)


def test_a_write_by_another_worker_makes_cached_pages_stale(app, world):
    b = signed_in(app, world.manager)
    open_twice(b, "/dashboard")
    # Another gunicorn worker (or the sweep from cron) commits: it moves the shared version on.
    with app.app_context():
        other_worker = pagecache.FileVersion(app.extensions["pagecache"].versions.path)
    other_worker.bump()
    assert cache_state(b.get("/dashboard")) == "miss"


def test_no_one_is_served_another_persons_page(app, world, make):
    world.new_ticket(title="只属于本企业的问题")
    manager = signed_in(app, world.manager)
    manager.get("/tickets/")
    assert cache_state(manager.get("/tickets/")) == "hit"
    stranger = make.user(role="escort")  # escorts see their own companies' problems only
    page = signed_in(app, stranger).get("/tickets/")
    assert cache_state(page) == "miss"
    assert "只属于本企业的问题" not in text(page)
    # The same person in a second browser gets a page with that session's own form tokens.
    second = signed_in(app, world.manager)
    page = second.get("/tickets/")
    assert cache_state(page) == "miss"


def test_signing_out_ends_the_cached_pages(app, world):
    b = signed_in(app, world.manager)
    open_twice(b, "/dashboard")
    b.post("/auth/logout", {}, form_page="/dashboard")
    assert "/auth/login" in sent_to(b, "/dashboard")


def test_a_deactivated_account_is_not_served_from_the_cache(app, world, make):
    b = signed_in(app, world.manager)
    open_twice(b, "/dashboard")
    world.manager.active = False
    make.session.commit()
    assert "/auth/login" in sent_to(b, "/dashboard")


def test_the_english_page_is_not_the_cached_chinese_one(app, world):
    b = signed_in(app, world.manager)
    open_twice(b, "/tickets/")
    b.post("/language", {"lang": "en", "next": "/tickets/"}, form_page="/tickets/")
    page = b.get("/tickets/")
    assert cache_state(page) != "hit"
    assert "Problems" in text(page) or "Status" in text(page)


def test_a_message_is_shown_once_and_never_kept(app, world):
    b = signed_in(app, world.escort)
    response = b.post("/tickets/new", {"company_id": world.company.id, "title": "用工招聘对接",
                                       "description": "需要对接人社局招聘会。", "category": "energy",
                                       "urgency": "ordinary", "source": "hotline"})
    assert response.status_code == 302
    shown = b.follow(response)  # the new problem's page, with 「问题 … 已提交。」
    assert "已提交。" in text(shown) and cache_state(shown) is None
    again = b.get(response.headers["Location"])
    assert "已提交。" not in text(again) and cache_state(again) == "miss"
    third = b.get(response.headers["Location"])
    assert "已提交。" not in text(third) and cache_state(third) == "hit"


def test_an_entry_lives_no_longer_than_its_seconds(app, world, monkeypatch):
    b = signed_in(app, world.manager)
    open_twice(b, "/dashboard")
    clock = pagecache.time.monotonic() + app.config["PAGE_CACHE_SECONDS"] + 1
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock)
    assert cache_state(b.get("/dashboard")) == "miss"


def test_the_cache_keeps_to_its_memory_budget():
    cache = pagecache.PageCache(None, seconds=30, max_bytes=1000)
    for n in range(20):
        cache.put(f"k{n}", pagecache.Entry("v", 10**12, b"x" * 200, "text/html"))
    assert cache.size <= 1000 and len(cache.entries) == 5
    assert "k19" in cache.entries and "k0" not in cache.entries
    cache.put("huge", pagecache.Entry("v", 10**12, b"x" * 400, "text/html"))  # over a quarter: not kept
    assert "huge" not in cache.entries


def test_writes_are_noticed_whether_through_the_orm_or_a_statement(app, world, make):
    versions = app.extensions["pagecache"].versions
    before = versions.current()
    make.session.execute(db.text("UPDATE users SET phone = '13800000000' WHERE id = :id"), {"id": world.escort.id})
    make.session.commit()
    after_statement = versions.current()
    assert after_statement != before
    make.session.execute(db.text("SELECT count(*) FROM users"))
    make.session.commit()
    assert versions.current() == after_statement  # reading moves nothing
    world.escort.phone = "13900000000"
    make.session.commit()
    assert versions.current() != after_statement


def test_turned_off_with_zero_seconds(tmp_path):
    from tests.conftest import isolated_app

    with isolated_app(tmp_path, "nocache", PAGE_CACHE_SECONDS=0) as app:
        assert "pagecache" not in app.extensions


@pytest.mark.parametrize("url", ["/tickets/", "/dashboard", "/companies/", "/rankings/"])
def test_a_page_served_again_costs_no_query_whatever_the_page(app, world, count_queries, url):
    b = signed_in(app, world.manager)
    b.get(url)
    with count_queries() as q:
        page = b.get(url)
    assert cache_state(page) == "hit"
    # The account was found valid at this data version when the page was rendered; nothing changed since.
    assert q.count == 0, q.statements


def test_a_session_past_its_lifetime_is_ended_though_its_pages_are_cached(app, world, monkeypatch):
    from datetime import timedelta

    from app.accounts import auth

    b = signed_in(app, world.manager)
    open_twice(b, "/dashboard")
    later = auth.utcnow() + timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    assert "/auth/login" in sent_to(b, "/dashboard")


def test_a_password_change_required_by_the_administrator_stops_cached_pages(app, world, make):
    b = signed_in(app, world.manager)
    open_twice(b, "/tickets/")
    world.manager.must_change_password = True
    make.session.commit()
    assert sent_to(b, "/tickets/").endswith("/auth/password")


def _redis_url() -> str | None:
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.3).ping()
    except redis.RedisError:
        return None
    return url


def test_with_redis_the_version_is_shared_by_every_app_server(tmp_path):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    one, two = pagecache.RedisVersion(url), pagecache.RedisVersion(url)
    before = two.current()
    one.bump()
    assert two.current() != before  # another node sees the write at once


def test_without_redis_reachable_every_page_is_rendered_afresh(tmp_path):
    from tests.conftest import isolated_app

    with isolated_app(tmp_path, "redisdown", REDIS_URL="redis://127.0.0.1:1/0",
                      RATELIMIT_STORAGE_URI="memory://") as app:
        assert app.extensions["pagecache"].versions.current() is None
        with app.app_context():
            from app.demo.cli import seed_demo

            seed_demo(app.config["DEMO_PASSWORD"])
            db.session.commit()
        b = Browser(app.test_client())
        response = b.login("manager1", app.config["DEMO_PASSWORD"])
        b.follow(response)
        pages = [b.get("/tickets/") for _ in range(3)]
        assert all(p.status_code == 200 and cache_state(p) is None for p in pages)
