"""Who may see and log visits. One function per action, shared by pages, API and templates.

The scope of visits is one rule, `visit_scope(user, history=…)`: a condition on Visit that
`visible_visits` selects with and that `can_view_visit` (with history) mirrors in Python;
tests/security/test_scope_rules.py holds them equal over the access-matrix world.
"""
import sqlalchemy as sa

from app.accounts.models import Role
from app.companies.models import Company
from app.companies.permissions import company_scope, served_before, serves_company
from app.visits.models import Visit


def visit_scope(user, *, history: bool = False):
    """The visits `user` may see, as a condition on Visit.

    admin/manager: all. escort: the visits they made, and those to the companies in their company
    scope (with history, the companies they served before too: read only). helper, company user: none.
    """
    if user.role in (Role.ADMIN, Role.MANAGER):
        return sa.true()
    if user.role == Role.ESCORT:
        return sa.or_(Visit.escort_id == user.id,
                      Visit.company_id.in_(sa.select(Company.id).where(company_scope(user, history=history))))
    return sa.false()


def can_log_visits(user) -> bool:
    """Does the user log visits at all (an escort, for the companies they serve now: can_log_visit)?"""
    return user.role == Role.ESCORT


def can_view_all_visits(user) -> bool:
    """Every escort's visits, with the escort column and filter: managers and admins."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_list_visits(user) -> bool:
    """Escorts (their companies' visits), managers and admins (all). Helpers and companies: no."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT)


def can_log_visit(user, company) -> bool:
    """Only the company's current escort logs a visit: the record is their own account of a contact."""
    return user.role == Role.ESCORT and company.escort_id is not None and company.escort_id == user.id


def _visit_company(visit):
    company = visit.__dict__.get("company")
    if company is not None:
        return company
    from app.extensions import db

    return db.session.get(Company, visit.company_id)


def in_working_scope(user, visit) -> bool:
    """visit_scope without history, in Python."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return visit.escort_id == user.id or serves_company(user, _visit_company(visit))
    return False


def can_view_visit(user, visit) -> bool:
    """visit_scope with history, in Python: managers see every visit; an escort those they made and those
    of companies they serve now or served before (read only)."""
    return in_working_scope(user, visit) or served_before(user, visit.company_id)


def can_download_visit_photo(user, visit, photo) -> bool:
    return photo.visit_id == visit.id and can_view_visit(user, visit)


def can_export_visits(user) -> bool:
    return can_list_visits(user)


def can_view_unvisited(user) -> bool:
    """The "not visited in this window" list: an escort's own companies, or every company for managers."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT)
