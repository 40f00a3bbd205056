"""Problems (问题工单), their timeline, attachments and extension requests."""
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, utcnow
from app.core.stored_files import StoredFileMixin
from app.extensions import db

CATEGORIES = {
    "financing": _l("融资"),
    "land": _l("用地"),
    "labour": _l("用工人才"),
    "policy": _l("政策兑现"),
    "approval": _l("审批"),
    "energy": _l("能耗环保"),
    "logistics": _l("物流"),
    "market": _l("市场"),
    "technology": _l("科技创新"),
    "other": _l("其他"),
}
SOURCES = {"portal": _l("企业自主提交"), "visit": _l("走访收集"), "escort": _l("陪跑员代报"), "hotline": _l("热线及其他渠道")}
URGENCIES = {"ordinary": _l("一般"), "urgent": _l("紧急")}
COMPLEXITIES = {"ordinary": _l("一般"), "complex": _l("复杂")}
STATUSES = {
    "submitted": _l("待受理"),
    "accepted": _l("已受理"),
    "rejected": _l("不予受理"),
    "withdrawn": _l("已撤回"),
    "escalated": _l("待交办"),
    "dispatched": _l("已交办"),
    "in_progress": _l("办理中"),
    "replied": _l("已答复"),
    "closed": _l("已办结"),
}
RATINGS = {"satisfied": _l("满意"), "basically_satisfied": _l("基本满意"), "unsatisfied": _l("不满意")}
SUPERVISION_LEVELS = {"remind": _l("催办"), "supervise": _l("督办"), "flagged": _l("挂牌督办")}
SUPERVISION_ORDER = ("remind", "supervise", "flagged")

# States in which somebody on the staff owes the next step against a deadline.
SLA_STATES = ("submitted", "accepted", "escalated", "dispatched", "in_progress")
OPEN_STATES = SLA_STATES + ("replied",)
FINAL_STATES = ("rejected", "withdrawn", "closed")

# PostgreSQL only, outside the model (SQLite has no arrays): the departments a problem is an open co-department
# (协办) of, `tickets.co_department_ids`, written by a trigger on ticket_co_departments, and its GIN index
# (migration 0040; read by permissions.open_co_department_of). Schema comparisons leave them alone.
PG_COLUMNS = ("co_department_ids",)
PG_INDEXES = ("ix_tickets_co_department_ids",)
# The problems whose current dispatch names co-departments: the condition of two partial indexes, written the same
# in the statements that read them (a partial index serves a statement that says its condition word for word).
CO_DEPARTMENT_PROBLEMS = "co_department_count > 0"
# A co-department request whose sign or opinion is still owed (permissions.co_department_tickets, owing).
OWED = "ended_at IS NULL AND opinion_at IS NULL"


def _in(column: str, values) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


def labelled(column: str, labels: dict) -> property:
    """`column`'s value in words, from its table of labels (the value itself when the table lacks it; "" when
    empty)."""
    def label(self) -> str:
        value = getattr(self, column)
        return str(labels.get(value, value)) if value else ""
    return property(label)


class TicketCounter(db.Model):
    """The last number handed out per year; incremented atomically for XS-<year>-<seq>."""

    __tablename__ = "ticket_counters"
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class HandlingMixin:
    """The handling a problem and a 共性问题 (app.common_problems) share, column for column: the dispatch to a
    department and its clock, the reply, 督办, the sweep's markers and the optimistic version. The services'
    shared steps (app.tickets.services: start_dispatch_clock, stamp_reply, raise_supervision, …) move these
    columns on either. `dispatch_key`: the DispatchRecord / TicketCoDepartment column naming the model's row."""

    dispatch_key: ClassVar[str]
    clock_states: ClassVar[tuple[str, ...]]  # the states in which someone owes a step against due_at

    number: Mapped[str] = mapped_column(sa.String(24), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    complexity: Mapped[str] = mapped_column(sa.String(16), default="ordinary", server_default="ordinary", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))

    # The deadline of the step owed now; the dispatch's own deadlines kept beside it.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reply_message: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    # Facts fixed when they happen, so rankings are plain SQL aggregates.
    replied_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    return_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    supervision: Mapped[str | None] = mapped_column(sa.String(16))
    supervised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 协办: how many co-departments the current dispatch names (their rows: TicketCoDepartment), so that
    # pages and permissions look them up only for the cases that have some.
    co_department_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    # Sweep markers: each notice is sent once per deadline.
    overdue_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_soon_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    status_label = labelled("status", STATUSES)
    category_label = labelled("category", CATEGORIES)
    supervision_label = labelled("supervision", SUPERVISION_LEVELS)

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status in self.clock_states and self.due_at is not None and (now or utcnow()) > self.due_at


