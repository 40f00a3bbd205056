"""共性问题: one problem many companies raised, handled once for all of them.

A common problem carries the handling state of the ticket state machine (app.tickets.transitions):
one department, one working-day clock, one dispatch record (rankings count the department's work
once). Its member problems (tickets.common_problem_id) wait while grouped; the reply reaches each.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, utcnow
from app.extensions import db
from app.tickets.models import HandlingMixin

# The states a common problem passes through: created 待交办, then the department's steps, and 已办结 once
# every member problem is finished (closed, or left the group) after the reply.
GROUP_STATUSES = ("escalated", "dispatched", "in_progress", "replied", "closed")
# Members can be added or removed until it is answered.
OPEN_GROUP_STATUSES = ("escalated", "dispatched", "in_progress")
# Not yet finished: the open lists and counts show these.
UNFINISHED_GROUP_STATUSES = OPEN_GROUP_STATUSES + ("replied",)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class CommonProblem(TimestampMixin, HandlingMixin, db.Model):
    __tablename__ = "common_problems"
    dispatch_key = "common_problem_id"
    clock_states = OPEN_GROUP_STATUSES
    __table_args__ = (
        sa.CheckConstraint(_in("status", GROUP_STATUSES), name="status_known"),
        sa.Index("ix_common_problems_department_status", "department_id", "status"),
        sa.Index("ix_common_problems_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    urgency: Mapped[str] = mapped_column(sa.String(16), default="ordinary", server_default="ordinary", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="escalated", server_default="escalated", nullable=False)
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # The one pending extension request (a helper asks, a manager decides).
    extension_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    extension_requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    extension_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rest is a problem's handling (HandlingMixin); closed_at is 已办结: when the last member problem was
    # finished (closed or left the group) after the reply, and co_department_count counts the rows of
    # TicketCoDepartment.common_problem_id.

    department = relationship("Department", lazy="raise")
    helper = relationship("User", foreign_keys=[helper_id], lazy="raise")
    created_by = relationship("User", foreign_keys="CommonProblem.created_by_id", lazy="raise")

    @property
    def paused_at(self):  # the ticket badges read it; a common problem is never paused (one clock for many
        return None       # companies: a company that must supply documents leaves the group and is paused alone)

    @property
    def pending_extension(self) -> bool:
        return self.extension_requested_at is not None


class CommonProblemEvent(db.Model):
    """One line of a common problem's timeline (staff only: companies never see the group)."""

    __tablename__ = "common_problem_events"
    __table_args__ = (sa.Index("ix_common_problem_events_problem", "common_problem_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    common_problem_id: Mapped[int] = mapped_column(
        sa.ForeignKey("common_problems.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    actor = relationship("User", lazy="raise")
