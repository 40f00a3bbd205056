"""Where each person lands after signing in (the home page, and pages they have no use for)."""
from flask import url_for

from app.companies.permissions import can_list_companies
from app.monitoring.permissions import can_view_dashboard, can_view_staff_home
from app.portal.permissions import can_use_portal


def home_url(user) -> str:
    """The first page each person may use: the portal, the dashboard, the work home, or the company list."""
    if can_use_portal(user):
        return url_for("portal.home")
    if can_view_dashboard(user):
        return url_for("monitoring.dashboard")
    if can_view_staff_home(user):
        return url_for("monitoring.home")
    if can_list_companies(user):
        return url_for("companies.index")
    return url_for("accounts.profile")
