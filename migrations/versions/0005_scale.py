"""scale: composite indexes the long lists page through (keyset pagination)

Revision ID: 0005_scale
Revises: 0004_rankings
Create Date: 2026-11-29 15:59:49.358524

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_scale'
down_revision = '0004_rankings'
branch_labels = None
depends_on = None


def upgrade():
    # Each list's filter followed by its order (app/core/list_indexes.py says which list reads which).
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_newest', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_actor_newest', ['actor_id', 'id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_department_created', ['department_id', 'created_at', 'company_id'],
                              unique=False)
        batch_op.create_index('ix_tickets_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_rated_rating', ['rated_at', 'rating'], unique=False)
        batch_op.create_index('ix_tickets_open_facts', ['status', 'due_at', 'category', 'department_id', 'company_id',
                                                        'created_at', 'supervision', 'reopen_count'], unique=False)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_visited_on', ['visited_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_visited_on')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_open_facts')
        batch_op.drop_index('ix_tickets_rated_rating')
        batch_op.drop_index('ix_tickets_status_created')
        batch_op.drop_index('ix_tickets_department_created')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_created')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_actor_newest')
        batch_op.drop_index('ix_audit_log_action_newest')
