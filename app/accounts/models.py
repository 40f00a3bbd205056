"""People who use Peipao, and their API tokens."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, utcnow
from app.extensions import db


class Role:
    ADMIN = "admin"
    MANAGER = "manager"
    ESCORT = "escort"
    HELPER = "helper"
    COMPANY = "company"

    ALL = (ADMIN, MANAGER, ESCORT, HELPER, COMPANY)
    STAFF = (ADMIN, MANAGER, ESCORT, HELPER)
    LABELS = {
        ADMIN: _l("系统管理员"),
        MANAGER: _l("专班管理人员"),
        ESCORT: _l("助企陪跑员"),
        HELPER: _l("帮帮团成员"),
        COMPANY: _l("企业用户"),
    }


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('admin','manager','escort','helper','company')", name="role_known"
        ),
        sa.Index("ix_users_role_active", "role", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    email: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    must_change_password: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false(), nullable=False
    )
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    town_id: Mapped[int | None] = mapped_column(sa.ForeignKey("towns.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="zh", server_default="zh", nullable=False)
    # Raised whenever every session of the user must end (logout, password change, deactivation).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1", nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department = relationship("Department", lazy="joined")
    company = relationship("Company", foreign_keys=[company_id], lazy="select")
    town = relationship("Town", lazy="select")

    # Flask-Login: the session cookie carries id *and* session version, so
    # raising the version invalidates every cookie issued before.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF

    @property
    def is_escort(self) -> bool:
        """Describes the person (their companies, workload, ranking), not what they may do: permissions are
        the features' can_* functions."""
        return self.role == Role.ESCORT

    @property
    def is_helper(self) -> bool:
        return self.role == Role.HELPER

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def role_label(self) -> str:
        return str(Role.LABELS.get(self.role, self.role))

    def __str__(self) -> str:
        return self.name


class ApiToken(db.Model):
    """A personal access token. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")
