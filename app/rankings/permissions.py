"""Who may see the rankings and who sets how they are scored."""
from app.accounts.models import Role


def can_view_rankings(user) -> bool:
    """晾晒比拼 is public among staff (every staff role); never shown to company users."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in Role.STAFF


def can_export_rankings(user) -> bool:
    return can_view_rankings(user)


def can_edit_ranking_weights(user) -> bool:
    """Weights, minimum cases and the yellow-card count: the task force (managers) and administrators.

    DESIGN gives publishing rankings to the task force; a change applies to every board not yet
    published, never to a published one (its weights are frozen with it)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.MANAGER, Role.ADMIN)


def can_publish_rankings(user) -> bool:
    """Publishing (and correcting) a closed period's board: the task force and administrators."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.MANAGER, Role.ADMIN)


def can_download_bulletin(user) -> bool:
    """The monthly 通报 (.docx) made from a publication: the task force and administrators."""
    return can_publish_rankings(user)


def ranked_as_escort(person) -> bool:
    """Whether `person` has a row on the escorts' board (an escort's rank history page)."""
    return person.role == Role.ESCORT


def own_row_id(user, board_key: str) -> int | None:
    """The id of the viewer's own row on a board (我的名次): an escort's on the escorts' board (the row is the
    escort), a helper's on the departments' board (the row is the helper's department); None for everyone else —
    managers and administrators have no row."""
    if board_key == "escorts" and user.role == Role.ESCORT:
        return user.id
    if board_key == "departments" and user.role == Role.HELPER:
        return user.department_id
    return None
