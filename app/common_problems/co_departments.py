"""协办 on a common problem (共性问题): its dispatch names co-departments like a ticket's, by the ticket's rules,
which live in app.tickets.co_departments (it takes either): each co-department signs (co_sign) and gives its
opinion (co_opinion) on its own working-day clock — signing within the SLA's sign limit, the opinion
within `co_opinion_days` of the dispatch and never after the group's reply deadline; the lead
department's reply waits until every opinion is in or overdue, and a reply given while one is overdue is
flagged (协办意见逾期) on the group's timeline. The rows are ticket_co_departments rows with
common_problem_id set (ticket_id empty), so department rankings count each co-department's timeliness
once per common problem, like the lead's dispatch record. Both actions are rows of the transitions table
and are checked against it like every other group action. This module keeps the group's open rows at hand
(one query a request) for its permissions and page.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.tickets.models import TicketCoDepartment

_LOADED = "_co_rows"


def rows(common_problem) -> list[TicketCoDepartment]:
    """The open co-department rows of the group's current dispatch, with their departments (one query, kept on
    the object for the request; none for a group without co-departments)."""
    loaded = common_problem.__dict__.get(_LOADED)
    if loaded is not None and any("department" not in row.__dict__ for row in loaded):
        loaded = None  # expired by a commit since: read again
    if loaded is None:
        if not common_problem.co_department_count:
            loaded = []
        else:
            loaded = db.session.scalars(
                sa.select(TicketCoDepartment)
                .where(TicketCoDepartment.common_problem_id == common_problem.id,
                       TicketCoDepartment.ended_at.is_(None))
                .options(joinedload(TicketCoDepartment.department), joinedload(TicketCoDepartment.opinion_by))
                .order_by(TicketCoDepartment.id)).all()
        common_problem.__dict__[_LOADED] = loaded
    return loaded


def forget(common_problem) -> None:
    common_problem.__dict__.pop(_LOADED, None)


def row_of(user, common_problem):
    """The open row of `user`'s department, when it is a co-department of the group (None otherwise)."""
    if user is None or user.role != "helper" or not user.department_id:
        return None
    return next((r for r in rows(common_problem) if r.department_id == user.department_id), None)


def awaited(common_problem, now: datetime) -> list[TicketCoDepartment]:
    """Rows whose opinion is still to come within its deadline (the lead's reply waits for them)."""
    return [r for r in rows(common_problem) if r.opinion_at is None and not r.opinion_overdue(now)]

