"""Outbound webhook subscriptions (admin): POST/GET /api/v1/webhooks, GET /api/v1/webhooks/{id}/deliveries."""
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, get_or_404, json_body, paginate_by_id, parse_query
from app.core.payloads import Paging
from app.extensions import db
from app.notify import services
from app.notify.models import OutboxMessage, WebhookSubscription
from app.notify.schemas import WebhookCreate


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


@operation(
    "GET", "/webhooks", "listWebhooks", tag="webhooks", summary="事件订阅列表 · List subscriptions",
    description=(
        "仅系统管理员。\n\nAdmins only."),
    query=Paging, answer=answers.Webhook, errors=(400, 403),
)
def list_webhooks():
    user = current_api_user()
    _require_admin(user)
    page = parse_query(Paging)
    return paginate_by_id(services.visible_subscriptions(user), WebhookSubscription, page, webhook_json)


@operation(
    "POST", "/webhooks", "createWebhook", tag="webhooks", summary="订阅事件 · Subscribe a URL",
    description=(
        "把一个网址订阅到事件类型。每次投递是 POST {\"event\", \"occurred_at\", \"data\"}，请求头 "
        "X-Peipao-Signature: sha256=<请求体的 HMAC-SHA256 十六进制>，X-Peipao-Delivery（幂等键，重试时不变）；"
        "失败按指数退避重试。内网或本机地址默认拒绝（allow_private 为真时放行）。仅系统管理员。\n\n"
        "Subscribes a URL to event types. Each delivery is a POST of {\"event\", \"occurred_at\", \"data\"} with "
        "X-Peipao-Signature: sha256=<hex HMAC-SHA256 of the body> and X-Peipao-Delivery (an idempotency key, the "
        "same on retries); failures are retried with exponential backoff. Private and loopback addresses are "
        "refused unless allow_private is true. Admins only."),
    answer=answers.Webhook, status=201, errors=(400, 403, 413, 415), body=WebhookCreate,
    example={"url": "https://data.example.gov.cn/peipao/events", "events": ["ticket.created", "ticket.rated"],
             "secret": "a-long-random-shared-secret"},
)
def create_webhook():
    user = current_api_user()
    _require_admin(user)
    parse_query()
    data = json_body()
    try:
        subscription = services.create_subscription(user, services.parse_subscription(data))
    except services.NotifyError as exc:
        db.session.rollback()
        fail(exc.status, exc.message, "validation_error" if exc.status == 400 else None, exc.fields)
    db.session.commit()
    return webhook_json(subscription), 201


@operation(
    "GET", "/webhooks/<int:webhook_id>/deliveries", "listWebhookDeliveries", tag="webhooks",
    summary="投递记录 · Delivery log",
    description=(
        "每次投递的状态、尝试次数、最近的状态码和错误，以及每次尝试的记录。仅系统管理员。\n\n"
        "Each delivery's status, attempts, last status code and error, and every attempt. Admins only."),
    query=Paging, answer=answers.WebhookDelivery, errors=(400, 403),
)
def list_webhook_deliveries(webhook_id: int):
    user = current_api_user()
    _require_admin(user)
    page = parse_query(Paging)
    subscription = get_or_404(services.visible_subscriptions(user), WebhookSubscription, webhook_id)
    return paginate_by_id(services.visible_deliveries(user, subscription), OutboxMessage, page, delivery_json)
