"""The queue-backed path (OUTBOX_WORKER=rq, the default when REDIS_URL is set).

RQ was chosen over Celery and Dramatiq because it needs nothing but the Redis the app already uses for
rate limits, has no broker configuration of its own and runs one job per outbox row with a few lines:
the row stays the source of truth, the job only says "deliver row N now". Retries are rescheduled by the
job itself (`enqueue_in`, served by the worker's scheduler); if Redis loses a job, the row is still
pending in the database and `flask tickets sweep` delivers it.

Run the workers with `flask outbox worker` (one or more processes, any machine that reaches Redis and
the database).
"""
from datetime import timedelta

from flask import Flask, current_app
from redis import Redis
from rq import Queue

QUEUE_NAME = "peipao-outbox"


def queue(app: Flask) -> Queue:
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
    return Queue(app.config.get("OUTBOX_QUEUE", QUEUE_NAME), connection=connection)


def enqueue_ids(app: Flask, ids: list[int]) -> None:
    q = queue(app)
    for row_id in ids:
        q.enqueue("app.notify.rq_worker.deliver_job", row_id, job_id=f"outbox-{row_id}-0",
                  result_ttl=600, failure_ttl=86400)


def deliver_job(row_id: int) -> str | None:
    """An RQ job: deliver one outbox row (the worker runs inside the app context)."""
    from app.extensions import db
    from app.notify.models import OutboxMessage
    from app.notify.outbox import deliver

    status = deliver(row_id)
    if status == "pending":  # failed, retry later
        row = db.session.get(OutboxMessage, row_id)
        from app.core.db import utcnow

        delay = max((row.next_attempt_at - utcnow()).total_seconds(), 1)
        queue(current_app).enqueue_in(timedelta(seconds=delay), "app.notify.rq_worker.deliver_job", row_id,
                                      job_id=f"outbox-{row_id}-{row.attempts}")
    return status


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """A worker without fork (SimpleWorker): jobs run in this process, inside the app context."""
    from rq import SimpleWorker

    q = queue(app)
    with app.app_context():
        SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=not burst)
