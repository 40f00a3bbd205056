"""A visit to a company (走访记录) and its photos."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, utcnow
from app.core.stored_files import StoredFileMixin
from app.extensions import db

MODES = {
    "on_site": _l("实地走访"),
    "phone": _l("电话"),
    "video": _l("视频"),
    "meeting": _l("座谈会"),
}


class Visit(db.Model):
    """One contact between an escort and a company; problems raised become tickets (Ticket.visit_id)."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint("mode IN (" + ",".join(f"'{m}'" for m in MODES) + ")", name="mode_known"),
        sa.Index("ix_visits_company_visited", "company_id", "visited_on"),
        sa.Index("ix_visits_escort_visited", "escort_id", "visited_on"),
        # Every visit, newest first (the manager's visit list, paged by keyset).
        sa.Index("ix_visits_visited_on", "visited_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), nullable=False)
    # The escort who made the visit (the company's escort at the time).
    escort_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    visited_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    mode: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    participants: Mapped[str] = mapped_column(sa.String(500), default="", server_default="", nullable=False)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # 生产经营状况: output, orders, staffing.
    company_status: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    next_step: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    company = relationship("Company", lazy="raise")
    escort = relationship("User", foreign_keys=[escort_id], lazy="raise")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")
    photos = relationship("VisitPhoto", back_populates="visit", order_by="VisitPhoto.id", lazy="raise")
    # Problems raised at the visit (read-only here: tickets are written by app.tickets.services).
    tickets = relationship("Ticket", primaryjoin="Ticket.visit_id == Visit.id", foreign_keys="Ticket.visit_id",
                           viewonly=True, order_by="Ticket.id", lazy="raise")

    @property
    def mode_label(self) -> str:
        return str(MODES.get(self.mode, self.mode))


class VisitPhoto(StoredFileMixin, db.Model):
    """A photo taken at a visit, stored outside static/ under a generated name (app/core/stored_files.py)."""

    __tablename__ = "visit_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id", ondelete="CASCADE"), nullable=False, index=True)

    visit = relationship("Visit", back_populates="photos", lazy="raise")
