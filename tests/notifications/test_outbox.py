"""The outbox: signed webhooks with retries and a delivery log, SSRF refusal, a worker killed mid-delivery,
one notice per person per event, preferences, the recipient's language, pruning, the worker thread."""
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.db import utcnow
from app.core.models import Notification
from app.extensions import db
from app.notify import outbox
from app.notify.models import OutboxMessage, Robot, WebhookSubscription
from app.tickets.sweep import sweep
from tests.notifications.servers import Receiver
from tests.tickets.helpers import MONDAY, World

SECRET = "webhook-shared-secret"


def _subscribe(api, make, url, **extra):
    client, admin, headers = api("admin")
    body = {"url": url, "events": ["ticket.created", "ticket.status_changed"], "secret": SECRET, **extra}
    return client, headers, client.post("/api/v1/webhooks", json=body, headers=headers)


def test_a_webhook_receiver_verifies_the_signature_fails_twice_then_succeeds(api, make, receiver, db_session):
    client, headers, created = _subscribe(api, make, f"{receiver.url}/peipao", allow_private=True)
    assert created.status_code == 201, created.get_json()
    receiver.responses += [(500, b"busy"), (503, b"later")]
    w = World(make)
    ticket = w.new_ticket()
    start = utcnow()
    assert outbox.drain(start) == {"sent": 0, "pending": 1, "failed": 0}
    assert outbox.drain(start + timedelta(seconds=10))["pending"] == 0  # not due yet: backoff
    assert outbox.drain(start + timedelta(seconds=31)) == {"sent": 0, "pending": 1, "failed": 0}
    assert outbox.drain(start + timedelta(seconds=31 + 61)) == {"sent": 1, "pending": 0, "failed": 0}
    assert len(receiver.requests) == 3
    keys = set()
    for request in receiver.requests:
        expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Peipao-Signature"] == expected
        keys.add(request["headers"]["X-Peipao-Delivery"])
        body = json.loads(request["body"])
        assert body["event"] == "ticket.created" and body["data"]["number"] == ticket.number
        assert set(body) == {"event", "occurred_at", "data"}
    assert len(keys) == 1  # the same idempotency key on every retry

    log = client.get(f"/api/v1/webhooks/{created.get_json()['id']}/deliveries", headers=headers).get_json()
    (delivery,) = log["items"]
    assert (delivery["status"], delivery["attempts"], delivery["status_code"]) == ("sent", 3, 200)
    assert [h["status_code"] for h in delivery["history"]] == [500, 503, 200]
    assert "HTTP 503" in delivery["history"][1]["error"]


def test_private_and_loopback_addresses_are_refused_unless_an_admin_allows_them(api, make, receiver, db_session):
    for url in (f"{receiver.url}/x", "http://10.1.2.3/hook", "http://localhost/hook", "ftp://example.com/x"):
        _c, _h, refused = _subscribe(api, make, url)
        assert refused.status_code == 400, url
        assert "url" in refused.get_json()["error"]["fields"]
    # A subscription whose address turns private later (DNS) is refused at delivery time, and not retried.
    subscription = WebhookSubscription(url=f"{receiver.url}/x", events=["ticket.created"], secret=SECRET)
    db_session.add(subscription)
    db_session.commit()
    World(make).new_ticket()
    assert outbox.drain()["failed"] == 1
    row = db_session.scalars(sa.select(OutboxMessage)).one()
    assert "private or loopback" in row.last_error and receiver.requests == []


def test_one_notice_per_person_per_event(make, db_session):
    """The sweep found the problem overdue and supervised it in one run: the department hears once."""
    w = World(make)
    ticket = w.ticket_in("dispatched")
    db_session.execute(sa.delete(Notification))
    sweep(MONDAY + timedelta(days=30))
    db_session.commit()
    notes = db_session.scalars(sa.select(Notification).where(Notification.user_id == w.helper.id)).all()
    assert [n.kind for n in notes] == ["ticket_overdue"]
    assert ticket.supervision == "supervise"


def test_preferences_decide_email_and_sms_with_urgent_and_overdue_everywhere_by_default(make, db_session, login_as,
                                                                                       app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    w = World(make)
    w.helper.email, w.helper.phone = "helper@district.example", "13900000000"
    db_session.commit()

    def channels_of_last_dispatch(**fields):
        db_session.execute(sa.delete(OutboxMessage))
        ticket = w.new_ticket(**fields)
        w.act(w.manager, ticket, "dispatch", department_id=w.department.id)
        return sorted(r.channel for r in db_session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.user_id == w.helper.id)))

    assert channels_of_last_dispatch() == []  # ordinary: in-app only
    assert channels_of_last_dispatch(urgency="urgent") == ["email", "sms"]

    from tests.conftest import Browser

    browser = Browser(app.test_client())
    assert browser.login(w.helper.username).status_code == 302
    page = browser.get("/account/notifications")
    assert page.status_code == 200 and "交办给本部门" in page.get_data(as_text=True)
    response = browser.post("/account/notifications", {"ticket_dispatched": ["email"]})
    assert response.status_code == 302
    assert channels_of_last_dispatch() == ["email"]
    assert channels_of_last_dispatch(urgency="urgent") == ["email"]  # "urgent" unticked on the form


