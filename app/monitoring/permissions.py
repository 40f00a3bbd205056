"""Who sees which monitoring page."""
from app.accounts.models import Role


def can_view_dashboard(user) -> bool:
    """The district dashboard (/dashboard): managers and administrators."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.ADMIN, Role.MANAGER)


def can_view_staff_home(user) -> bool:
    """The personal work home (/home): escorts (their companies) and helpers (their department's queue)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.ESCORT, Role.HELPER)


def has_escort_home(user) -> bool:
    """The work home of an escort (their companies); a helper's is their department's queue."""
    return can_view_staff_home(user) and user.role == Role.ESCORT
