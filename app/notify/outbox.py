"""The outbox: messages are rows written in the caller's transaction, delivered after it commits.

enqueue() adds a row to the current session (nothing leaves the process yet). When the transaction
commits, the worker is told: an RQ job per row when OUTBOX_WORKER is `rq` (REDIS_URL set), or the
in-process worker thread is woken (`thread`, the default of `make run`). `flask tickets sweep` and
`flask outbox drain` also drain whatever is due, so nothing depends on one worker staying alive.

Delivery is at least once: a worker claims a row with a lease (status `sending`, `locked_until`),
sends it, and records the outcome in a second short transaction. A worker killed in between leaves
the lease to run out and the row is sent again with the same idempotency key (X-Peipao-Delivery /
Idempotency-Key / Message-ID), which receivers use to drop the repeat. Failures are retried with
exponential backoff; after OUTBOX_MAX_ATTEMPTS the row stays `failed` in the delivery log.
"""
import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.extensions import db
from app.notify import channels
from app.notify.models import OutboxMessage, Robot, WebhookSubscription

log = logging.getLogger("peipao.outbox")
_NEW_KEY = "peipao_outbox_new"
_IDS_KEY = "peipao_outbox_ids"


def enqueue(channel: str, target: str, payload: dict, key: str, *, event: str = "", user_id=None,
            subscription_id=None) -> OutboxMessage | None:
    """Add one message to the caller's transaction; a key already queued in this transaction is skipped."""
    session = db.session()
    keys = session.info.setdefault("peipao_outbox_keys", set())
    if key in keys:
        return None
    keys.add(key)
    row = OutboxMessage(channel=channel, target=target[:500], payload=payload, idempotency_key=key[:200],
                        event=event, user_id=user_id, subscription_id=subscription_id, status="pending",
                        attempts=0, next_attempt_at=utcnow(), history=[], last_error="")
    db.session.add(row)
    session.info.setdefault(_NEW_KEY, []).append(row)
    return row


def transaction_token() -> str:
    """A token for the current transaction: keys built with it repeat within a transaction (and are
    dropped there), never across transactions."""
    import uuid

    return db.session().info.setdefault("peipao_tx_token", uuid.uuid4().hex[:12])


@sa.event.listens_for(Session, "before_commit")
def _collect_ids(session) -> None:
    rows = session.info.get(_NEW_KEY)
    if rows:
        session.flush()
        session.info[_IDS_KEY] = [row.id for row in rows if row.id is not None]
        session.info.pop(_NEW_KEY, None)


@sa.event.listens_for(Session, "after_commit")
def _hand_to_worker(session) -> None:
    ids = session.info.pop(_IDS_KEY, None)
    for key in ("peipao_outbox_keys", "peipao_tx_token", "peipao_notice_seen", "peipao_webhook_subs"):
        session.info.pop(key, None)
    if ids and has_app_context():
        kick(current_app._get_current_object(), ids)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    for key in (_NEW_KEY, _IDS_KEY, "peipao_outbox_keys", "peipao_tx_token", "peipao_notice_seen",
                "peipao_webhook_subs"):
        session.info.pop(key, None)


def kick(app: Flask, ids: list[int]) -> None:
    """Tell the configured worker about new rows. Never waits on a remote server."""
    mode = app.config.get("OUTBOX_WORKER")
    if mode == "rq":
        try:
            from app.notify import rq_worker

            rq_worker.enqueue_ids(app, ids)
        except Exception:  # Redis away: the rows stay pending; the sweep or the next kick delivers them
            log.exception("could not queue %d outbox row(s) in Redis", len(ids))
    elif mode == "thread":
        worker_thread(app).wake()


# ---------------------------------------------------------------- delivery