def test_each_notice_is_in_the_recipients_language(make, db_session):
    w = World(make)
    w.helper.locale = "en"
    db_session.commit()
    ticket = w.ticket_in("dispatched")
    note = db_session.scalars(sa.select(Notification).where(Notification.user_id == w.helper.id)).one()
    assert note.title == f"Newly dispatched problem {ticket.number}: {ticket.title}"
    zh = db_session.scalars(sa.select(Notification).where(Notification.user_id == w.escort.id)).first()
    assert zh.title.startswith("新问题")


def test_old_outbox_rows_are_pruned(make, db_session):
    old = OutboxMessage(channel="sms", target="1", payload={"text": "x"}, idempotency_key="old", status="sent",
                        created_at=utcnow() - timedelta(days=40), next_attempt_at=utcnow(), history=[],
                        last_error="")
    pending = OutboxMessage(channel="sms", target="1", payload={"text": "x"}, idempotency_key="pending-old",
                            status="pending", created_at=utcnow() - timedelta(days=40), next_attempt_at=utcnow(),
                            history=[], last_error="")
    db_session.add_all([old, pending])
    db_session.commit()
    assert outbox.prune() == 1
    assert db_session.scalars(sa.select(OutboxMessage.idempotency_key)).all() == ["pending-old"]


KILLED_WORKER = """
import sys
from app import create_app
from app.notify.outbox import drain
app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1], OUTBOUND_ALLOW_PRIVATE=True)
with app.app_context():
    drain()
"""


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_repeat_carries_the_same_key(fresh_app):
    from tests.factories import Factories

    receiver = Receiver()
    receiver.block_first = True  # the first delivery hangs until the worker is killed
    fresh_app.config["OUTBOUND_ALLOW_PRIVATE"] = True  # the receiver is on 127.0.0.1
    try:
        with fresh_app.app_context():
            make = Factories(db.session)
            w = World(make)
            db.session.add(Robot(owner_type="town", owner_id=w.company.town_id, kind="wecom",
                                 url=f"{receiver.url}/cgi-bin/webhook/send?key=k"))
            db.session.commit()
            w.new_ticket()
            url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]
            db.session.remove()
        worker = subprocess.Popen([sys.executable, "-c", KILLED_WORKER, url], cwd=os.getcwd(),
                                  env={**os.environ, "PEIPAO_ENV": "testing"})
        assert receiver.got_request.wait(60), "the worker never called the robot"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        with fresh_app.app_context():
            row = db.session.scalars(sa.select(OutboxMessage)).one()
            assert (row.status, row.attempts) == ("sending", 1)  # claimed, outcome never recorded
            assert outbox.drain()["sent"] == 0  # the lease has not run out: nobody sends it twice at once
            later = utcnow() + timedelta(seconds=fresh_app.config["OUTBOX_LEASE_SECONDS"] + 1)
            assert outbox.drain(later)["sent"] == 1
            assert outbox.drain(later + timedelta(hours=1)) == {"sent": 0, "pending": 0, "failed": 0}
            db.session.expire_all()
            row = db.session.scalars(sa.select(OutboxMessage)).one()
            assert (row.status, row.attempts) == ("sent", 2)
            db.session.remove()
        keys = [r["path"] for r in receiver.requests]
        assert len(receiver.requests) == 2 and keys[0] == keys[1]
        # What the receiver gets twice is the same message: at least once, and the repeat is recognisable.
        assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    finally:
        receiver.close()


def test_make_run_delivers_with_no_extra_process_the_worker_thread(tmp_path):
    """OUTBOX_WORKER=thread (the default without Redis): the serving process delivers within seconds."""
    from tests.conftest import isolated_app
    from tests.factories import Factories

    receiver = Receiver()
    try:
        with isolated_app(tmp_path, "thread", OUTBOX_WORKER="thread", OUTBOUND_ALLOW_PRIVATE=True,
                          OUTBOX_POLL_SECONDS=60) as threaded:
            client = threaded.test_client()
            with threaded.app_context():
                w = World(Factories(db.session))
                db.session.add(Robot(owner_type="town", owner_id=w.company.town_id, kind="wecom",
                                     url=f"{receiver.url}/send"))
                db.session.commit()
                assert client.get("/healthz").status_code == 200  # a request starts the thread
                began = time.monotonic()
                ticket = w.new_ticket()  # commits: the thread is woken
                number = ticket.number
                db.session.commit()  # end the read (SQLite: a transaction here would hold the write lock)
                assert receiver.got_request.wait(10)
                assert time.monotonic() - began < 5
                db.session.remove()
            assert number in receiver.json()["markdown"]["content"]
            outbox.stop_worker_thread(threaded)
    finally:
        receiver.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (the RQ path needs Redis)")
def test_the_rq_path_delivers_through_redis(app, make, receiver, monkeypatch, outbound_private, db_session):
    import uuid

    from app.notify import rq_worker

    monkeypatch.setitem(app.config, "OUTBOX_WORKER", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.config, "OUTBOX_QUEUE", f"peipao-outbox-test-{uuid.uuid4().hex[:8]}")
    queue = rq_worker.queue(app)
    try:
        w = World(make)
        db_session.add(Robot(owner_type="department", owner_id=w.department.id, kind="wecom",
                             url=f"{receiver.url}/send"))
        db_session.commit()
        ticket = w.ticket_in("dispatched")
        assert queue.count == 1  # queued after the commit; nothing sent inside the request
        assert receiver.requests == []
        from rq import SimpleWorker

        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert len(receiver.requests) == 1 and ticket.number in receiver.json()["markdown"]["content"]
        row = db_session.scalars(sa.select(OutboxMessage)).one()
        db_session.refresh(row)
        assert row.status == "sent"
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)
