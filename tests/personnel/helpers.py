"""Shared helpers for the personnel tests."""
import re

import sqlalchemy as sa

from app.accounts.models import User
from app.companies.models import Company, EscortAssignment
from app.core.models import AuditLog

TEMP_PASSWORD_RE = re.compile(r'id="temp-password">([^<]+)<')


def text(response) -> str:
    return response.get_data(as_text=True)


def fresh(db_session, model, obj_id):
    """The row as stored now (requests commit in their own session)."""
    db_session.expire_all()
    return db_session.get(model, obj_id)


def fresh_user(db_session, user) -> User:
    return fresh(db_session, User, user.id)


def fresh_company(db_session, company) -> Company:
    return fresh(db_session, Company, company.id)


def temp_password(response) -> str:
    match = TEMP_PASSWORD_RE.search(text(response))
    assert match, text(response)[:2000]
    return match.group(1)


def audit_actions(db_session, obj_type: str, obj_id: int) -> list[str]:
    db_session.expire_all()
    return list(db_session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == obj_type, AuditLog.object_id == obj_id)
        .order_by(AuditLog.id)
    ))


def assignments(db_session, company) -> list[EscortAssignment]:
    db_session.expire_all()
    return list(db_session.scalars(
        sa.select(EscortAssignment).where(EscortAssignment.company_id == company.id)
        .order_by(EscortAssignment.started_at, EscortAssignment.id)
    ))
