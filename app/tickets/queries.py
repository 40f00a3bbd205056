"""Scoped reads of problems: the only start of every problem list, count, lookup and export."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.companies.models import Company
from app.companies.queries import search_companies, visible_companies
from app.core.db import in_computed_first
from app.core.timeutil import end_of_local_day, local_date, start_of_local_day
from app.core.workdays import add_working_days
from app.extensions import db
from app.reference.models import Department
from app.search import similarity
from app.search.queries import search_condition
from app.tickets.permissions import co_department_tickets, sees_every_problem, ticket_scope, ticket_scope_arms
from app.tickets.models import (
    OPEN_STATES, SLA_STATES, Attachment, ExtensionRequest, SavedView, Ticket, TicketCoDepartment, TicketEvent,
)


def visible_tickets(user: User, *, history: bool = False, status_first: bool = False) -> sa.Select:
    """Problems `user` may see (the one rule: permissions.ticket_scope). history: with the problems of
    companies an escort served before (read only: a problem's page, never a list to work on). status_first: the
    caller keeps only open problems in a few states (permissions.open_co_department_of)."""
    return sa.select(Ticket).where(ticket_scope(user, history=history, status_first=status_first))


def _keeps_open_states(filters: dict) -> bool:
    """Whether a list's conditions keep only open problems in a few states (待我处理, overdue, due soon, 协办待办,
    not closed, or one open status): the viewer's scope is then best read by status first
    (permissions.open_co_department_of)."""
    return bool(filters.get("mine") or filters.get("overdue") or filters.get("due_soon") or filters.get("co_owing")
                or filters.get("open_only") or filters.get("status") in OPEN_STATES)


def list_scope(user: User, filters: dict, *, searching: bool = False) -> tuple[sa.Select, list | None]:
    """The problem list's start: the problems `user` may see, and arms — conditions whose OR is that scope
    (permissions.ticket_scope_arms) — for keyset_page to read each in its own index order and keep the first rows
    of them all (app.core.pagination), or None: the scope read as one.

    Arms only for the plain list (no condition, no search): under a condition few rows meet, walking each arm in
    order would read all of it. A list whose conditions keep only open problems in a few states reads the scope
    by status first (_keeps_open_states), unless it is a search.

    An escort's on PostgreSQL: one arm per company they serve, each company's problems read from its own index
    (company, created), a page's worth each, and the scope said as the OR of those arms. As one condition,
    PostgreSQL's cost model (random_page_cost 4) walked every problem newest first for the escort's 0.2 %: 28,000
    problems for a page, 45 ms at 1,000,000 (docs/benchmarks.md). SQLite reads them by company anyway, and the
    twenty arms' statement cost more to build than it saved. A helper's on SQLite: their department's and their
    co-department problems (21 → 11 ms at 200,000), the second walked in the list's order from the partial indexes of
    the problems with co-departments (migration 0041: the page's ids 9.3 → 3.8 ms); PostgreSQL reads that OR as one
    bitmap of two indexes, faster than its plans for the two arms."""
    if searching or any(filters.values()):
        return visible_tickets(user, status_first=not searching and _keeps_open_states(filters)), None
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    arms = ticket_scope_arms(user, by_company=postgresql)
    if len(arms) < 2 or (postgresql and user.role == Role.HELPER):
        return visible_tickets(user), None
    scope = sa.select(Ticket).where(sa.or_(*arms))
    if user.role == Role.HELPER:
        # Each arm read on its own walks the list's order (the co-department one from its partial indexes); the
        # scope as one (the count) keeps reading the requests by key.
        arms = ticket_scope_arms(user, in_order=True)
    return scope, arms


def co_owing_condition(user: User):
    """协办待办: a co-department still owes its sign or opinion on a problem being handled (for a helper,
    their department)."""
    department = user.department_id if user.role == Role.HELPER else None
    return sa.and_(Ticket.status.in_(("dispatched", "in_progress")),
                   Ticket.id.in_(co_department_tickets(department, owing=True)))


def load_co_departments(tickets, *, always: bool = False) -> None:
    """Attach every co-department row (with its department) to these problems in one query, skipped when
    none of them has co-departments (permissions and pages then read them without a query each).

    `always`: one query whenever there are problems, whether or not any has co-departments (a list page's
    query count then depends on neither the data nor the page size)."""
    from sqlalchemy.orm.attributes import set_committed_value

    wanted = {t.id: t for t in tickets if (always or t.co_department_count) and "co_departments" not in t.__dict__}
    if not wanted:
        return
    rows = db.session.scalars(
        sa.select(TicketCoDepartment).where(TicketCoDepartment.ticket_id.in_(wanted))
        # Who gave an opinion is shown by name only: their whole account, with its department joined to it, was
        # two thirds of a list page's co-department load (issue 14).
        .options(joinedload(TicketCoDepartment.department),
                 joinedload(TicketCoDepartment.opinion_by).load_only(User.name).lazyload(User.department))
        .order_by(TicketCoDepartment.id)).all()
    by_ticket = {ticket_id: [] for ticket_id in wanted}
    for row in rows:
        by_ticket[row.ticket_id].append(row)
    for ticket_id, ticket in wanted.items():
        set_committed_value(ticket, "co_departments", by_ticket[ticket_id])


def with_list_loads(stmt: sa.Select) -> sa.Select:
    """What a row of a problem list shows besides the problem: its company's name, its department's and its
    helper's names — only those columns (and the keys the permission checks read), in the same statement. A
    list of 50 loaded every column of the company, its town and its escort, the department and the helper's
    whole account: about half of the rows' loading time (issue 14). A column not named here is read when first
    used (one statement), so a page that needs more names it in its own loads (with_detail_loads). The
    helper's department (joined wherever an account is loaded) is left to its first use: a row shows the
    problem's own department."""
    return stmt.options(
        joinedload(Ticket.company).load_only(Company.name, Company.escort_id, Company.town_id),
        joinedload(Ticket.department).load_only(Department.name),
        joinedload(Ticket.helper).load_only(User.name).lazyload(User.department),
    )


def similar_problems(user: User, ticket: Ticket) -> list:
    """The problems most like `ticket` within `user`'s scope, with what a list row shows (the problem page's panel and
    the API): looked for among the scope's own problems when the user does not see every problem."""
    return similarity.similar_problems(visible_tickets(user), ticket, load=with_list_loads,
                                       narrow=not sees_every_problem(user))


def with_detail_loads(stmt: sa.Select) -> sa.Select:
    """A problem's own page: its company with town and escort, department, helper, escort and author, whole."""
    return stmt.options(
        joinedload(Ticket.company).joinedload(Company.town),
        joinedload(Ticket.company).joinedload(Company.escort),
        joinedload(Ticket.department),
        joinedload(Ticket.helper),
        joinedload(Ticket.escort),
        joinedload(Ticket.created_by),
    )


# "待我处理": the states in which each role owes the next step.
AWAITING = {
    Role.ESCORT: ("submitted", "accepted"),
    Role.MANAGER: ("escalated",),
    Role.ADMIN: ("escalated",),
    Role.HELPER: ("dispatched", "in_progress"),
    Role.COMPANY: ("replied",),
}


def awaiting_states(user: User) -> tuple[str, ...]:
    """The states in which `user` owes the next step (待我处理)."""
    return AWAITING.get(user.role, ())


def due_soon_until(now: datetime) -> datetime:
    """End (local) of the next working day: a step due between now and then is "due within one working day"
    (the sweep's due-soon notice uses the same horizon)."""
    return end_of_local_day(add_working_days(local_date(now), 1))


def _on_local_days(column, start: date | None, end: date | None):
    """column within the local dates [start, end] (inclusive; either end open)."""
    conditions = []
    if start:
        conditions.append(column >= start_of_local_day(start))
    if end:
        conditions.append(column < start_of_local_day(end + timedelta(days=1)))
    return sa.and_(*conditions)


def filter_tickets(stmt: sa.Select, user: User, *, now: datetime, status=None, category=None, department_id=None,
                   company_id=None, company=None, company_category=None, town_id=None, overdue=False, supervised=False,
                   mine=False, q=None, open_only=False, due_soon=False, extension_pending=False, rating=None,
                   created_from=None, created_to=None, closed_from=None, closed_to=None,
                   rated_from=None, rated_to=None, tag=None, co_owing=False, common=None) -> sa.Select:
    """Narrow a scoped ticket select by the list's filters.

    company: text typed into the list's company box: problems of the companies `user` may see whose
    name contains it or whose credit code is it (see search_companies), as one IN (subquery).
    open_only: status in OPEN_STATES (not yet closed, rejected or withdrawn).
    department_id: at that department (its lead), or a member of a 共性问题 at it not yet answered.
    overdue: a step owed (SLA_STATES) with due_at < now. due_soon: a step owed with
    now <= due_at <= due_soon_until(now). *_from/*_to: local dates, inclusive, on created_at,
    closed_at, rated_at. extension_pending: an extension request awaits a manager's decision.
    q: full-text search (app.search.queries): every word in the number, title, description, answer or
    public timeline text, or, for staff, an internal note.
    tag: the problem carries this tag (app.tickets.tags; normalised as when it was added).
    co_owing (协办待办): dispatched or in progress with a co-department's sign or opinion still to come —
    for a helper, their own department's.
    """
    if status:
        stmt = stmt.where(Ticket.status == status)
    if category:
        stmt = stmt.where(Ticket.category == category)
    if department_id:
        # A member of a 共性问题 not yet answered is at its group's department (as the dashboard counts it).
        from app.common_problems.models import CommonProblem  # common problems build on tickets

        stmt = stmt.where(sa.or_(Ticket.department_id == department_id, sa.and_(
            Ticket.department_id.is_(None), Ticket.common_problem_id.in_(
                sa.select(CommonProblem.id).where(CommonProblem.department_id == department_id)))))
    if company_id:
        stmt = stmt.where(Ticket.company_id == company_id)
    if company:
        matching = search_companies(visible_companies(user), company).with_only_columns(Company.id)
        stmt = stmt.where(Ticket.company_id.in_(matching))
    if company_category or town_id:
        companies = sa.select(Company.id)
        if company_category:
            companies = companies.where(Company.category == company_category)
        if town_id:
            companies = companies.where(Company.town_id == town_id)
        stmt = stmt.where(Ticket.company_id.in_(companies))
    if overdue:
        stmt = stmt.where(Ticket.status.in_(SLA_STATES), Ticket.due_at < now)
    if supervised:
        stmt = stmt.where(sa.or_(Ticket.supervision.is_not(None), Ticket.reopen_count >= 2))
    if mine:
        states = awaiting_states(user)
        # A member of a 共性问题 owes nothing on its own (its group does), unless its company must rate it.
        condition = sa.and_(Ticket.status.in_(states),
                            sa.or_(Ticket.common_problem_id.is_(None), Ticket.status == "replied"))
        if user.role == Role.HELPER:
            condition = sa.and_(condition, Ticket.department_id == user.department_id,
                                sa.or_(Ticket.helper_id.is_(None), Ticket.helper_id == user.id))
            if user.department_id:  # 协办: its own sign or opinion still owed
                # The department's owed requests computed first (PostgreSQL: = ANY(ARRAY(…))), so that the lead
                # department's problems and these are read by index as one bitmap: as IN (…), a hashed subplan,
                # the page walked every open problem of the district to test each (21,400 at 1,000,000 problems:
                # 19 → 10 ms a statement, docs/benchmarks.md). SQLite: IN (…), as before.
                condition = sa.or_(condition, sa.and_(Ticket.status.in_(states), in_computed_first(
                    Ticket.id, co_department_tickets(user.department_id, owing=True))))
        if user.role in (Role.MANAGER, Role.ADMIN):
            pending = sa.select(ExtensionRequest.ticket_id).where(ExtensionRequest.status == "pending")
            condition = sa.or_(condition, Ticket.id.in_(pending))
        stmt = stmt.where(condition)
    if q:
        condition = search_condition(user, q, db.session)
        if condition is not None:
            stmt = stmt.where(condition)
    if open_only:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATES))
    if due_soon:
        stmt = stmt.where(Ticket.status.in_(SLA_STATES), Ticket.due_at >= now, Ticket.due_at <= due_soon_until(now))
    if extension_pending:
        stmt = stmt.where(Ticket.id.in_(
            sa.select(ExtensionRequest.ticket_id).where(ExtensionRequest.status == "pending")))
    if rating:
        stmt = stmt.where(Ticket.rating == rating)
    if co_owing:
        stmt = stmt.where(co_owing_condition(user))
    if common == "1":  # members of a 共性问题 (the list's filter)
        stmt = stmt.where(Ticket.common_problem_id.is_not(None))
    elif common == "0":
        stmt = stmt.where(Ticket.common_problem_id.is_(None))
    if tag:
        from app.tickets.tags import tagged  # tags -> services -> queries

        stmt = stmt.where(tagged(tag))
    for column, start, end in ((Ticket.created_at, created_from, created_to), (Ticket.closed_at, closed_from, closed_to),
                               (Ticket.rated_at, rated_from, rated_to)):
        if start or end:
            stmt = stmt.where(_on_local_days(column, start, end))
    return stmt


