"""Who may see and change system settings.

Settings (SLA limits, calendar overrides) are the administrator's. Managers may
*read* the working-day calendar: they set dispatch deadlines and answer
"why is this due on Saturday?", so they need to see holidays and 调休 days,
but they cannot change them.
"""
from app.accounts.models import Role


def can_manage_settings(user) -> bool:
    """Change SLA limits and calendar overrides: administrators only."""
    return user.is_authenticated and user.role == Role.ADMIN


def can_view_calendar(user) -> bool:
    """Read the working-day calendar page: administrators and managers."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.MANAGER)


def can_see_calendar_warning(user) -> bool:
    """The 'next year has no holiday data' banner is for the people who can fix it."""
    return can_manage_settings(user)
