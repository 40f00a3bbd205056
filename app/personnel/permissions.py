"""Who may manage people, assignments and portal accounts. Views and templates call these."""
from app.accounts.models import Role

_MANAGERS = (Role.ADMIN, Role.MANAGER)


def can_manage_staff(user) -> bool:
    """The staff directory and its pages are for managers and administrators."""
    return user.role in _MANAGERS


def assignable_roles(user, target=None) -> tuple[str, ...]:
    """Roles `user` may give to a new staff member (target None) or to `target`.

    Only an administrator hands out the administrator role, and nobody changes
    their own role (so nobody can widen it).
    """
    if user.role not in _MANAGERS:
        return ()
    if target is not None and target.id == user.id:
        return (target.role,)
    if user.role == Role.ADMIN:
        return Role.STAFF
    return (Role.MANAGER, Role.ESCORT, Role.HELPER)


def can_create_staff(user, role: str | None = None) -> bool:
    if role is None:
        return can_manage_staff(user)
    return role in assignable_roles(user)


def can_edit_staff(user, target) -> bool:
    """Managers edit every staff member except administrators; administrators edit everyone."""
    if user.role not in _MANAGERS or target.role not in Role.STAFF:
        return False
    if target.role == Role.ADMIN and user.role != Role.ADMIN:
        return False
    return True


def can_deactivate_staff(user, target) -> bool:
    """As editing, but never oneself (an account cannot lock itself out or hide its traces)."""
    return can_edit_staff(user, target) and target.id != user.id


def can_reset_password(user, target) -> bool:
    """Another person's password only; one's own is changed on the change-password page."""
    return can_edit_staff(user, target) and target.id != user.id


def can_view_workload(user) -> bool:
    return user.role in _MANAGERS


def can_reassign_companies(user) -> bool:
    """Moving companies between escorts (one at a time on the company page, or in bulk here)."""
    return user.role in _MANAGERS


def serves_companies(person) -> bool:
    """Whether companies are assigned to `person` (an escort): their page lists those companies, the directory
    shows how many, and deactivating them hands the companies over first."""
    return person.role == Role.ESCORT


def ranked_on(person) -> tuple[str, int] | None:
    """(board, subject id) of the ranking a person's page shows: an escort's own row on the escorts' board, a
    helper's department's on the departments' board; nobody else is ranked."""
    if person.role == Role.ESCORT:
        return "escorts", person.id
    if person.role == Role.HELPER and person.department_id:
        return "departments", person.department_id
    return None
