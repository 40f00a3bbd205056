"""Who may see and act on a problem. One function per action, shared by pages, API and templates.

The scope of problems is one rule, `ticket_scope(user, history=…)`: a condition on Ticket that
`visible_tickets` selects with and that `can_view_ticket` (with history) and `_serves` plus the
co-department relation (without) mirror in Python; tests/security/test_scope_rules.py holds them equal
over the access-matrix world.
"""
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.ext.compiler import compiles

from app.accounts.models import Role
from app.companies.models import Company
from app.companies.permissions import company_scope, served_before
from app.core.sqlhints import likely
from app.tickets.errors import TicketActionError
from app.tickets.models import (PG_COLUMNS, STATUSES, SUPERVISION_LEVELS, ExtensionRequest, Ticket,
                                TicketCoDepartment)
from app.tickets.transitions import TRANSITIONS, roles_for


def co_department_tickets(department_id, *, owing: bool = False) -> sa.Select:
    """Ids of the problems `department_id` (an id or a bound parameter; None: any department) is an open
    co-department (协办) of; owing: its sign or opinion is still to come."""
    stmt = sa.select(TicketCoDepartment.ticket_id).where(TicketCoDepartment.ended_at.is_(None))
    if department_id is not None:
        stmt = stmt.where(TicketCoDepartment.department_id == department_id)
    if owing:
        owed = TicketCoDepartment.opinion_at.is_(None)
        # A department's requests come from their own index (department, ended_at); told nothing, SQLite took
        # `opinion_at IS NULL` for the selective condition and read every department's requests still owing an
        # opinion (4,836 of 26,123 at 200,000 problems, for the department's few): 待我处理 8-10 ms a statement.
        stmt = stmt.where(likely(owed) if department_id is not None else owed)
    return stmt


class open_co_department_of(sa.sql.expression.ColumnElement):
    """The problem's current dispatch names `department_id` as an open co-department (协办): the second arm of a
    helper's scope.

    PostgreSQL: `tickets.co_department_ids @> ARRAY[id]` — the array of its open co-departments on the problem's
    own row (migration 0040, kept by a trigger) with a GIN index: one bitmap beside the department's own, and a
    walked problem tested in constant time. It was `id = ANY(ARRAY(the department's open requests))`, whose
    8,403 ids at 1,000,000 problems were compared one by one with every walked problem that had co-departments
    (15–20 ms a statement, docs/benchmarks.md). Elsewhere `co_department_count > 0 AND id IN (the requests)`:
    only problems whose current dispatch names co-departments have such rows.

    status_first (SQLite): the statement also keeps only open problems in a few states (a workbench list,
    待我处理, the overdue ones), so the problems are best read by their status and each one tested against the
    department's requests (`+tickets.id IN (…)`: the unary plus keeps SQLite from reading the requests' ids by key
    instead). By key, every problem the department ever helped with was read to test its status — its requests
    stay open after the problem closes (1,615 for one department at 200,000 problems, 2–6 ms a statement).
    Only there: under a condition most problems meet (a search, the plain list) reading by status would walk
    most of the table.

    in_order (SQLite): the condition is an arm the plain list reads on its own, a page at a time in the list's
    order (keyset_page's arms), so the problems with co-departments are walked in that order from their own
    partial indexes (ix_tickets_co_created, ix_tickets_co_due: `co_department_count > 0`, said here word for word
    so that SQLite may use them), each tested against the requests, until the page is full. By key, the
    department's every request was read and its problems sorted for the first fifty (the same 1,615: two
    statements of 3.5–4 ms in each helper's list at 200,000 problems, growing with the department's history)."""

    type = sa.types.NullType()  # (a Boolean would be compared with 1 on SQLite)
    inherit_cache = True
    _traverse_internals = [("id", sa.sql.visitors.InternalTraversal.dp_clauseelement),
                           ("count", sa.sql.visitors.InternalTraversal.dp_clauseelement),
                           ("department", sa.sql.visitors.InternalTraversal.dp_clauseelement),
                           ("by_key", sa.sql.visitors.InternalTraversal.dp_boolean)]

    def __init__(self, department_id: int, *, status_first: bool = False, in_order: bool = False):
        self.id, self.count = Ticket.id, Ticket.co_department_count  # adapted with the statement (aliases)
        self.department = sa.bindparam("co_department_of", int(department_id), type_=sa.Integer, unique=True)
        self.by_key = not (status_first or in_order)  # the problems read by the requests' keys (either: not)


