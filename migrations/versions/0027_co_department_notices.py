"""协办 notices: the sweep's markers on ticket_co_departments

due_soon_notified_for / overdue_notified_for: the co-department was told its step (sign or opinion)
is due soon / overdue, once per deadline; lead_notified_for: the lead department was told the
co-department's opinion is overdue (it may reply), once per opinion deadline.

Revision ID: 0027_co_department_notices
Revises: 0024_ticket_month_counts
Create Date: 2026-12-06 19:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_co_department_notices'
down_revision = '0024_ticket_month_counts'
branch_labels = None
depends_on = None

COLUMNS = ('due_soon_notified_for', 'overdue_notified_for', 'lead_notified_for')


def upgrade():
    for name in COLUMNS:
        op.add_column('ticket_co_departments', sa.Column(name, sa.DateTime(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL), as 0017 does.
    for name in reversed(COLUMNS):
        op.drop_column('ticket_co_departments', name)
