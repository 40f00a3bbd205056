"""Knowledge entries (政策问答) and reply templates (常用答复)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class KnowledgeEntry(db.Model):
    """A question and its answer, published from an answered problem with the company's identity
    edited out (the entry never links the company; source_ticket_id is for staff only)."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (sa.Index("ix_knowledge_entries_active_published", "active", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    question: Mapped[str] = mapped_column(sa.Text, nullable=False)
    answer: Mapped[str] = mapped_column(sa.Text, nullable=False)
    category: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    source_ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="SET NULL"), unique=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)

    department = relationship("Department", lazy="raise")


class ReplyTemplate(db.Model):
    """A reply text staff insert into the reply box and edit before sending; department_id None is
    district-wide."""

    __tablename__ = "reply_templates"
    __table_args__ = (sa.Index("ix_reply_templates_department", "department_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)

    department = relationship("Department", lazy="raise")
