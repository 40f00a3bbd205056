"""Where each role lands after signing in (the home page, and pages a role has no use for)."""
from flask import url_for

from app.accounts.models import Role


def home_url(user) -> str:
    """Where each role lands after signing in."""
    if user.role == Role.COMPANY:
        if user.company_id:
            return url_for("portal.home")
        return url_for("accounts.profile")
    if user.role in (Role.ADMIN, Role.MANAGER):
        return url_for("monitoring.dashboard")
    if user.role in (Role.ESCORT, Role.HELPER):
        return url_for("monitoring.home")
    return url_for("companies.index")
