"""The past months' summary rows (app.monitoring.models.TicketMonthCount), rebuilt by `flask tickets sweep`."""
from datetime import date, datetime

import sqlalchemy as sa

from app.core.db import utcnow
from app.core.timeutil import local_date, start_of_local_day
from app.extensions import db
from app.monitoring.models import TicketMonthCount
from app.tickets.models import Ticket

CHUNK = 24  # months per statement (two scalar subqueries each)


def month_first(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def count_months(stmt: sa.Select, firsts: list[date]) -> list[tuple[int, int]]:
    """(created, closed) for each month [firsts[i], firsts[i + 1]) of the problems `stmt` selects, in one
    statement: a COUNT over each month's range of the created_at index and of the (status, closed_at) index."""
    bounds = [start_of_local_day(first) for first in firsts]
    created = [stmt.where(Ticket.created_at >= bounds[i], Ticket.created_at < bounds[i + 1])
               .with_only_columns(sa.func.count()).order_by(None).scalar_subquery() for i in range(len(bounds) - 1)]
    closed = [stmt.where(Ticket.status == "closed", Ticket.closed_at >= bounds[i], Ticket.closed_at < bounds[i + 1])
              .with_only_columns(sa.func.count()).order_by(None).scalar_subquery() for i in range(len(bounds) - 1)]
    if not created:
        return []
    row = db.session.execute(sa.select(*created, *closed)).one()
    n = len(created)
    return [(int(row[i] or 0), int(row[n + i] or 0)) for i in range(n)]


def rebuild_month_counts(now: datetime | None = None) -> int:
    """Every month from the first problem's to the one before the current (local) month, counted afresh over
    all problems; the table's rows replaced in the caller's transaction. Returns the number of rows."""
    now = now or utcnow()
    current = month_first(local_date(now))
    earliest = db.session.scalar(sa.select(sa.func.min(Ticket.created_at)))
    db.session.execute(sa.delete(TicketMonthCount))
    if earliest is None:
        return 0
    firsts = [month_first(local_date(earliest))]
    while firsts[-1] < current:
        firsts.append(month_first(firsts[-1], -1))
    rows = []
    for start in range(0, len(firsts) - 1, CHUNK):
        chunk = firsts[start:start + CHUNK + 1]
        for first, (created, closed) in zip(chunk, count_months(sa.select(Ticket), chunk)):
            rows.append({"month": first, "created": created, "closed": closed, "computed_at": now})
    if rows:
        db.session.execute(sa.insert(TicketMonthCount), rows)
    return len(rows)


def stored_months(first: date, before: date) -> dict[date, tuple[int, int]]:
    """{month: (created, closed)} of the summary rows with first <= month < before (one statement)."""
    return {m: (created, closed) for m, created, closed in db.session.execute(
        sa.select(TicketMonthCount.month, TicketMonthCount.created, TicketMonthCount.closed)
        .where(TicketMonthCount.month >= first, TicketMonthCount.month < before))}