class Ticket(TimestampMixin, HandlingMixin, db.Model):
    __tablename__ = "tickets"
    dispatch_key = "ticket_id"
    clock_states = SLA_STATES
    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint(_in("category", CATEGORIES), name="category_known"),
        sa.CheckConstraint(_in("source", SOURCES), name="source_known"),
        sa.CheckConstraint(_in("urgency", URGENCIES), name="urgency_known"),
        sa.Index("ix_tickets_status_due", "status", "due_at"),
        sa.Index("ix_tickets_company_created", "company_id", "created_at"),
        sa.Index("ix_tickets_department_status", "department_id", "status"),
        sa.Index("ix_tickets_escort_created", "escort_id", "created_at"),
        sa.Index("ix_tickets_created", "created_at"),
        # The long lists page through these (keyset pagination, app.core.pagination; migration 0005_scale):
        # a department's problems newest first (the helper's list), company_id making it covering for
        # "companies with problems at this department" (companies.queries.visible_companies for helpers) …
        sa.Index("ix_tickets_department_created", "department_id", "created_at", "company_id"),
        # … and one status newest first (the list filtered by status: closed, rejected …).
        sa.Index("ix_tickets_status_created", "status", "created_at"),
        # The facts the dashboard counts over open problems (its headline numbers, breakdowns, ageing): with
        # them all in the index, each count reads the index alone instead of fetching every open row.
        sa.Index("ix_tickets_open_facts", "status", "due_at", "category", "department_id", "company_id",
                 "created_at", "supervision", "reopen_count"),
        # Rated in a period, by rating (the dashboard's satisfaction this month, read from the index alone).
        sa.Index("ix_tickets_rated_rating", "rated_at", "rating"),
        # The rankings' event times (migration 0004_rankings): "closed in the period" is status = 'closed'
        # AND closed_at in range, one composite range scan; rated in the period.
        sa.Index("ix_tickets_status_closed", "status", "closed_at"),
        sa.Index("ix_tickets_rated_at", "rated_at"),
        # The escort board's other stage times (migration 0034_ranking_stage_indexes): the board reads the
        # period's problems through one index per time (rankings.metrics._touched_in). Partial: most problems
        # never have these times, and a new problem writes none of the three.
        # The open problems by key (migration 0039): a helper's scope names every problem the department is an
        # open co-department (协办) of — thousands, most of them closed long ago (the request stays open with
        # the problem) — and the workbench's and 待我处理's lists want the open ones among them; without it
        # PostgreSQL fetched each from the table to read its status (8,600 at 1,000,000 problems).
        sa.Index("ix_tickets_open_id", "id", sqlite_where=sa.text(_in("status", OPEN_STATES)),
                 postgresql_where=sa.text(_in("status", OPEN_STATES))),
        # The problems that have co-departments, in a list's two orders (migration 0041): a helper's plain list
        # reads its co-department arm walking these (newest first; by deadline for the problems owing a step)
        # and testing each against the department's requests, until a page is full. Read by the requests'
        # keys instead, every problem the department ever helped with was fetched and sorted (permissions.
        # open_co_department_of, in_order).
        *(sa.Index(f"ix_tickets_co_{name}", column, sqlite_where=sa.text(condition),
                   postgresql_where=sa.text(condition))
          for name, column, condition in (
              ("created", "created_at", CO_DEPARTMENT_PROBLEMS),
              ("due", "due_at", f"{CO_DEPARTMENT_PROBLEMS} AND due_at IS NOT NULL"))),
        *(sa.Index(f"ix_tickets_{column}", column, sqlite_where=sa.text(f"{column} IS NOT NULL"),
                   postgresql_where=sa.text(f"{column} IS NOT NULL"))
          for column in ("accepted_at", "escort_escalated_at", "replied_at")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    urgency: Mapped[str] = mapped_column(sa.String(16), default="ordinary", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="submitted", nullable=False)
    # The company's escort when the problem came in: who collected it (rankings count it).
    escort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The visit (走访记录) at which the problem was raised, when source is 'visit'.
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)

    # The acceptance deadline (due_at, the one owed now, and the dispatch's: HandlingMixin; see SLA_STATES).
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The escort's own escalation (escalated_at is also set when a department returns the problem):
    # rankings time the escort on this, never on the department's handling.
    escort_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    autoclose_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The state a 不满意 rating sends the problem back to ('in_progress' or 'accepted').
    replied_from: Mapped[str | None] = mapped_column(sa.String(16))

    rating: Mapped[str | None] = mapped_column(sa.String(24))
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    auto_closed: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(), nullable=False)
    reopen_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    # Facts fixed when they happen, so rankings are plain SQL aggregates.
    accepted_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    escalated_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    close_working_days: Mapped[int | None] = mapped_column(sa.Integer)
    # 待企业补充材料: while paused the clock stops (due_at cleared, the stopped deadline kept here).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    # Working days the clock stood still, over every pause (each resume adds its days): close_working_days
    # and every duration in rankings leave them out.
    paused_working_days: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", nullable=False)
    # 共性问题: while grouped the problem is handled through its common problem (own clock suspended);
    # the state and deadline it had when it joined come back if it is taken out again.
    common_problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("common_problems.id"), index=True)
    common_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    common_prior_status: Mapped[str | None] = mapped_column(sa.String(16))
    common_prior_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company = relationship("Company", lazy="raise")
    common_problem = relationship("CommonProblem", lazy="raise")
    escort = relationship("User", foreign_keys=[escort_id], lazy="raise")
    department = relationship("Department", lazy="raise")
    helper = relationship("User", foreign_keys=[helper_id], lazy="raise")
    created_by = relationship("User", foreign_keys="Ticket.created_by_id", lazy="raise")
    # Every 协办 request of the problem, ended ones included (app.tickets.co_departments reads the open ones).
    co_departments = relationship("TicketCoDepartment", lazy="raise", viewonly=True,
                                  order_by="TicketCoDepartment.id")

    source_label = labelled("source", SOURCES)
    urgency_label = labelled("urgency", URGENCIES)
    rating_label = labelled("rating", RATINGS)

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


