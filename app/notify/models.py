"""Outbox rows, webhook subscriptions, group robots and personal channel preferences."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, utcnow
from app.extensions import db

CHANNELS = ("email", "sms", "dingtalk", "wecom", "webhook")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """One message to deliver, written in the same transaction as the change that caused it.

    A worker claims it (status sending, with a lease), delivers it and records the outcome; a worker
    that dies mid-delivery leaves the lease to expire and the row is delivered again (at least once,
    with the same idempotency key, so receivers can drop the repeat).
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (sa.Index("ix_notification_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    channel: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    target: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    event: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    payload: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True, nullable=False)
    subscription_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", nullable=False)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One entry per attempt: {"at", "status_code", "error"}.
    history: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)


class WebhookSubscription(db.Model):
    """An outside system's URL subscribed by an admin to event types."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    events: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    secret: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    # An admin's explicit permission to reach a private or loopback address (intranet systems).
    allow_private: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


ROBOT_KINDS = ("dingtalk", "wecom")
ROBOT_OWNERS = ("department", "town", "taskforce")


class Robot(db.Model):
    """A group robot webhook (钉钉/浙政钉 custom robot or 企业微信 group robot) of a department, of the
    escorts of a town (the escort group) or of the task force."""

    __tablename__ = "notification_robots"
    __table_args__ = (sa.Index("ix_notification_robots_owner", "owner_type", "owner_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    owner_id: Mapped[int | None] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    url: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    secret: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class NotificationPreference(db.Model):
    """A person's channels per kind of event: {kind: ["email", "sms"]} (in-app is always on)."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channels: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    user = relationship("User")
