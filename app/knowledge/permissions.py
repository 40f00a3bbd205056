"""Who may publish, manage and read 政策问答 entries and reply templates."""
from app.accounts.models import Role

_MANAGERS = (Role.ADMIN, Role.MANAGER)


def can_view_knowledge(user) -> bool:
    """Every signed-in user, companies included: entries never name the company that asked."""
    return bool(getattr(user, "is_authenticated", False))


def can_publish_knowledge(user, ticket) -> bool:
    """A manager, or a member of the department that answered, once the problem has an answer.
    (`ticket` must already be visible to `user`.)"""
    if ticket.status not in ("replied", "closed") or not ticket.reply_message:
        return False
    if user.role in _MANAGERS:
        return True
    return user.role == Role.HELPER and ticket.department_id is not None and ticket.department_id == user.department_id


def can_manage_knowledge(user, entry) -> bool:
    """Edit or withdraw an entry: managers, or the department the entry's answer came from."""
    if user.role in _MANAGERS:
        return True
    return user.role == Role.HELPER and entry.department_id is not None and entry.department_id == user.department_id


def can_see_knowledge_source(user) -> bool:
    """Staff see which problem an entry was published from (still only if they may see that problem);
    companies never learn where an answer came from."""
    return user.role in Role.STAFF


def can_write_district_templates(user) -> bool:
    """District-wide reply templates are the task force's; a helper writes for their own department only."""
    return user.role in _MANAGERS


def can_use_templates(user) -> bool:
    return user.role in Role.STAFF


def can_manage_all_templates(user) -> bool:
    """District-wide templates and every department's: managers."""
    return user.role in _MANAGERS


def can_manage_template(user, template=None) -> bool:
    """District-wide templates: managers; a department's: its own members and managers."""
    if can_manage_all_templates(user):
        return True
    if user.role != Role.HELPER or not user.department_id:
        return False
    return template is None or template.department_id == user.department_id
