"""Who may see and log visits. One function per action, shared by pages, API and templates."""
from app.accounts.models import Role


def can_list_visits(user) -> bool:
    """Escorts (their companies' visits), managers and admins (all). Helpers and companies: no."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT)


def can_log_visit(user, company) -> bool:
    """Only the company's current escort logs a visit: the record is their own account of a contact."""
    return user.role == Role.ESCORT and company.escort_id is not None and company.escort_id == user.id


def can_view_visit(user, visit) -> bool:
    """Managers see every visit; an escort those of companies they serve now and those they made."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        if visit.escort_id == user.id:
            return True
        company = visit.__dict__.get("company")
        if company is not None:
            return company.escort_id == user.id
        import sqlalchemy as sa

        from app.companies.models import Company
        from app.extensions import db

        return db.session.scalar(sa.select(Company.escort_id).where(Company.id == visit.company_id)) == user.id
    return False


def can_download_visit_photo(user, visit, photo) -> bool:
    return photo.visit_id == visit.id and can_view_visit(user, visit)


def can_export_visits(user) -> bool:
    return can_list_visits(user)


def can_view_unvisited(user) -> bool:
    """The "not visited in this window" list: an escort's own companies, or every company for managers."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT)
