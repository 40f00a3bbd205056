"""Who may see and act on a common problem (共性问题). One function per action, shared by pages, API and templates.

The actions are the ticket actions a department's handling consists of, taken from the same
transitions table (app.tickets.transitions): who may take each in the group's state is what the
table says for a problem in that state. A company never sees a common problem.
"""
import sqlalchemy as sa

from app.accounts.models import Role
from app.tickets.transitions import TRANSITIONS, roles_for

from app.common_problems.models import OPEN_GROUP_STATUSES

# The ticket actions a common problem is handled with (its own steps: no accept, rate, pause…).
GROUP_ACTIONS = tuple(a for a in TRANSITIONS
                      if a in ("dispatch", "sign", "return", "reply", "request_extension", "decide_extension",
                               "supervise", "co_sign", "co_opinion"))
# The states in which a problem may join a group: it has not gone to a department on its own.
JOINABLE_TICKET_STATES = ("submitted", "accepted", "escalated")


def _escort_serves(user, common_problem) -> bool:
    from app.companies.models import Company
    from app.extensions import db
    from app.tickets.models import Ticket

    return db.session.scalar(
        sa.select(sa.exists().where(Ticket.common_problem_id == common_problem.id, Company.id == Ticket.company_id,
                                    Company.escort_id == user.id))) is True


def _serves(user, common_problem) -> bool:
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.HELPER:
        return common_problem.department_id is not None and common_problem.department_id == user.department_id
    if user.role == Role.ESCORT:
        return _escort_serves(user, common_problem)
    return False


def leads(user, common_problem) -> bool:
    """Is `user` a helper of the lead department (the one the group is dispatched to)?"""
    return (user.role == Role.HELPER and common_problem.department_id is not None
            and common_problem.department_id == user.department_id)


def _co_row(user, common_problem):
    from app.common_problems.co_departments import row_of

    return row_of(user, common_problem)


def can_view_common_problem(user, common_problem) -> bool:
    """Managers and admins: all; a helper: those dispatched to their department, or naming it as a 协办
    co-department (it reads and takes its own two actions); an escort: those holding a problem of one of
    their companies (read-only); companies: never (they see their own member problem)."""
    return _serves(user, common_problem) or _co_row(user, common_problem) is not None


def can_read_common_problems(user) -> bool:
    """Staff read 共性问题 (each one still through can_view_common_problem); companies see only their own member
    problem."""
    return user.role in Role.STAFF


def can_create_common_problem(user) -> bool:
    """Managers and admins group problems (and so read the suggested groups)."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_manage_members(user, common_problem) -> bool:
    """Managers and admins add and remove members until the common problem is answered."""
    return user.role in (Role.ADMIN, Role.MANAGER) and common_problem.status in OPEN_GROUP_STATUSES


def can_act(user, common_problem, action: str) -> bool:
    """May `user` take `action` on the common problem now? The transitions table decides by state and role."""
    if action not in GROUP_ACTIONS or user.role not in roles_for(action, common_problem.status):
        return False
    if TRANSITIONS[action].co_department:  # 协办: the co-department's own row decides
        row = _co_row(user, common_problem)
        if row is None:
            return False
        return row.signed_at is None if action == "co_sign" else (row.signed_at is not None
                                                                  and row.opinion_at is None)
    if not _serves(user, common_problem):
        return False
    if action == "reply" and common_problem.status == "in_progress":
        from app.common_problems.co_departments import awaited
        from app.core.db import utcnow

        if awaited(common_problem, utcnow()):  # the lead replies once every opinion is in or overdue
            return False
    if action == "request_extension":
        return not common_problem.pending_extension
    if action == "decide_extension":
        return common_problem.pending_extension
    if action == "supervise":
        return common_problem.supervision != "flagged"
    return True


def allowed_actions(user, common_problem) -> list[str]:
    return [a for a in GROUP_ACTIONS if can_act(user, common_problem, a)]


def can_join(ticket) -> bool:
    """Can this problem join a common problem? Open, not yet with a department, not paused, in no other group."""
    return ticket.status in JOINABLE_TICKET_STATES and ticket.common_problem_id is None and ticket.paused_at is None
