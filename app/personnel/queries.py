"""Scoped reads about people: the staff directory, escort workload, portal accounts."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User
from app.companies.models import Company, EscortAssignment
from app.companies.queries import filter_companies, visible_companies
from app.extensions import db

UNASSIGNED = -1  # the escort filter's value for "companies without an escort"


def visible_staff(user: User) -> sa.Select:
    """Staff accounts `user` may see in the directory: all of them for managers and admins."""
    stmt = sa.select(User).where(User.role.in_(Role.STAFF))
    if user.role in (Role.ADMIN, Role.MANAGER):
        return stmt
    return stmt.where(sa.false())


def with_staff_loads(stmt: sa.Select) -> sa.Select:
    return stmt.options(joinedload(User.department), joinedload(User.town))


def filter_staff(stmt: sa.Select, *, role=None, department_id=None, town_id=None, active=None, q=None) -> sa.Select:
    if role:
        stmt = stmt.where(User.role == role)
    if department_id:
        stmt = stmt.where(User.department_id == department_id)
    if town_id:
        stmt = stmt.where(User.town_id == town_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(bool(active)))
    if q:
        pattern = f"%{q.strip()}%"
        stmt = stmt.where(sa.or_(User.username.ilike(pattern), User.name.ilike(pattern), User.phone.ilike(pattern)))
    return stmt


def current_company_counts(escort_ids) -> dict[int, int]:
    """Number of companies currently assigned to each of these users (one GROUP BY)."""
    escort_ids = list(escort_ids)
    if not escort_ids:
        return {}
    rows = db.session.execute(
        sa.select(Company.escort_id, sa.func.count(Company.id))
        .where(Company.escort_id.in_(escort_ids))
        .group_by(Company.escort_id)
    ).all()
    return dict(rows)


def escort_workload() -> sa.Select:
    """Rows (escort, current companies, of which goal achieved) for every active escort, busiest first."""
    counts = (
        sa.select(
            Company.escort_id.label("escort_id"),
            sa.func.count(Company.id).label("companies"),
            sa.func.sum(sa.case((Company.goal_status == "achieved", 1), else_=0)).label("achieved"),
        )
        .where(Company.escort_id.is_not(None))
        .group_by(Company.escort_id)
        .subquery()
    )
    companies = sa.func.coalesce(counts.c.companies, 0)
    return (
        sa.select(User, companies.label("companies"), sa.func.coalesce(counts.c.achieved, 0).label("achieved"))
        .outerjoin(counts, counts.c.escort_id == User.id)
        .where(User.role == Role.ESCORT, User.active.is_(True))
        .options(joinedload(User.town))
        .order_by(companies.desc(), User.name, User.id)
    )


def unassigned_company_count(user: User) -> int:
    stmt = visible_companies(user).where(Company.escort_id.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def reassignable_companies(user: User, *, escort_id=None, **filters) -> sa.Select:
    """Companies `user` may move between escorts, narrowed by the company-list filters.

    escort_id=UNASSIGNED selects the companies that have no escort.
    """
    stmt = visible_companies(user)
    if escort_id == UNASSIGNED:
        stmt = stmt.where(Company.escort_id.is_(None))
        escort_id = None
    return filter_companies(stmt, escort_id=escort_id, **filters)


def escort_assignment_history(escort: User) -> sa.Select:
    """Every period the escort served a company, newest first, with the company loaded."""
    return (
        sa.select(EscortAssignment)
        .where(EscortAssignment.escort_id == escort.id)
        .options(joinedload(EscortAssignment.company), joinedload(EscortAssignment.assigned_by))
        .order_by(EscortAssignment.ended_at.is_(None).desc(), EscortAssignment.started_at.desc(), EscortAssignment.id.desc())
    )


def portal_accounts(company: Company) -> sa.Select:
    """The company's portal (company-role) accounts. Callers check can_create_portal_account first."""
    return (
        sa.select(User)
        .where(User.role == Role.COMPANY, User.company_id == company.id)
        .order_by(User.active.desc(), User.name, User.id)
    )
