"""共性问题: common_problems, their timeline, tickets' membership, dispatch records of a group

A common problem is dispatched once: its dispatch record has common_problem_id set and no ticket_id
(so dispatch_records.ticket_id becomes nullable). Members point at their group from tickets.

Revision ID: 0022_common_problems
Revises: 0023_dept_model_paused_days
Create Date: 2026-12-06 04:26:45.142544

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_common_problems'
down_revision = '0023_dept_model_paused_days'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('common_problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=16), server_default='ordinary', nullable=False),
    sa.Column('complexity', sa.String(length=16), server_default='ordinary', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='escalated', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(), nullable=True),
    sa.Column('sign_due_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('reply_due_at', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_on_time', sa.Boolean(), nullable=True),
    sa.Column('reply_message', sa.Text(), server_default='', nullable=False),
    sa.Column('return_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('supervision', sa.String(length=16), nullable=True),
    sa.Column('supervised_at', sa.DateTime(), nullable=True),
    sa.Column('extension_due_at', sa.DateTime(), nullable=True),
    sa.Column('extension_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('extension_requested_by_id', sa.Integer(), nullable=True),
    sa.Column('extension_requested_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('escalated','dispatched','in_progress','replied')", name=op.f('ck_common_problems_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_common_problems_created_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_common_problems_department_id_departments')),
    sa.ForeignKeyConstraint(['extension_requested_by_id'], ['users.id'], name=op.f('fk_common_problems_extension_requested_by_id_users')),
    sa.ForeignKeyConstraint(['helper_id'], ['users.id'], name=op.f('fk_common_problems_helper_id_users')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_common_problems_replied_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_common_problems')),
    sa.UniqueConstraint('number', name=op.f('uq_common_problems_number'))
    )
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.create_index('ix_common_problems_created', ['created_at'], unique=False)
        batch_op.create_index('ix_common_problems_department_status', ['department_id', 'status'], unique=False)

    op.create_table('common_problem_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('common_problem_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_common_problem_events_actor_id_users')),
    sa.ForeignKeyConstraint(['common_problem_id'], ['common_problems.id'], name=op.f('fk_common_problem_events_common_problem_id_common_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_common_problem_events'))
    )
    with op.batch_alter_table('common_problem_events', schema=None) as batch_op:
        batch_op.create_index('ix_common_problem_events_problem', ['common_problem_id', 'id'], unique=False)

    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('common_problem_id', sa.Integer(), nullable=True))
        batch_op.alter_column('ticket_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_dispatch_records_common_problem_id'), ['common_problem_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dispatch_records_common_problem_id_common_problems'), 'common_problems', ['common_problem_id'], ['id'], ondelete='CASCADE')

    # tickets: added in place, never by batch mode (see 0003: a batch copy would DROP tickets and
    # cascade-delete its children). SQLite cannot ALTER in a named constraint: there the reference is inline.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column('tickets', sa.Column(
        'common_problem_id', sa.Integer(),
        sa.ForeignKey('common_problems.id', name=op.f('fk_tickets_common_problem_id_common_problems')),
        nullable=True), inline_references=sqlite)
    op.add_column('tickets', sa.Column('common_joined_at', sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('common_prior_status', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('common_prior_due_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_tickets_common_problem_id'), 'tickets', ['common_problem_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_tickets_common_problem_id'), table_name='tickets')
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_tickets_common_problem_id_common_problems'), 'tickets', type_='foreignkey')
    op.drop_column('tickets', 'common_prior_due_at')  # SQLite >= 3.35 drops these in place
    op.drop_column('tickets', 'common_prior_status')
    op.drop_column('tickets', 'common_joined_at')
    op.drop_column('tickets', 'common_problem_id')

    # A common problem's dispatch records have no ticket: they go with the common problems.
    op.execute("DELETE FROM dispatch_records WHERE ticket_id IS NULL")
    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dispatch_records_common_problem_id_common_problems'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dispatch_records_common_problem_id'))
        batch_op.alter_column('ticket_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('common_problem_id')

    with op.batch_alter_table('common_problem_events', schema=None) as batch_op:
        batch_op.drop_index('ix_common_problem_events_problem')

    op.drop_table('common_problem_events')
    with op.batch_alter_table('common_problems', schema=None) as batch_op:
        batch_op.drop_index('ix_common_problems_department_status')
        batch_op.drop_index('ix_common_problems_created')

    op.drop_table('common_problems')
