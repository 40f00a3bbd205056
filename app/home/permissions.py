"""What the menu offers: the feature's own can_* answers, gathered for base.html."""
from app.personnel.permissions import can_manage_staff
from app.settings.permissions import can_manage_settings, can_view_calendar
from app.visits.permissions import can_list_visits, can_log_visits


def can_use_staff_pages(user) -> bool:
    """The staff menu (dashboard or workbench, problems, companies, visits, rankings): every staff role;
    company users work in the portal."""
    return user.is_staff


def navigation(user) -> dict[str, bool]:
    """What the menu offers the signed-in `user`, each entry the answer of its feature's own can_* function
    (base.html reads these flags, never roles)."""
    return {"staff_pages": can_use_staff_pages(user), "log_visit": can_log_visits(user), "visits": can_list_visits(user), "staff": can_manage_staff(user),
            "settings": can_manage_settings(user), "calendar": can_view_calendar(user)}
