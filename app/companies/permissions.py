"""Who may do what with a company. Views, API and templates all call these."""
from app.accounts.models import Role


def can_view_company(user, company) -> bool:
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return company.escort_id == user.id
    if user.role == Role.COMPANY:
        return user.company_id == company.id
    return False


def can_create_company(user) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_edit_company(user, company) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_assign_escort(user, company) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_list_companies(user) -> bool:
    return user.role in Role.STAFF
