"""Who may read the audit log."""
from app.accounts.models import Role


def can_view_audit_log(user) -> bool:
    """The audit trail is the administrator's (it shows every account's activity)."""
    return user.role == Role.ADMIN
