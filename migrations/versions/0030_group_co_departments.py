"""协办 on common problems: ticket_co_departments.common_problem_id, common_problems.co_department_count

A common problem's dispatch names co-departments like a ticket's: their rows are ticket_co_departments
rows with common_problem_id set and ticket_id empty (exactly one of the two, checked).

Revision ID: 0030_group_co_departments
Revises: 0029_search_grams
Create Date: 2026-12-06 20:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030_group_co_departments'
down_revision = '0029_search_grams'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co_department_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('ticket_co_departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('common_problem_id', sa.Integer(), nullable=True))
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(op.f('fk_ticket_co_departments_common_problem_id_common_problems'),
                                    'common_problems', ['common_problem_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_ticket_co_departments_one_subject'),
                                         '(ticket_id IS NULL) <> (common_problem_id IS NULL)')
        batch_op.create_index('ix_ticket_co_departments_common_problem', ['common_problem_id', 'id'], unique=False)


def downgrade():
    op.execute("DELETE FROM ticket_co_departments WHERE ticket_id IS NULL")
    with op.batch_alter_table('ticket_co_departments', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_co_departments_common_problem')
        batch_op.drop_constraint(op.f('ck_ticket_co_departments_one_subject'), type_='check')
        batch_op.drop_constraint(op.f('fk_ticket_co_departments_common_problem_id_common_problems'),
                                 type_='foreignkey')
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('common_problem_id')
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.drop_column('co_department_count')
