from app.accounts.models import Role


def can_manage_reference(user) -> bool:
    """Reference lists (towns, industries, departments) are the administrator's."""
    return user.role == Role.ADMIN