def pending_extension(ticket: Ticket) -> sa.Select:
    return sa.select(ExtensionRequest).where(
        ExtensionRequest.ticket_id == ticket.id, ExtensionRequest.status == "pending"
    )


def timeline(ticket: Ticket, *, include_internal: bool) -> sa.Select:
    stmt = (
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .options(joinedload(TicketEvent.actor), selectinload(TicketEvent.attachments))
        .order_by(TicketEvent.id)
    )
    if not include_internal:
        stmt = stmt.where(TicketEvent.public.is_(True))
    return stmt


def ticket_attachments(ticket: Ticket, *, include_internal: bool) -> sa.Select:
    stmt = sa.select(Attachment).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
    if not include_internal:
        stmt = stmt.where(Attachment.public.is_(True))
    return stmt


def company_problems(user: User, company: Company, *, open_: bool, limit: int = 10) -> sa.Select:
    """One company's problems as `user` may see them (the company page's briefing): the open ones by
    deadline (most urgent first), or the finished ones most recently changed first."""
    stmt = visible_tickets(user, history=True).where(Ticket.company_id == company.id)
    if open_:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATES)).order_by(
            Ticket.due_at.is_(None), Ticket.due_at, Ticket.id)
    else:
        stmt = stmt.where(Ticket.status.not_in(OPEN_STATES)).order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    return stmt.limit(limit)


def visible_saved_views(user: User) -> sa.Select:
    """The user's own saved views of the problem list, by name (nobody sees another person's)."""
    return sa.select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name, SavedView.id)
