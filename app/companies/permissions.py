"""Who may do what with a company. Views, API and templates all call these.

The scope of companies is one rule, `company_scope(user, history=…)`: a condition on Company that
`visible_companies` (every list, count and lookup) selects with and that the per-object checks
(`serves_company`, `can_view_company`) mirror; tests/security/test_scope_rules.py holds the two equal
over the access-matrix world.
"""
import sqlalchemy as sa
from flask import g, has_request_context

from app.accounts.models import Role
from app.companies.models import Company, EscortAssignment
from app.extensions import db


def served_companies(user) -> sa.Select:
    """Ids of the companies `user` serves or served as their escort (every assignment, the current one
    included: Company.escort_id is kept equal to the open one)."""
    return sa.select(EscortAssignment.company_id).where(EscortAssignment.escort_id == user.id)


def company_scope(user, *, history: bool = False):
    """The companies `user` may see, as a condition on Company.

    admin/manager: all. escort: those currently assigned (with history, also those they served
    before: read only, DESIGN). company user: its own. helper: the companies of the problems their
    department may see (app.tickets.permissions.ticket_scope).
    """
    if user.role in (Role.ADMIN, Role.MANAGER):
        return sa.true()
    if user.role == Role.ESCORT:
        current = Company.escort_id == user.id
        return sa.or_(current, Company.id.in_(served_companies(user))) if history else current
    if user.role == Role.COMPANY and user.company_id:
        return Company.id == user.company_id
    if user.role == Role.HELPER and user.department_id:
        from app.tickets.models import Ticket
        from app.tickets.permissions import ticket_scope

        return Company.id.in_(sa.select(Ticket.company_id).where(ticket_scope(user)))
    return sa.false()


def served_before(user, company_id: int | None) -> bool:
    """Did escort `user` ever serve this company (served_companies)? One query per request, kept on `g`."""
    if user.role != Role.ESCORT or company_id is None:
        return False
    key = ("served_companies", user.id)
    cache = g.setdefault("scope_cache", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = frozenset(db.session.scalars(served_companies(user)))
    return company_id in cache[key]


def serves_company(user, company) -> bool:
    """Does `user` stand in their role's working relation to the company now (company_scope without
    history)? Everything but reading needs it."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return company.escort_id is not None and company.escort_id == user.id
    if user.role == Role.COMPANY:
        return user.company_id is not None and user.company_id == company.id
    if user.role == Role.HELPER and user.department_id:  # through the department's problems: ask the rule itself
        return db.session.scalar(sa.select(Company.id).where(Company.id == company.id, company_scope(user))) is not None
    return False


def can_view_company(user, company) -> bool:
    """May `user` open the company's page (company_scope with history): those who serve it, and the
    escorts who once did (read only)."""
    return serves_company(user, company) or served_before(user, company.id)


def can_filter_by_escort(user) -> bool:
    """The company list's escort column and filter: for those who see every escort's companies."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def lists_own_companies(user) -> bool:
    """Is the user's company list the companies assigned to them (an escort's: 我陪跑的企业)?"""
    return user.role == Role.ESCORT


def can_create_company(user) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_edit_company(user, company) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_edit_former_names(user, company) -> bool:
    """Former names (曾用名) are part of the register: whoever edits the company keeps them."""
    return can_edit_company(user, company)


def can_assign_escort(user, company) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_list_companies(user) -> bool:
    return user.role in Role.STAFF


def _is_current_escort(user, company) -> bool:
    return user.role == Role.ESCORT and serves_company(user, company)


def can_create_portal_account(user, company) -> bool:
    """Portal accounts for a company's staff: managers, or the company's current escort."""
    return user.role in (Role.ADMIN, Role.MANAGER) or _is_current_escort(user, company)


def can_manage_portal_account(user, account, company) -> bool:
    """Reset the password of, deactivate or reactivate one of the company's portal accounts."""
    return (
        account.role == Role.COMPANY
        and account.company_id == company.id
        and can_create_portal_account(user, company)
    )


def can_update_goal(user, company) -> bool:
    """The category goal's progress is kept by the company's current escort (and managers)."""
    return user.role in (Role.ADMIN, Role.MANAGER) or _is_current_escort(user, company)


def can_import_companies(user) -> bool:
    """Bulk import from a spreadsheet is for the task force (managers) and admins."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_list_departments(user) -> bool:
    """The departments (for dispatching, filtering) are staff reference data."""
    return user.role in Role.STAFF


def can_view_company_records(user, company) -> bool:
    """The staff's records of a company (goal history, escort assignments, the briefing and goal warnings):
    staff who may read the company; its own portal users never see them."""
    return user.is_staff and can_view_company(user, company)


def can_serve_as_escort(person) -> bool:
    """Whether `person` may be made a company's escort: an active escort account."""
    return person.role == Role.ESCORT and person.active