def backoff(attempts: int) -> timedelta:
    base = current_app.config["OUTBOX_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim(row_id: int, now: datetime) -> bool:
    """Take a due row (or one whose lease ran out) for this worker. Commits."""
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    claimed = db.session.execute(
        sa.update(OutboxMessage).where(
            OutboxMessage.id == row_id,
            sa.or_(sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
                   sa.and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now)),
        ).values(status="sending", locked_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def prepare(row: OutboxMessage):
    """Everything a delivery needs, read now, as a function that sends without touching the database
    (so no transaction, hence no SQLite write lock, is held while a remote server answers)."""
    payload, key = dict(row.payload), row.idempotency_key
    if row.channel == "email":
        return lambda: channels.send_email(row.target, payload["subject"], payload["text"], key=key)
    if row.channel == "sms":
        provider, target = channels.sms_provider(), row.target
        return lambda: provider.send(target, payload["text"], {"nonce": key})
    if row.channel in ("dingtalk", "wecom"):
        robot = db.session.get(Robot, payload.get("robot_id"))
        if robot is None or not robot.active:
            raise channels.DeliveryRefused("the robot was removed")
        url, secret = robot.url, robot.secret
        if row.channel == "dingtalk":
            return lambda: channels.send_dingtalk(url, secret, payload["title"], payload["text"])
        return lambda: channels.send_wecom(url, payload["title"], payload["text"])
    if row.channel == "webhook":
        subscription = db.session.get(WebhookSubscription, row.subscription_id)
        if subscription is None or not subscription.active:
            raise channels.DeliveryRefused("the subscription was removed")
        url, secret, allow, event = subscription.url, subscription.secret, subscription.allow_private, row.event
        return lambda: channels.send_webhook(url, secret, payload, event=event, key=key, allow_private=allow)
    raise channels.DeliveryRefused(f"unknown channel {row.channel}")


def send(sender) -> tuple[bool, int | None, str]:
    try:
        return sender()
    except channels.DeliveryRefused:
        raise
    except Exception as exc:  # network errors, SMTP errors, timeouts: retried
        return False, None, f"{type(exc).__name__}: {exc}"[:300]


def finish(row: OutboxMessage, ok: bool, status_code, error: str, now: datetime, *, final: bool = False) -> None:
    row.history = [*(row.history or []), {"at": now.isoformat(), "status_code": status_code, "error": error}]
    row.last_status_code = status_code
    row.last_error = error[:500]
    row.locked_until = None
    if ok:
        row.status, row.sent_at = "sent", now
    elif final or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status = "failed"
    else:
        row.status = "pending"
        row.next_attempt_at = now + backoff(row.attempts)
    db.session.commit()


def deliver(row_id: int, now: datetime | None = None) -> str | None:
    """Claim, send and record one row; returns its new status (None when another worker has it)."""
    now = now or utcnow()
    if not claim(row_id, now):
        return None
    row = db.session.get(OutboxMessage, row_id)
    db.session.refresh(row)
    try:
        sender = prepare(row)
        db.session.commit()  # end the read transaction before talking to the outside
        ok, status_code, error = send(sender)
        final = False
    except channels.DeliveryRefused as exc:
        ok, status_code, error, final = False, None, str(exc), True
    finish(row, ok, status_code, error, now, final=final)
    return row.status


def due_ids(now: datetime, limit: int = 200) -> list[int]:
    return list(db.session.scalars(
        sa.select(OutboxMessage.id).where(sa.or_(
            sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
            sa.and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now),
        )).order_by(OutboxMessage.id).limit(limit)
    ))


def drain(now: datetime | None = None, limit: int = 200) -> dict:
    """Deliver every due row once; returns counts by outcome."""
    counts = {"sent": 0, "pending": 0, "failed": 0}
    ids = due_ids(now or utcnow(), limit)
    db.session.commit()
    for row_id in ids:
        status = deliver(row_id, now)
        if status in counts:
            counts[status] += 1
    return counts


def prune(now: datetime | None = None) -> int:
    """Delete delivered and failed rows older than OUTBOX_KEEP_DAYS."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    return db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.created_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount


# ---------------------------------------------------------------- the in-process worker thread

class WorkerThread:
    """Drains the outbox in the app process: woken after each commit that queued messages, and every
    OUTBOX_POLL_SECONDS for retries. It has its own app context, hence its own session."""

    def __init__(self, app: Flask):
        self.app = app
        self.event = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="peipao-outbox", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.event.set()

    def stop(self) -> None:
        self.stopping = True
        self.event.set()
        self.thread.join(timeout=15)

    def _run(self) -> None:
        while not self.stopping:
            self.event.wait(self.app.config["OUTBOX_POLL_SECONDS"])
            self.event.clear()
            if self.stopping:
                break
            with self.app.app_context():
                try:
                    drain()
                except Exception:
                    log.exception("outbox worker: drain failed")
                    db.session.rollback()
                finally:
                    db.session.remove()


_threads: dict[int, WorkerThread] = {}
_threads_lock = threading.Lock()


def worker_thread(app: Flask) -> WorkerThread:
    with _threads_lock:
        worker = _threads.get(id(app))
        if worker is None or not worker.thread.is_alive():
            worker = _threads[id(app)] = WorkerThread(app)
        return worker


def stop_worker_thread(app: Flask) -> None:
    with _threads_lock:
        worker = _threads.pop(id(app), None)
    if worker:
        worker.stop()