@compiles(open_co_department_of)
def _open_co_department_of(element, compiler, **kw):
    column = element.id
    if not element.by_key:
        column = sa.literal_column("+" + compiler.process(element.id, **kw))
    # `> 0` written out, not bound: the condition of the partial indexes (models.CO_DEPARTMENT_PROBLEMS).
    return compiler.process(sa.and_(element.count > sa.literal_column("0"),
                                    column.in_(co_department_tickets(element.department))), **kw)


@compiles(open_co_department_of, "postgresql")
def _open_co_department_of_postgresql(element, compiler, **kw):
    from sqlalchemy.dialects.postgresql import array

    # The array is a column of the same (possibly aliased) table as the problem's id; not mapped (SQLite has none).
    column = sa.sql.expression.ColumnClause(PG_COLUMNS[0], _selectable=element.id.table)
    return compiler.process(column.op("@>")(array([element.department])), **kw)


def sees_every_problem(user) -> bool:
    """admin/manager: the whole district's problems (ticket_scope is no condition at all)."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def ticket_scope(user, *, history: bool = False, status_first: bool = False):
    """The problems `user` may see, as a condition on Ticket.

    admin/manager: all. escort: the problems of the companies in their company scope (with history,
    those of companies they served before too: read only). helper: problems dispatched to their
    department, and those it is an open co-department (协办) of. company user: its own company's.
    status_first: the statement keeps only open problems in a few states (open_co_department_of).
    """
    if sees_every_problem(user):
        return sa.true()
    if user.role == Role.ESCORT:
        return Ticket.company_id.in_(sa.select(Company.id).where(company_scope(user, history=history)))
    if user.role == Role.HELPER and user.department_id:
        return sa.or_(*ticket_scope_arms(user, status_first=status_first))
    if user.role == Role.COMPANY and user.company_id:
        return Ticket.company_id == user.company_id
    return sa.false()


# An escort's scope is split by company (ticket_scope_arms) up to this many companies.
MAX_COMPANY_ARMS = 60


def ticket_scope_arms(user, *, by_company: bool = False, status_first: bool = False,
                      in_order: bool = False) -> list:
    """Conditions whose OR is ticket_scope(user) (without history), for a list to read each arm in its own index
    order (app.core.pagination.keyset_page's arms): a helper's two; with by_company, an escort's one per company
    they serve now (from 2 to MAX_COMPANY_ARMS: one statement to name them); anyone else's one. in_order: each arm
    is read on its own in the list's order (open_co_department_of)."""
    if user.role == Role.HELPER and user.department_id:
        # The lead department's problems, and those it is an open co-department (协办) of: two conditions each
        # with its own index, which PostgreSQL estimates from the columns' statistics (the department's share).
        return [Ticket.department_id == user.department_id,
                open_co_department_of(user.department_id, status_first=status_first, in_order=in_order)]
    if by_company and user.role == Role.ESCORT:
        from app.extensions import db

        ids = db.session.scalars(sa.select(Company.id).where(company_scope(user)).order_by(Company.id)
                                 .limit(MAX_COMPANY_ARMS + 1)).all()
        if 1 < len(ids) <= MAX_COMPANY_ARMS:
            return [Ticket.company_id == i for i in ids]
    return [ticket_scope(user)]


def company_escort_id(ticket):
    """The escort currently serving the problem's company (uses the loaded company when there is one)."""
    company = ticket.__dict__.get("company")
    if company is not None:
        return company.escort_id
    import sqlalchemy as sa

    from app.companies.models import Company
    from app.extensions import db

    return db.session.scalar(sa.select(Company.escort_id).where(Company.id == ticket.company_id))


def _serves(user, ticket) -> bool:
    """Is `user` in the relation to this problem their role works through (ticket_scope without history,
    but for the co-department relation)?"""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return company_escort_id(ticket) == user.id
    if user.role == Role.HELPER:
        return ticket.department_id is not None and ticket.department_id == user.department_id
    if user.role == Role.COMPANY:
        return ticket.company_id == user.company_id
    return False


def open_co_departments(ticket) -> list:
    """The problem's open 协办 rows (TicketCoDepartment of the current dispatch), from the loaded relation when
    the page or list loaded it; no query for a problem without co-departments."""
    rows = ticket.__dict__.get("co_departments")
    if rows is None:
        if not ticket.co_department_count:
            return []
        from app.tickets.queries import load_co_departments

        load_co_departments([ticket])
        rows = ticket.__dict__["co_departments"]
    return [row for row in rows if row.ended_at is None]


def co_department_row(user, ticket):
    """The open 协办 row of `user`'s department on this problem (None: the user is no co-department's helper)."""
    if user.role != Role.HELPER or not user.department_id:
        return None
    return next((row for row in open_co_departments(ticket) if row.department_id == user.department_id), None)


def _serves_as_co_department(user, ticket) -> bool:
    return co_department_row(user, ticket) is not None


def in_working_scope(user, ticket) -> bool:
    """ticket_scope without history, in Python: the relation of the user's role, or, for a helper, their
    department being an open co-department (协办: it reads the problem and takes its own co-actions, never
    the lead's)."""
    return _serves(user, ticket) or _serves_as_co_department(user, ticket)


def can_view_ticket(user, ticket) -> bool:
    """ticket_scope with history, in Python: the working scope, or, for an escort, a problem of a company
    they served before (read only: every action, comment and upload needs the working relation)."""
    return in_working_scope(user, ticket) or served_before(user, ticket.company_id)


def can_act_through(user, ticket, action: str) -> bool:
    """Does the user stand in the relation `action` is taken through? Co-department actions through an open
    co-department row of the user's department; every other action through the role's own relation."""
    if TRANSITIONS[action].co_department:
        return _serves_as_co_department(user, ticket)
    return _serves(user, ticket)


def can_view_internal(user, ticket) -> bool:
    """Internal notes and internal events are for staff only."""
    return user.role in Role.STAFF and can_view_ticket(user, ticket)


def can_comment_ticket(user, ticket) -> bool:
    """Those who serve the problem; a co-department speaks through its 协办意见 only."""
    return _serves(user, ticket)


def can_add_internal_note(user, ticket) -> bool:
    return can_view_internal(user, ticket) and in_working_scope(user, ticket)


def can_attach_to_ticket(user, ticket) -> bool:
    return _serves(user, ticket) and ticket.status not in ("closed", "rejected", "withdrawn")


def can_download_attachment(user, ticket, attachment) -> bool:
    return can_view_ticket(user, ticket) and (attachment.public or can_view_internal(user, ticket))


def can_create_ticket_for(user, company) -> bool:
    """Company users file for their own company; escorts for assigned companies; managers for any."""
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role == Role.ESCORT:
        return company.escort_id == user.id
    if user.role == Role.COMPANY:
        return company.id == user.company_id
    return False


def role_may(user, ticket, action: str) -> bool:
    """The transitions table allows this role here, and the user stands in the relation the action needs."""
    return user.role in roles_for(action, ticket.status) and can_act_through(user, ticket, action)


def _pending_extension(ticket):
    from app.extensions import db

    return db.session.scalars(sa.select(ExtensionRequest).where(
        ExtensionRequest.ticket_id == ticket.id, ExtensionRequest.status == "pending")).first()


_LOAD = object()  # require_action loads the pending extension request itself when the action needs it


def action_refusal(user, ticket, action: str, *, pending_extension=_LOAD, now=None):
    """Why `user` may not take `action` on `ticket` now (state, role, relation and the action's own rule),
    as a TicketActionError with a reason code and a message; None when they may. The one place these rules
    live: can_perform answers with it, require_action (every service's check) raises it.
    `pending_extension`: the problem's pending extension request or None, when the caller loaded it;
    `now`: the time of the action (whether a co-department's opinion is still awaited)."""
    def refused(message, status, code=None):
        return TicketActionError(message, status, code=code)

    transition = TRANSITIONS.get(action)
    if transition is None:
        return refused(_("未知的操作。"), 400, "unknown_action")
    label = str(transition.label)
    if not in_working_scope(user, ticket):
        return refused(_("您无权处理该问题。"), 403)
    if not can_act_through(user, ticket, action):  # 协办: a co-department's own actions only
        if transition.co_department:
            return refused(_("只有协办部门可以执行“%(action)s”。", action=label), 403)
        return refused(_("贵部门是该问题的协办部门，不能执行“%(action)s”（由承办部门办理）。", action=label), 403)
    grouped = ticket.common_problem_id is not None and action not in GROUPED_MAY
    if grouped and user.role != Role.COMPANY:
        # Staff are told why (the company never learns of the group: it is refused by its state below).
        if action == "pause":
            from app.common_problems.services import PAUSE_REFUSED

            return refused(PAUSE_REFUSED(), 409)
        return refused(_("该问题已并入共性问题，由共性问题统一办理。"), 409)
    refusal = step_refusal(user, action, ticket.status)
    if refusal is not None:
        return refusal
    if grouped:
        return refused(_("该问题已并入共性问题，由共性问题统一办理。"), 409)
    if action == "resume" and ticket.paused_at is None:
        return refused(_("该问题未暂停计时。"), 409)
    if ticket.paused_at is not None and action in PAUSE_BLOCKS:
        return refused(_("该问题正在等待企业补充材料（已暂停计时），请先恢复计时。"), 409)
    if action in ("request_extension", "decide_extension"):
        pending = _pending_extension(ticket) if pending_extension is _LOAD else pending_extension
        refusal = extension_refusal(action, pending is not None)
        if refusal is not None:
            return refusal
    if action == "supervise" and ticket.supervision == "flagged":
        return refused(_("该问题已处于“%(level)s”，只能提升督办级别。", level=str(SUPERVISION_LEVELS["flagged"])), 409)
    if action in ("co_sign", "co_opinion"):
        return co_step_refusal(action, co_department_row(user, ticket))
    if action == "reply" and ticket.status == "in_progress":
        return opinions_refusal(awaited_co_opinions(ticket, now))
    return None


# The rules a problem's and a 共性问题's action gates share (app.common_problems.permissions.action_refusal).

def step_refusal(user, action: str, status: str, *, group: bool = False):
    """What the transitions table says against `user` taking `action` in `status`: 403 when the role never
    takes it, 409 when not in this state; None when it may."""
    transition = TRANSITIONS[action]
    label = str(transition.label)
    if user.role not in set().union(*transition.sources.values()):
        return TicketActionError(_("您的角色不能对问题执行“%(action)s”。", action=label), 403)
    if user.role not in roles_for(action, status):
        message = (_("共性问题当前状态为“%(status)s”，不能执行“%(action)s”。", status=str(STATUSES[status]), action=label)
                   if group else
                   _("问题当前状态为“%(status)s”，不能执行“%(action)s”。", status=str(STATUSES[status]), action=label))
        return TicketActionError(message, 409)
    return None


def extension_refusal(action: str, pending: bool):
    """One extension request at a time; a decision needs one to decide."""
    if action == "request_extension" and pending:
        return TicketActionError(_("已有一项延期申请在审批中。"), 409)
    if action == "decide_extension" and not pending:
        return TicketActionError(_("没有待审批的延期申请。"), 409)
    return None


def co_step_refusal(action: str, row):
    """A co-department (协办) signs once, then gives its opinion once."""
    if action == "co_sign" and row.signed_at is not None:
        return TicketActionError(_("贵部门已签收该协办问题。"), 409)
    if action == "co_opinion" and row.signed_at is None:
        return TicketActionError(_("请先签收该协办问题，再提交协办意见。"), 409)
    if action == "co_opinion" and row.opinion_at is not None:
        return TicketActionError(_("贵部门已提交协办意见。"), 409)
    return None


def opinions_refusal(awaited_rows):
    """The lead replies once every co-department's opinion is in or overdue."""
    from app.tickets.co_departments import _names
    if not awaited_rows:
        return None
    return TicketActionError(_("尚待协办部门提交意见：%(names)s。请在其提交意见或逾期后再答复。",
                               names="、".join(_names([row.department_id for row in awaited_rows]))), 409,
                             code="co_opinions_pending")


def can_perform(user, ticket, action: str, *, pending_extension=None) -> bool:
    """May `user` take `action` on `ticket` now? (action_refusal finds no reason against it; the page and
    the API pass the pending extension request they loaded, or None.)"""
    return action_refusal(user, ticket, action, pending_extension=pending_extension) is None


def require_action(user, ticket, action: str, *, pending_extension=_LOAD, now=None) -> None:
    """Raise action_refusal's TicketActionError (reason code, message, HTTP status) unless `user` may take
    `action` on `ticket` now."""
    refusal = action_refusal(user, ticket, action, pending_extension=pending_extension, now=now)
    if refusal is not None:
        raise refusal


# While paused, the clock-bound steps wait for the resume (replying, returning and dispatching still may not
# happen silently on a stopped clock: resume first). Pausing again is refused too.
PAUSE_BLOCKS = ("pause", "sign", "request_extension", "decide_extension", "escalate", "return", "reply", "dispatch")


def awaited_co_opinions(ticket, now=None) -> list:
    """The co-departments whose opinion the lead's reply still waits for: not given and not yet overdue
    (an overdue one no longer holds the reply up; the reply is then flagged 协办意见逾期)."""
    from app.core.db import utcnow

    now = now or utcnow()
    return [row for row in open_co_departments(ticket) if row.opinion_at is None and not row.opinion_overdue(now)]


# A member of a 共性问题 is handled through the group (app.common_problems); once the group's reply has
# reached it, its company rates it on its own.
GROUPED_MAY = ("rate",)


def allowed_actions(user, ticket, *, pending_extension=None) -> list[str]:
    return [a for a in TRANSITIONS if can_perform(user, ticket, a, pending_extension=pending_extension)]


def can_file_tickets(user) -> bool:
    """Does can_create_ticket_for admit the user for some company (the list's 登记问题 button)? Helpers file
    nothing; company users file in the portal."""
    return user.role in (Role.ADMIN, Role.MANAGER, Role.ESCORT)


def can_use_staff_problem_pages(user) -> bool:
    """The staff's problem pages and their parts (list, problem page, new problem, tags, similar problems);
    company users have the portal's own."""
    return user.is_staff


def files_for_own_company(user) -> bool:
    """A company user files for its own company only (a company_id it sends is ignored); staff name one."""
    return user.role == Role.COMPANY


def can_see_department_suggestions(user) -> bool:
    """The department suggestions (交办建议) are for those who dispatch: managers and admins."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def works_through_department(user) -> bool:
    """A helper: lists show their department's clocks and its 协办 rows."""
    return user.role == Role.HELPER


def can_export_tickets(user) -> bool:
    """Staff export the ledger of the problems they can see (always through visible_tickets)."""
    return user.role in Role.STAFF


def can_tag_ticket(user, ticket) -> bool:
    """Staff serving the problem add and remove its tags (companies never see them; co-departments do not tag)."""
    return user.role in Role.STAFF and _serves(user, ticket)


def can_bulk_act_on_tickets(user) -> bool:
    """Select problems on the list and 督办, tag or export them together: the task force (managers) and
    admins. Each selected problem is still checked with its action's own function (can_perform,
    can_tag_ticket)."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def can_save_ticket_views(user) -> bool:
    """Saved views are conditions of the staff problem list, each person's own."""
    return user.role in Role.STAFF


def can_manage_saved_view(user, view) -> bool:
    """Only a view's owner renames or deletes it (others never even load it: visible_saved_views)."""
    return view.user_id == user.id