class TicketEvent(db.Model):
    """One line of a problem's timeline: a transition, a comment (public) or a note (internal)."""

    __tablename__ = "ticket_events"
    __table_args__ = (sa.Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    public: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    actor = relationship("User", lazy="raise")
    attachments = relationship("Attachment", back_populates="event", lazy="raise", order_by="Attachment.id")


class Attachment(StoredFileMixin, db.Model):
    """A file on a problem, stored outside static/ under a generated name (app/core/stored_files.py)."""

    __tablename__ = "attachments"
    # The quota's sum of a user's uploads of the day reads it (visit photos are few, so theirs has none).
    __table_args__ = (sa.Index("ix_attachments_uploaded_by_id", "uploaded_by_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket_events.id", ondelete="SET NULL"), index=True)
    public: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    event = relationship("TicketEvent", back_populates="attachments", lazy="raise")


class DispatchRecord(db.Model):
    """One dispatch of a problem to a department, and how that department handled it.

    A problem returned and dispatched again has two records; department rankings
    (on-time signing and reply, return rate) count these rows. A 共性问题's dispatch is one record
    (common_problem_id set, ticket_id empty): its department's work counts once, not per member.
    """

    __tablename__ = "dispatch_records"
    __table_args__ = (
        sa.Index("ix_dispatch_records_department_dispatched", "department_id", "dispatched_at"),
        sa.Index("ix_dispatch_records_ticket", "ticket_id", "id"),
        # Dispatched in a period (the rankings' response metrics; migration 0004_rankings).
        sa.Index("ix_dispatch_records_dispatched_at", "dispatched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    common_problem_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("common_problems.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), nullable=False)
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    dispatched_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sign_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    signed_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    replied_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)


