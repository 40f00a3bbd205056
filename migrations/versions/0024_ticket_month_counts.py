"""past months' problem counts (ticket_month_counts)

Summary rows the dashboard's 12-month trend reads for the months before the current one (they no longer
change); `flask tickets sweep` rebuilds them. Issue 14.

Revision ID: 0024_ticket_month_counts
Revises: 0021_saved_views_former_names
Create Date: 2026-12-06 04:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024_ticket_month_counts'
down_revision = '0021_saved_views_former_names'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_month_counts',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('closed', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('month', name='pk_ticket_month_counts'),
    )


def downgrade():
    op.drop_table('ticket_month_counts')
