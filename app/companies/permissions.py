"""Who may do what with a company. Views, API and templates all call these."""
from app.accounts.models import Role


def can_view_company(user, company) -> bool:
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return company.escort_id == user.id
    if user.role == Role.COMPANY:
        return user.company_id == company.id
    if user.role == Role.HELPER and user.department_id:
        import sqlalchemy as sa

        from app.extensions import db
        from app.tickets.models import Ticket
        from app.tickets.queries import co_department_tickets

        return db.session.scalar(sa.select(Ticket.id).where(
            Ticket.company_id == company.id,
            sa.or_(Ticket.department_id == user.department_id,
                   Ticket.id.in_(co_department_tickets(user.department_id)))).limit(1)) is not None
    return False


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
    return user.role == Role.ESCORT and company.escort_id is not None and company.escort_id == user.id


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
