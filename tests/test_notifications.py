"""The bell: unread count in the header, the list of one's own notifications, marking read."""
import html
import re

import sqlalchemy as sa

from app.core.models import Notification
from app.core.notifications import notify
from tests.conftest import Browser
from tests.tickets.helpers import World


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def bell(page) -> int:
    """The number on the header's unread badge (0 when there is none)."""
    text = page.get_data(as_text=True)
    match = re.search(r'class="badge rounded-pill text-bg-danger unread-badge">(\d+)<', text)
    return int(match.group(1)) if match else 0


def unread(db_session, user) -> int:
    db_session.expire_all()
    return db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def test_a_new_problem_rings_the_escorts_bell_and_opening_it_marks_it_read(app, make, db_session):
    world = World(make)
    ticket = world.new_ticket(title="用工招聘困难")
    escort = signed_in(app, world.escort)
    assert bell(escort.get("/tickets/")) == 1

    listing = escort.get("/notifications/")
    text = html.unescape(listing.get_data(as_text=True))
    assert f"新问题 {ticket.number}：用工招聘困难" in text and "未读" in text
    note = db_session.scalars(sa.select(Notification).where(Notification.user_id == world.escort.id)).one()

    response = escort.post(f"/notifications/{note.id}/read", form_page="/notifications/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    assert unread(db_session, world.escort) == 0
    assert bell(escort.follow(response)) == 0


def test_mark_all_read_touches_only_ones_own(app, make, db_session):
    me, other = make.user(role="helper"), make.user(role="helper")
    notify([me], "test", "第一条", url="/tickets/")
    notify([me], "test", "第二条")
    notify([other], "test", "别人的通知")
    db_session.commit()
    b = signed_in(app, me)
    page = b.get("/notifications/")
    assert bell(page) == 2
    assert "别人的通知" not in page.get_data(as_text=True)
    response = b.post("/notifications/read-all", form_page="/notifications/")
    assert response.status_code == 302
    assert "已将 2 条通知标为已读。" in b.follow(response).get_data(as_text=True)
    assert unread(db_session, me) == 0
    assert unread(db_session, other) == 1


def test_someone_elses_notification_is_not_found(app, make, db_session):
    me, other = make.user(role="escort"), make.user(role="escort")
    (theirs,) = notify([other], "test", "别人的通知", url="/tickets/")
    db_session.commit()
    b = signed_in(app, me)
    assert b.post(f"/notifications/{theirs.id}/read", form_page="/notifications/").status_code == 404
    assert unread(db_session, other) == 1


def test_only_same_site_paths_are_followed(app, make, db_session):
    me = make.user(role="manager")
    notes = notify([me], "test", "外部链接", url="https://evil.example/phish")
    notes += notify([make.user(role="manager")], "x", "x")  # unrelated
    db_session.commit()
    b = signed_in(app, me)
    response = b.post(f"/notifications/{notes[0].id}/read", form_page="/notifications/")
    assert response.headers["Location"] == "/notifications/"
    note = db_session.get(Notification, notes[0].id)
    db_session.refresh(note)
    assert note.read_at is not None


def test_the_list_is_newest_first_and_paginated(app, make, db_session):
    me = make.user(role="escort")
    app.config["ITEMS_PER_PAGE"], saved = 3, app.config["ITEMS_PER_PAGE"]
    try:
        for i in range(5):
            notify([me], "test", f"通知编号{i}")
            db_session.commit()
        b = signed_in(app, me)
        first = b.get("/notifications/").get_data(as_text=True)
        next_page = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        second = b.get(next_page).get_data(as_text=True)
    finally:
        app.config["ITEMS_PER_PAGE"] = saved
    assert [f"通知编号{i}" in first for i in range(5)] == [False, False, True, True, True]
    assert first.index("通知编号4") < first.index("通知编号3")
    assert "通知编号1" in second and "通知编号0" in second


def test_the_bell_costs_one_count_query_per_page(app, make, db_session, count_queries):
    me = make.user(role="manager")
    notify([me], "test", "一条")
    db_session.commit()
    b = signed_in(app, me)
    with count_queries() as q:
        page = b.get("/notifications/")  # the bell and the page's own "mark all" button share the count
    assert bell(page) == 1
    counts = [s for s in q.statements if "count(" in s.lower() and "notifications" in s and "read_at IS NULL" in s]
    assert len(counts) == 1, counts


def test_anonymous_visitors_are_sent_to_log_in(browser):
    assert browser.get("/notifications/").status_code == 302
    assert browser.client.post("/notifications/read-all").status_code in (302, 400)
