"""Who may see and act on a common problem (共性问题). One function per action, shared by pages, API and templates.

The actions are the ticket actions a department's handling consists of, taken from the same
transitions table (app.tickets.transitions): who may take each in the group's state is what the
table says for a problem in that state. A company never sees a common problem.
"""
import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _

from app.accounts.models import Role
from app.tickets.transitions import TRANSITIONS

from app.common_problems.models import OPEN_GROUP_STATUSES

# The ticket actions a common problem is handled with (its own steps: no accept, rate, pause…).
GROUP_ACTIONS = tuple(a for a in TRANSITIONS
                      if a in ("dispatch", "sign", "return", "reply", "request_extension", "decide_extension",
                               "supervise", "co_sign", "co_opinion"))
# The states in which a problem may join a group: it has not gone to a department on its own.
JOINABLE_TICKET_STATES = ("submitted", "accepted", "escalated")


def _escort_serves(user, common_problem) -> bool:
    """Does the group hold a problem of one of the escort's companies? (Asked once per request and group: a page
    asks it for every action.)"""
    from app.companies.models import Company
    from app.extensions import db
    from app.tickets.models import Ticket

    key = (user.id, common_problem.id)
    known = g.setdefault("escort_serves_group", {}) if has_request_context() else {}
    if key not in known:
        known[key] = db.session.scalar(sa.select(sa.exists().where(
            Ticket.common_problem_id == common_problem.id, Company.id == Ticket.company_id,
            Company.escort_id == user.id))) is True
    return known[key]


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


def action_refusal(user, common_problem, action: str, *, now=None):
    """Why `user` may not take `action` on the common problem now (relation, role, state and the action's own
    rule; who may take it in the group's state is what the transitions table says for a problem in that state),
    as a TicketActionError with a message and status; None when they may. The one place these rules live:
    can_act answers with it, require_action (the services' check) raises it."""
    from app.common_problems.co_departments import awaited
    from app.core.db import utcnow
    from app.tickets.models import SUPERVISION_LEVELS
    from app.tickets.permissions import co_step_refusal, extension_refusal, opinions_refusal, step_refusal
    from app.tickets.errors import TicketActionError

    if action not in GROUP_ACTIONS:
        return TicketActionError(_("未知的操作。"), 400, code="unknown_action")
    transition = TRANSITIONS[action]
    if not can_view_common_problem(user, common_problem):
        return TicketActionError(_("您无权处理该共性问题。"), 403)
    row = _co_row(user, common_problem)
    # 协办: a co-department takes only its own two actions; the lead's actions are the lead's.
    if transition.co_department and row is None:
        return TicketActionError(_("您的部门不是该问题的协办部门。"), 403)
    if not transition.co_department and user.role == Role.HELPER and not leads(user, common_problem):
        return TicketActionError(_("贵部门是该共性问题的协办部门，只能签收和提交协办意见。"), 403)
    refusal = step_refusal(user, action, common_problem.status, group=True)
    if refusal is not None:
        return refusal
    if not transition.co_department and not _serves(user, common_problem):
        return TicketActionError(_("您无权处理该共性问题。"), 403)
    if action in ("co_sign", "co_opinion"):
        return co_step_refusal(action, row)
    if action in ("request_extension", "decide_extension"):
        return extension_refusal(action, common_problem.pending_extension)
    if action == "supervise" and common_problem.supervision == "flagged":
        return TicketActionError(_("该共性问题已处于“%(level)s”，只能提升督办级别。",
                                   level=str(SUPERVISION_LEVELS["flagged"])), 409)
    if action == "reply" and common_problem.status == "in_progress":
        return opinions_refusal(awaited(common_problem, now or utcnow()))
    return None


def can_act(user, common_problem, action: str) -> bool:
    """May `user` take `action` on the common problem now? (action_refusal finds no reason against it.)"""
    return action_refusal(user, common_problem, action) is None


def require_action(user, common_problem, action: str, *, now=None) -> None:
    """Raise action_refusal's TicketActionError unless `user` may take `action` on the common problem now."""
    refusal = action_refusal(user, common_problem, action, now=now)
    if refusal is not None:
        raise refusal


def allowed_actions(user, common_problem) -> list[str]:
    return [a for a in GROUP_ACTIONS if can_act(user, common_problem, a)]


def can_join(ticket) -> bool:
    """Can this problem join a common problem? Open, not yet with a department, not paused, in no other group."""
    return ticket.status in JOINABLE_TICKET_STATES and ticket.common_problem_id is None and ticket.paused_at is None
