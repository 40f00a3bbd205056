"""协办 co-departments: ticket_co_departments, tickets.co_department_count

A dispatch names a lead department (the ticket's department) and optional co-departments; each
co-department signs and gives its opinion on its own working-day clock (one row per dispatch and
department). tickets.co_department_count lets pages skip the lookup for problems without any.

Revision ID: 0026_co_departments
Revises: 0020_ticket_tags
Create Date: 2026-12-06 04:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026_co_departments'
down_revision = '0020_ticket_tags'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('tickets', sa.Column('co_department_count', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'ticket_co_departments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('dispatch_record_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('dispatched_at', sa.DateTime(), nullable=False),
        sa.Column('sign_due_at', sa.DateTime(), nullable=False),
        sa.Column('opinion_due_at', sa.DateTime(), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('signed_on_time', sa.Boolean(), nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('opinion', sa.Text(), server_default='', nullable=False),
        sa.Column('opinion_at', sa.DateTime(), nullable=True),
        sa.Column('opinion_on_time', sa.Boolean(), nullable=True),
        sa.Column('opinion_by_id', sa.Integer(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_ticket_co_departments_ticket_id_tickets',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dispatch_record_id'], ['dispatch_records.id'],
                                name='fk_ticket_co_departments_dispatch_record_id_dispatch_records', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name='fk_ticket_co_departments_department_id_departments'),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name='fk_ticket_co_departments_signed_by_id_users'),
        sa.ForeignKeyConstraint(['opinion_by_id'], ['users.id'], name='fk_ticket_co_departments_opinion_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_ticket_co_departments'),
        sa.UniqueConstraint('dispatch_record_id', 'department_id', name='uq_ticket_co_departments_dispatch_department'),
    )
    op.create_index('ix_ticket_co_departments_department_ticket', 'ticket_co_departments',
                    ['department_id', 'ticket_id'], unique=False)
    op.create_index('ix_ticket_co_departments_ticket', 'ticket_co_departments', ['ticket_id', 'id'], unique=False)
    op.create_index('ix_ticket_co_departments_department_dispatched', 'ticket_co_departments',
                    ['department_id', 'dispatched_at'], unique=False)
    op.create_index('ix_ticket_co_departments_signed_at', 'ticket_co_departments', ['signed_at'], unique=False)
    op.create_index('ix_ticket_co_departments_opinion_at', 'ticket_co_departments', ['opinion_at'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_co_departments_opinion_at', table_name='ticket_co_departments')
    op.drop_index('ix_ticket_co_departments_signed_at', table_name='ticket_co_departments')
    op.drop_index('ix_ticket_co_departments_department_dispatched', table_name='ticket_co_departments')
    op.drop_index('ix_ticket_co_departments_ticket', table_name='ticket_co_departments')
    op.drop_index('ix_ticket_co_departments_department_ticket', table_name='ticket_co_departments')
    op.drop_table('ticket_co_departments')
    # Plain DROP COLUMN, as 0017 does (a batch copy would rewrite the tickets table's constraints).
    op.drop_column('tickets', 'co_department_count')
