"""audit log: drop the single-column indexes on action and actor_id

(action, id) and (actor_id, id) from 0005 serve every lookup they did — on SQLite a secondary index
already ends with the rowid, so each pair was the same index twice — and every audit row written
(one per change) paid for both.

Revision ID: 0006_audit_indexes
Revises: 0005_scale
Create Date: 2026-11-29 19:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_audit_indexes'
down_revision = '0005_scale'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action')
        batch_op.drop_index('ix_audit_log_actor_id')


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_log_action', ['action'], unique=False)
