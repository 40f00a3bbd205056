"""Indexes the ranking aggregates read by (no tables of its own).

Every ranking metric filters on an event time falling in the period. Tickets had an index on
created_at only; closing and rating times, and the dispatch time on its own, get one here so
that each aggregate is a range scan, not a table scan. (Declared here rather than in
app/tickets/models.py because rankings are their only reader; migration 0004_rankings.)
"""
import sqlalchemy as sa

from app.tickets.models import DispatchRecord, Ticket

# "Closed in the period" is status = 'closed' AND closed_at in range: one composite range scan.
ix_tickets_status_closed = sa.Index(
    "ix_tickets_status_closed", Ticket.__table__.c.status, Ticket.__table__.c.closed_at
)
ix_tickets_rated_at = sa.Index("ix_tickets_rated_at", Ticket.__table__.c.rated_at)
ix_dispatch_records_dispatched_at = sa.Index(
    "ix_dispatch_records_dispatched_at", DispatchRecord.__table__.c.dispatched_at
)