class ExtensionRequest(db.Model):
    """A helper's request to move the reply deadline; a manager approves or denies it."""

    __tablename__ = "extension_requests"
    __table_args__ = (sa.Index("ix_extension_requests_ticket_status", "ticket_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    old_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="raise")


class TicketTag(db.Model):
    """A free-text tag (标签) staff put on a problem (app.tickets.tags normalises and checks it)."""

    __tablename__ = "ticket_tags"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "name", name="uq_ticket_tags_ticket_name"),
        sa.Index("ix_ticket_tags_name_ticket", "name", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class TicketCoDepartment(db.Model):
    """A co-department (协办部门) of one dispatch: it signs (签收) and gives its opinion (协办意见), each on its
    own working-day clock, while the lead department (the ticket's department) owns the reply.

    One row per (dispatch, department); a return of the problem ends the rows of that dispatch
    (ended_at), a new dispatch names its co-departments afresh. Department rankings count these rows
    for the co-department's own timeliness (signed_on_time, opinion_on_time).
    """

    __tablename__ = "ticket_co_departments"
    __table_args__ = (
        sa.UniqueConstraint("dispatch_record_id", "department_id", name="uq_ticket_co_departments_dispatch_department"),
        # A row helps either one problem or one common problem (共性问题, whose dispatch names co-departments too).
        sa.CheckConstraint("(ticket_id IS NULL) <> (common_problem_id IS NULL)", name="one_subject"),
        sa.Index("ix_ticket_co_departments_common_problem", "common_problem_id", "id"),
        sa.Index("ix_ticket_co_departments_department_ticket", "department_id", "ticket_id"),
        sa.Index("ix_ticket_co_departments_ticket", "ticket_id", "id"),
        sa.Index("ix_ticket_co_departments_department_dispatched", "department_id", "dispatched_at"),
        # A department's open rows (ended_at IS NULL) from the index alone: every helper page's scope (0038).
        sa.Index("ix_ticket_co_departments_department_open", "department_id", "ended_at", "ticket_id"),
        # A department's requests still owing their sign or opinion (migration 0042): 待我处理 and the workbench's
        # 协办 counts. PostgreSQL read them through opinion_at (every department's owed rows, 23,700 at 1,000,000
        # problems, to keep one department's 1,200: 7-8 ms, up to three times a page).
        sa.Index("ix_ticket_co_departments_owed", "department_id", "ticket_id",
                 sqlite_where=sa.text(OWED), postgresql_where=sa.text(OWED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    common_problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("common_problems.id", ondelete="CASCADE"))
    dispatch_record_id: Mapped[int] = mapped_column(sa.ForeignKey("dispatch_records.id", ondelete="CASCADE"),
                                                    nullable=False)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), nullable=False)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sign_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    opinion_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    signed_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    opinion: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    opinion_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    opinion_on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    opinion_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sweep markers (app.tickets.sweep), like the ticket's: each notice once per deadline. The co-department
    # is told its step is due soon / overdue; the lead department is told once its opinion is overdue.
    due_soon_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lead_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department = relationship("Department", lazy="raise")
    opinion_by = relationship("User", foreign_keys=[opinion_by_id], lazy="raise")
    dispatch_record = relationship("DispatchRecord", lazy="raise")

    @property
    def open(self) -> bool:
        return self.ended_at is None

    @property
    def due_at(self) -> datetime | None:
        """The deadline of the step this co-department owes now (None: its part is done or ended)."""
        if self.ended_at is not None or self.opinion_at is not None:
            return None
        return self.sign_due_at if self.signed_at is None else self.opinion_due_at

    def is_overdue(self, now: datetime | None = None) -> bool:
        due = self.due_at
        return due is not None and (now or utcnow()) > due

    def opinion_overdue(self, now: datetime | None = None) -> bool:
        """No opinion yet and its deadline has passed (the lead may then reply without it)."""
        return self.ended_at is None and self.opinion_at is None and (now or utcnow()) > self.opinion_due_at
class DepartmentModel(db.Model):
    """The learned department model (app.tickets.department_model), one row per training; the newest is
    used. `payload` is the compressed model; `digest` tells a process whether what it holds is current."""

    __tablename__ = "department_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    examples: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    digest: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)


class SavedView(db.Model):
    """A named set of problem-list conditions (保存的视图) one person saved for themselves.

    `query` is the list's query string (q, tag and every filter), normalised by
    app.tickets.saved_views; opening the view applies it to the viewer's own scope.
    """

    __tablename__ = "saved_views"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    query: Mapped[str] = mapped_column(sa.String(2000), nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
