"""Cross-cutting tables: settings, calendar overrides, audit log, notifications."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class Setting(db.Model):
    """A configurable value (SLA limits, ranking weights …) stored as JSON."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[object] = mapped_column(sa.JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarOverride(db.Model):
    """An admin's word on one day: holiday or working day. Wins over chinesecalendar."""

    __tablename__ = "calendar_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True, nullable=False)
    is_workday: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)


class AuditLog(db.Model):
    """Append-only record of writes, logins and refusals. The app never updates or deletes it."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_object", "object_type", "object_id"),
        # The log filtered by actor or by action, newest first.
        sa.Index("ix_audit_log_actor_newest", "actor_id", "id"),
        sa.Index("ix_audit_log_action_newest", "action", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    # Indexed with the id ((actor_id, id), (action, id) above), which serves every lookup a single-column
    # index would.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ip: Mapped[str] = mapped_column(sa.String(45), default="", nullable=False)
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    object_type: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    message: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)


class Notification(db.Model):
    """An in-app message for one user (the bell in the header)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        # A user's notifications, newest first.
        sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    url: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
