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
from app.tickets.models import CATEGORIES, STATUSES, SUPERVISION_LEVELS

# The states a common problem passes through: created 待交办, then the department's steps, and 已办结 once
# every member problem is finished (closed, or left the group) after the reply.
GROUP_STATUSES = ("escalated", "dispatched", "in_progress", "replied", "closed")
# Members can be added or removed until it is answered.
OPEN_GROUP_STATUSES = ("escalated", "dispatched", "in_progress")
# Not yet finished: the open lists and counts show these.
UNFINISHED_GROUP_STATUSES = OPEN_GROUP_STATUSES + ("replied",)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class CommonProblem(TimestampMixin, db.Model):
    __tablename__ = "common_problems"
    __table_args__ = (
        sa.CheckConstraint(_in("status", GROUP_STATUSES), name="status_known"),
        sa.Index("ix_common_problems_department_status", "department_id", "status"),
        sa.Index("ix_common_problems_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    category: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    urgency: Mapped[str] = mapped_column(sa.String(16), default="ordinary", server_default="ordinary", nullable=False)
    complexity: Mapped[str] = mapped_column(sa.String(16), default="ordinary", server_default="ordinary", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="escalated", server_default="escalated", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    replied_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    reply_message: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    return_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    supervision: Mapped[str | None] = mapped_column(sa.String(16))
    supervised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one pending extension request (a helper asks, a manager decides).
    extension_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    extension_requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    extension_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 已办结: when the last member problem was finished (closed or left the group) after the reply.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sweep markers (as on tickets): each overdue and due-soon notice is sent once per deadline.
    overdue_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_soon_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # 协办: how many co-departments the current dispatch names (rows: TicketCoDepartment.common_problem_id).
    co_department_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    department = relationship("Department", lazy="raise")
    helper = relationship("User", foreign_keys=[helper_id], lazy="raise")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))

    @property
    def supervision_label(self) -> str:
        return str(SUPERVISION_LEVELS[self.supervision]) if self.supervision else ""

    @property
    def paused_at(self):  # the ticket badges read it; a common problem is never paused (one clock for many
        return None       # companies: a company that must supply documents leaves the group and is paused alone)

    @property
    def pending_extension(self) -> bool:
        return self.extension_requested_at is not None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status in OPEN_GROUP_STATUSES and self.due_at is not None and (now or utcnow()) > self.due_at


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
