"""Writes for the admin side of notifications: webhook subscriptions and group robots (flush, never commit)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Role
from app.core import audit
from app.core.payloads import PayloadError
from app.extensions import db
from app.notify import channels
from app.notify.models import ROBOT_KINDS, ROBOT_OWNERS, OutboxMessage, Robot, WebhookSubscription
from app.notify.schemas import PRIVATE_TARGET, WebhookCreate


class NotifyError(Exception):
    def __init__(self, message: str, fields: dict | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.fields, self.status = message, fields or {}, status


def can_manage_notifications(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def visible_subscriptions(user) -> sa.Select:
    stmt = sa.select(WebhookSubscription)
    return stmt if can_manage_notifications(user) else stmt.where(sa.false())


def visible_deliveries(user, subscription: WebhookSubscription) -> sa.Select:
    stmt = sa.select(OutboxMessage).where(OutboxMessage.subscription_id == subscription.id)
    return stmt if can_manage_notifications(user) else stmt.where(sa.false())


def visible_robots(user) -> sa.Select:
    stmt = sa.select(Robot)
    return stmt if can_manage_notifications(user) else stmt.where(sa.false())


def _check_target(url, allow_private: bool | None, field: str = "url") -> str:
    if not isinstance(url, str) or not url.strip() or len(url.strip()) > 500:
        raise NotifyError(_("请填写有效的网址。"), {field: _("请填写 http 或 https 网址（最多500字符）。")})
    url = url.strip()
    try:
        channels.check_url(url, allow_private=allow_private)
    except channels.DeliveryRefused:
        raise NotifyError(_("不能向内网或本机地址发送（除非管理员明确允许）。"),
                          {field: _("该地址属于内网或本机，或不是 http/https 网址。")})
    return url


def parse_subscription(data: dict):
    """A subscription's fields (schemas.WebhookCreate), refused by field with NotifyError."""
    try:
        return WebhookCreate.parse(data)
    except PayloadError as error:
        raise NotifyError(_subscription_refusal(error.fields), error.fields)


def _subscription_refusal(fields: dict) -> str:
    """The headline of a refused subscription: what is wrong with the first field at fault."""
    if "url" in fields:
        private = fields["url"] == str(PRIVATE_TARGET)
        return _("不能向内网或本机地址发送（除非管理员明确允许）。") if private else _("请填写有效的网址。")
    if "events" in fields:
        return _("请选择要订阅的事件。")
    if "secret" in fields:
        return _("密钥至少16个字符。")
    return _("提交的数据有误。")


def create_subscription(actor, payload) -> WebhookSubscription:
    """Subscribe `payload.url` (a schemas.WebhookCreate) to its events."""
    if not can_manage_notifications(actor):
        raise NotifyError(_("您没有权限执行此操作。"), status=403)
    subscription = WebhookSubscription(url=payload.url, events=payload.events, secret=payload.secret,
                                       description=payload.description, allow_private=payload.allow_private,
                                       active=True, created_by_id=actor.id)
    db.session.add(subscription)
    db.session.flush()
    audit.record("webhook_create", subscription, actor=actor,
                 after={"url": payload.url, "events": subscription.events, "allow_private": payload.allow_private})
    return subscription


def delete_subscription(actor, subscription: WebhookSubscription) -> None:
    audit.record("webhook_delete", subscription, actor=actor, before={"url": subscription.url})
    db.session.delete(subscription)


def create_robot(actor, data: dict) -> Robot:
    if not can_manage_notifications(actor):
        raise NotifyError(_("您没有权限执行此操作。"), status=403)
    owner_type, kind = data.get("owner_type"), data.get("kind")
    if owner_type not in ROBOT_OWNERS:
        raise NotifyError(_("请选择机器人所属。"), {"owner": _("请选择机器人所属。")})
    if kind not in ROBOT_KINDS:
        raise NotifyError(_("请选择机器人类型。"), {"kind": _("请选择机器人类型。")})
    owner_id = data.get("owner_id") if owner_type != "taskforce" else None
    if owner_type != "taskforce" and not isinstance(owner_id, int):
        raise NotifyError(_("请选择机器人所属。"), {"owner": _("请选择机器人所属。")})
    url = _check_target(data.get("url"), None)  # robots: the OUTBOUND_ALLOW_PRIVATE setting
    secret = (data.get("secret") or "").strip()
    robot = Robot(owner_type=owner_type, owner_id=owner_id, kind=kind, url=url, secret=secret[:200], active=True)
    db.session.add(robot)
    db.session.flush()
    audit.record("robot_create", robot, actor=actor, after={"owner_type": owner_type, "owner_id": owner_id,
                                                            "kind": kind, "url": url.split("?")[0]})
    return robot


def delete_robot(actor, robot: Robot) -> None:
    audit.record("robot_delete", robot, actor=actor, before={"url": robot.url.split("?")[0]})
    db.session.delete(robot)
