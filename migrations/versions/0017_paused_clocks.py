"""paused clocks (待企业补充材料): tickets.paused_at, pause_reason, paused_due_at

While a problem waits for the company's documents its clock stops: due_at is cleared and the
stopped deadline kept in paused_due_at; resuming moves the deadlines on by the paused working days.

Revision ID: 0017_paused_clocks
Revises: 0018_ranking_publications
Create Date: 2026-12-06 02:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_paused_clocks'
down_revision = '0018_ranking_publications'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('tickets', sa.Column('paused_at', sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('paused_due_at', sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('pause_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    # Plain DROP COLUMN (SQLite >= 3.35 drops plain columns in place): a batch copy of the table would
    # turn its inline foreign keys into table constraints that 0003's downgrade could not drop.
    op.drop_column('tickets', 'pause_reason')
    op.drop_column('tickets', 'paused_due_at')
    op.drop_column('tickets', 'paused_at')
