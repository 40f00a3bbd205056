"""Companies served by escorts (陪跑对象) and the history of who served them."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, utcnow
from app.extensions import db

CATEGORIES = {
    "new_force": (_l("新势力企业"), _l("跑在前")),
    "specialized": (_l("专精特新梯度企业"), _l("跑长大")),
    "spin_off": (_l("内生裂变企业"), _l("跑落地")),
    "upgrade": (_l("培育升规企业"), _l("跑入库")),
    "eaglet": (_l("“新雏鹰计划”培育企业"), _l("跑腾飞")),
}

SPECIALIZED_TIERS = {
    "": _l("无"),
    "tech_sme": _l("科技型中小企业"),
    "innovative_sme": _l("创新型中小企业"),
    "specialized_sme": _l("专精特新中小企业"),
    "little_giant": _l("专精特新“小巨人”企业"),
}

GOAL_STATUSES = {
    "not_started": _l("未开始"),
    "in_progress": _l("推进中"),
    "achieved": _l("已达成"),
}


class Company(TimestampMixin, db.Model):
    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint(
            "category IN ('new_force','specialized','spin_off','upgrade','eaglet')",
            name="category_known",
        ),
        sa.CheckConstraint(
            "goal_status IN ('not_started','in_progress','achieved')", name="goal_status_known"
        ),
        sa.Index("ix_companies_escort_name", "escort_id", "name"),
        sa.Index("ix_companies_town_name", "town_id", "name"),
        sa.Index("ix_companies_category_name", "category", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True, nullable=False)
    town_id: Mapped[int] = mapped_column(sa.ForeignKey("towns.id"), nullable=False)
    industry_id: Mapped[int] = mapped_column(sa.ForeignKey("industries.id"), nullable=False, index=True)
    category: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    specialized_tier: Mapped[str] = mapped_column(sa.String(20), default="", server_default="", nullable=False)
    is_above_scale: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(), nullable=False)
    annual_revenue: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元
    employees: Mapped[int | None] = mapped_column(sa.Integer)
    address: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="", nullable=False)
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    # The current escort, kept equal to the open EscortAssignment so scoped lists use one index.
    escort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", use_alter=True))
    goal_status: Mapped[str] = mapped_column(
        sa.String(16), default="not_started", server_default="not_started", nullable=False, index=True
    )
    goal_updated_on: Mapped[date | None] = mapped_column(sa.Date)
    goal_note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="", nullable=False)
    # The date the category's indicator was last reached (入库, a tier step, the new entity, the yearly
    # target); every update, with its indicator, is kept in company_goal_updates.
    goal_reached_on: Mapped[date | None] = mapped_column(sa.Date, index=True)

    town = relationship("Town", lazy="raise")
    industry = relationship("Industry", lazy="raise")
    escort = relationship("User", foreign_keys=[escort_id], lazy="raise")
    assignments = relationship(
        "EscortAssignment",
        back_populates="company",
        order_by="EscortAssignment.started_at.desc(), EscortAssignment.id.desc()",
        lazy="raise",
    )

    @property
    def category_label(self) -> str:
        return str(CATEGORIES[self.category][0])

    @property
    def goal_slogan(self) -> str:
        return str(CATEGORIES[self.category][1])

    @property
    def tier_label(self) -> str:
        return str(SPECIALIZED_TIERS.get(self.specialized_tier, ""))

    @property
    def goal_status_label(self) -> str:
        return str(GOAL_STATUSES[self.goal_status])

    def __str__(self) -> str:
        return self.name


class EscortAssignment(db.Model):
    """One period during which an escort served a company. ended_at NULL = current."""

    __tablename__ = "escort_assignments"
    __table_args__ = (
        sa.Index("ix_escort_assignments_company", "company_id", "started_at"),
        sa.Index("ix_escort_assignments_escort", "escort_id", "ended_at"),
        # At most one open assignment per company, enforced by the database.
        sa.Index(
            "uq_escort_assignments_one_current",
            "company_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    escort_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    company = relationship("Company", back_populates="assignments", lazy="raise")
    escort = relationship("User", foreign_keys=[escort_id], lazy="raise")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id], lazy="raise")


class CompanyGoalUpdate(db.Model):
    """One progress update on a company's category goal, kept for good (who, when, status, note, indicator).

    `indicator` holds the category's measurable values given with the update (see app/companies/goals.py);
    `reached_on` is set when they meet the goal (the date it was reached), and the yearly report counts
    companies by it.
    """

    __tablename__ = "company_goal_updates"
    __table_args__ = (
        sa.Index("ix_company_goal_updates_company", "company_id", "id"),
        sa.Index("ix_company_goal_updates_reached_on", "reached_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    progress_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="", nullable=False)
    indicator: Mapped[dict | None] = mapped_column(sa.JSON)
    reached_on: Mapped[date | None] = mapped_column(sa.Date)

    company = relationship("Company", lazy="raise")
    actor = relationship("User", lazy="raise")

    @property
    def status_label(self) -> str:
        return str(GOAL_STATUSES.get(self.status, self.status))


class CompanyFormerName(db.Model):
    """A name the company was registered under before (曾用名): searched like the current name.

    Renaming a company records the old name here automatically (services.update_company); admins and
    managers also enter older ones by hand on the company form.
    """

    __tablename__ = "company_former_names"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "name", name="uq_company_former_names_company_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # The date the name stopped being used (the rename's local date; unknown for names entered by hand).
    until: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
