"""Events for subscribed systems (outbound webhooks): one outbox row per matching subscription,
written in the transaction of the change. The body is {"event", "occurred_at", "data"}."""
import uuid
from datetime import datetime

import sqlalchemy as sa

from app.core.db import utcnow
from app.extensions import db
from app.notify.models import WebhookSubscription

EVENTS = ("ticket.created", "ticket.status_changed", "ticket.rated", "ticket.commented", "visit.created")


def _subscriptions() -> list[WebhookSubscription]:
    """Active subscriptions, read once per transaction."""
    info = db.session().info
    if "peipao_webhook_subs" not in info:
        info["peipao_webhook_subs"] = db.session.scalars(
            sa.select(WebhookSubscription).where(WebhookSubscription.active.is_(True))).all()
    return info["peipao_webhook_subs"]


def emit(event: str, data: dict, *, now: datetime | None = None) -> int:
    from app.notify.outbox import enqueue

    queued = 0
    for subscription in _subscriptions():
        if event not in (subscription.events or []):
            continue
        key = f"webhook:{subscription.id}:{uuid.uuid4().hex}"
        body = {"event": event, "occurred_at": (now or utcnow()).isoformat(), "data": data}
        enqueue("webhook", subscription.url, body, key, event=event, subscription_id=subscription.id)
        queued += 1
    return queued


def ticket_data(ticket, **extra) -> dict:
    return {
        "id": ticket.id, "number": ticket.number, "title": ticket.title, "status": ticket.status,
        "category": ticket.category, "urgency": ticket.urgency, "source": ticket.source,
        "company_id": ticket.company_id, "department_id": ticket.department_id,
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None, **extra,
    }


def visit_data(visit) -> dict:
    return {"id": visit.id, "company_id": visit.company_id, "escort_id": visit.escort_id,
            "visited_on": visit.visited_on.isoformat(), "mode": visit.mode}
