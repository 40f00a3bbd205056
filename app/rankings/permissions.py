"""Who may see the rankings and who sets how they are scored."""
from app.accounts.models import Role


def can_view_rankings(user) -> bool:
    """晾晒比拼 is public among staff (every staff role); never shown to company users."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in Role.STAFF


def can_export_rankings(user) -> bool:
    return can_view_rankings(user)


def can_edit_ranking_weights(user) -> bool:
    """Weights, minimum cases and the yellow-card count are system settings: administrators only."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN
