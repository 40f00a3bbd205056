"""Scoped reads of common problems: the only start of every list, lookup and count of them."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User
from app.companies.models import Company
from app.extensions import db
from app.search.similarity import cosine, problem_text, tfidf_vectors
from app.tickets.models import Ticket

from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem, CommonProblemEvent

JOIN_MIN_SCORE = 0.15    # as app.search.common's grouping: alike enough to be the same need
JOIN_GROUPS_READ = 50    # the newest open common problems a problem is compared with


def visible_common_problems(user: User) -> sa.Select:
    """Common problems `user` may see: managers and admins all; a helper those dispatched to their department;
    an escort those holding a problem of a company assigned to them; a company user none."""
    stmt = sa.select(CommonProblem)
    if user.role in (Role.ADMIN, Role.MANAGER):
        return stmt
    if user.role == Role.HELPER and user.department_id:
        from app.tickets.models import TicketCoDepartment

        # …and those naming it as a 协办 co-department (its open row of the current dispatch).
        helping = sa.select(TicketCoDepartment.common_problem_id).where(
            TicketCoDepartment.department_id == user.department_id, TicketCoDepartment.ended_at.is_(None),
            TicketCoDepartment.common_problem_id.is_not(None))
        return stmt.where(sa.or_(CommonProblem.department_id == user.department_id, CommonProblem.id.in_(helping)))
    if user.role == Role.ESCORT:
        return stmt.where(sa.exists().where(
            Ticket.common_problem_id == CommonProblem.id, Company.id == Ticket.company_id,
            Company.escort_id == user.id))
    return stmt.where(sa.false())


def open_count(user: User) -> int:
    """How many common problems `user` may see are not yet answered (the dashboard's link)."""
    return open_counts(user)[0]


def co_owing_condition(user: User):
    """协办待办 among common problems: dispatched or in progress with a co-department's opinion still to come —
    the helper's own department's (a manager: any department's)."""
    from app.tickets.models import TicketCoDepartment

    owing = sa.select(TicketCoDepartment.common_problem_id).where(
        TicketCoDepartment.common_problem_id.is_not(None), TicketCoDepartment.ended_at.is_(None),
        TicketCoDepartment.opinion_at.is_(None))
    if user.role == Role.HELPER:
        owing = owing.where(TicketCoDepartment.department_id == user.department_id)
    return sa.and_(CommonProblem.status.in_(("dispatched", "in_progress")), CommonProblem.id.in_(owing))


def open_counts(user: User, now=None) -> tuple[int, int, int]:
    """(not yet answered, of which past their current deadline, of which under supervision 督办) among the
    common problems `user` may see: one statement (the dashboard; each group once)."""
    from app.core.db import utcnow

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    late = sa.and_(CommonProblem.due_at.is_not(None), CommonProblem.due_at < (now or utcnow()))
    row = db.session.execute(visible_common_problems(user).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES))
                             .with_only_columns(sa.func.count(), count_if(late),
                                                count_if(CommonProblem.supervision.is_not(None)))
                             .order_by(None)).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def counts_for(ids) -> dict[int, tuple[int, int]]:
    """common problem id → (members, companies), for a page of them in one aggregate query."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Ticket.common_problem_id, sa.func.count(), sa.func.count(sa.distinct(Ticket.company_id)))
        .where(Ticket.common_problem_id.in_(list(ids))).group_by(Ticket.common_problem_id))
    return {group_id: (members, companies) for group_id, members, companies in rows}


def members(common_problem: CommonProblem) -> list[Ticket]:
    """The member problems with their company and town (one query)."""
    return db.session.scalars(
        sa.select(Ticket).where(Ticket.common_problem_id == common_problem.id)
        .options(joinedload(Ticket.company).joinedload(Company.town), joinedload(Ticket.company).joinedload(Company.escort))
        .order_by(Ticket.id)
    ).unique().all()


def timeline(common_problem: CommonProblem) -> sa.Select:
    return (sa.select(CommonProblemEvent).where(CommonProblemEvent.common_problem_id == common_problem.id)
            .options(joinedload(CommonProblemEvent.actor)).order_by(CommonProblemEvent.id))


def likely_group(ticket: Ticket) -> tuple[CommonProblem, float] | None:
    """The open common problem this problem most likely belongs to (its text alike to the group's title,
    description and members' titles, TF-IDF cosine of app.search.similarity), or None. Two queries."""
    groups = db.session.scalars(
        sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES))
        .order_by(CommonProblem.id.desc()).limit(JOIN_GROUPS_READ)).all()
    if not groups:
        return None
    titles: dict[int, list[str]] = {g.id: [] for g in groups}
    for group_id, title in db.session.execute(
            sa.select(Ticket.common_problem_id, Ticket.title).where(Ticket.common_problem_id.in_(list(titles)))):
        titles[group_id].append(title)
    texts = [problem_text(ticket.title, ticket.description)] + [
        problem_text(g.title, g.description + "。" + "。".join(titles[g.id])) for g in groups]
    vectors = tfidf_vectors(texts)
    best = max(((cosine(vectors[0], v), g) for g, v in zip(groups, vectors[1:], strict=True)),
               key=lambda pair: (pair[0], pair[1].id))
    return (best[1], round(min(best[0], 1.0), 3)) if best[0] >= JOIN_MIN_SCORE else None


def ticket_panel(user: User, ticket: Ticket) -> dict:
    """What a problem's staff page shows about common problems: the group it is in (已并入共性问题 GX-…, a link
    for those who may see the group), or an open group it likely belongs to (可能属于共性问题 GX-…，加入)."""
    from app.common_problems import permissions

    if user.role not in Role.STAFF:
        return {}
    if ticket.common_problem_id is not None:
        group = db.session.get(CommonProblem, ticket.common_problem_id)
        return {"group": group, "can_view_group": permissions.can_view_common_problem(user, group)}
    if not permissions.can_join(ticket):
        return {}
    found = likely_group(ticket)
    if found is None:
        return {}
    group, score = found
    if not permissions.can_view_common_problem(user, group):
        return {}
    return {"suggested": group, "score": score, "can_join": permissions.can_manage_members(user, group)}
