"""Who may use the company portal. Everything about a single problem is in app/tickets/permissions.py."""
from app.accounts.models import Role


def can_use_portal(user) -> bool:
    """The portal is for company users attached to a company; staff work in /tickets."""
    return user.role == Role.COMPANY and user.company_id is not None
