"""共性问题 lifecycle: 已办结 (closed) state and closed_at; the sweep's notice markers

A common problem becomes closed once every member problem is finished after the reply, and the sweep
tells its department and the managers once per deadline that it is overdue or due soon (the markers).

Revision ID: 0028_common_problem_lifecycle
Revises: 0027_co_department_notices
Create Date: 2026-12-06 19:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_common_problem_lifecycle'
down_revision = '0027_co_department_notices'
branch_labels = None
depends_on = None

OLD = "status IN ('escalated','dispatched','in_progress','replied')"
NEW = "status IN ('escalated','dispatched','in_progress','replied','closed')"


def upgrade():
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('overdue_notified_for', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_soon_notified_for', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_common_problems_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_common_problems_status_known'), NEW)


def downgrade():
    op.execute("UPDATE common_problems SET status = 'replied' WHERE status = 'closed'")
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_common_problems_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_common_problems_status_known'), OLD)
        batch_op.drop_column('due_soon_notified_for')
        batch_op.drop_column('overdue_notified_for')
        batch_op.drop_column('closed_at')
