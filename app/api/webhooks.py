"""Outbound webhook subscriptions (admin): POST/GET /api/v1/webhooks, GET /api/v1/webhooks/{id}/deliveries."""
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import bp
from app.api.common import check_query_params, current_api_user, fail, get_or_404, json_body, paginate_by_id, token_required
from app.extensions import db
from app.notify import services
from app.notify.models import OutboxMessage, WebhookSubscription


def webhook_json(subscription: WebhookSubscription) -> dict:
    return answers.Webhook.of(
        id=subscription.id, url=subscription.url, events=list(subscription.events),
        description=subscription.description, allow_private=subscription.allow_private,
        active=subscription.active, created_at=subscription.created_at.isoformat())


def delivery_json(row: OutboxMessage) -> dict:
    return answers.WebhookDelivery.of(
        id=row.id, event=row.event, status=row.status, attempts=row.attempts, status_code=row.last_status_code,
        last_error=row.last_error, created_at=row.created_at.isoformat(),
        next_attempt_at=row.next_attempt_at.isoformat(), delivered_at=row.sent_at.isoformat() if row.sent_at else None,
        idempotency_key=row.idempotency_key, history=list(row.history or []))


def _require_admin(user) -> None:
    if not services.can_manage_notifications(user):
        fail(403, _("您没有权限执行此操作。"), "forbidden")


@bp.get("/webhooks")
@token_required
def list_webhooks():
    user = current_api_user()
    _require_admin(user)
    check_query_params(set(), paginated=True)
    return paginate_by_id(services.visible_subscriptions(user), WebhookSubscription, webhook_json)


@bp.post("/webhooks")
@token_required
def create_webhook():
    user = current_api_user()
    _require_admin(user)
    check_query_params(set())
    data = json_body()
    try:
        subscription = services.create_subscription(user, services.parse_subscription(data))
    except services.NotifyError as exc:
        db.session.rollback()
        fail(exc.status, exc.message, "validation_error" if exc.status == 400 else None, exc.fields)
    db.session.commit()
    return webhook_json(subscription), 201


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@token_required
def list_webhook_deliveries(webhook_id: int):
    user = current_api_user()
    _require_admin(user)
    check_query_params(set(), paginated=True)
    subscription = get_or_404(services.visible_subscriptions(user), WebhookSubscription, webhook_id)
    return paginate_by_id(services.visible_deliveries(user, subscription), OutboxMessage, delivery_json)
