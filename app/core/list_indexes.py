"""Composite indexes the long lists page through (keyset pagination, app.core.pagination).

Each list pages by "the next rows after this key" in its order; an index whose columns are
the list's filter followed by its order makes each page a short range scan, whatever the
table size (migration 0005_scale). The indexes other modules already declare are not repeated:
tickets (status, due_at) serves the owing-first part of the problem list, (company_id,
created_at) a company's problems; companies (escort_id | town_id | category, name) the company
list's filters; notifications and audit rows of one user or action come newest first here.
"""
import sqlalchemy as sa

from app.core.models import AuditLog, Notification
from app.tickets.models import Ticket
from app.visits.models import Visit

_tickets = Ticket.__table__.c
# A department's problems newest first (the helper's list); company_id makes it covering for
# "companies with problems at this department" (companies.queries.visible_companies for helpers).
ix_tickets_department_created = sa.Index(
    "ix_tickets_department_created", _tickets.department_id, _tickets.created_at, _tickets.company_id)
# One status newest first (the list filtered by status: closed, rejected …).
ix_tickets_status_created = sa.Index("ix_tickets_status_created", _tickets.status, _tickets.created_at)
# The facts the dashboard counts over open problems (its headline numbers, breakdowns, ageing): with
# them all in the index, each count reads the index alone instead of fetching every open row.
ix_tickets_open_facts = sa.Index(
    "ix_tickets_open_facts", _tickets.status, _tickets.due_at, _tickets.category, _tickets.department_id,
    _tickets.company_id, _tickets.created_at, _tickets.supervision, _tickets.reopen_count)
# Rated in a period, by rating (the dashboard's satisfaction this month, read from the index alone).
ix_tickets_rated_rating = sa.Index("ix_tickets_rated_rating", _tickets.rated_at, _tickets.rating)

# Every visit, newest first (the manager's visit list).
ix_visits_visited_on = sa.Index("ix_visits_visited_on", Visit.__table__.c.visited_on, Visit.__table__.c.id)

# A user's notifications, newest first.
ix_notifications_user_created = sa.Index(
    "ix_notifications_user_created", Notification.__table__.c.user_id, Notification.__table__.c.created_at,
    Notification.__table__.c.id)

# The audit log filtered by actor or by action, newest first.
_audit = AuditLog.__table__.c
ix_audit_log_actor_newest = sa.Index("ix_audit_log_actor_newest", _audit.actor_id, _audit.id)
ix_audit_log_action_newest = sa.Index("ix_audit_log_action_newest", _audit.action, _audit.id)

