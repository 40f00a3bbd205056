"""rankings: indexes on closing (status, closed_at), rating and dispatch times

Revision ID: 0004_rankings
Revises: 0003_visits
Create Date: 2026-11-29 15:09:27.307919

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_rankings'
down_revision = '0003_visits'
branch_labels = None
depends_on = None


def upgrade():
    # Each ranking aggregate filters on one of these times falling in the period.
    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_records_dispatched_at', ['dispatched_at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_status_closed', ['status', 'closed_at'], unique=False)
        batch_op.create_index('ix_tickets_rated_at', ['rated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_rated_at')
        batch_op.drop_index('ix_tickets_status_closed')

    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatch_records_dispatched_at')
