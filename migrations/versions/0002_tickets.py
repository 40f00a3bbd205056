"""tickets: problems, timeline, attachments, extension requests, numbering

Revision ID: 0002_tickets
Revises: 0001
Create Date: 2026-11-29 14:42:55.780513

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_tickets'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ticket_counters'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('complexity', sa.String(length=16), server_default='ordinary', nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('escort_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('accept_due_at', sa.DateTime(), nullable=True),
    sa.Column('sign_due_at', sa.DateTime(), nullable=True),
    sa.Column('reply_due_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('autoclose_at', sa.DateTime(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_from', sa.String(length=16), nullable=True),
    sa.Column('reply_message', sa.Text(), server_default='', nullable=False),
    sa.Column('supervision', sa.String(length=16), nullable=True),
    sa.Column('supervised_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.String(length=24), nullable=True),
    sa.Column('rating_comment', sa.Text(), server_default='', nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('rated_by_id', sa.Integer(), nullable=True),
    sa.Column('auto_closed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('accepted_on_time', sa.Boolean(), nullable=True),
    sa.Column('replied_on_time', sa.Boolean(), nullable=True),
    sa.Column('close_working_days', sa.Integer(), nullable=True),
    sa.Column('return_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('overdue_notified_for', sa.DateTime(), nullable=True),
    sa.Column('due_soon_notified_for', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("category IN ('financing','land','labour','policy','approval','energy','logistics','market','technology','other')", name=op.f('ck_tickets_category_known')),
    sa.CheckConstraint("source IN ('portal','visit','escort','hotline')", name=op.f('ck_tickets_source_known')),
    sa.CheckConstraint("status IN ('submitted','accepted','rejected','withdrawn','escalated','dispatched','in_progress','replied','closed')", name=op.f('ck_tickets_status_known')),
    sa.CheckConstraint("urgency IN ('ordinary','urgent')", name=op.f('ck_tickets_urgency_known')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_tickets_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tickets_created_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_tickets_department_id_departments')),
    sa.ForeignKeyConstraint(['escort_id'], ['users.id'], name=op.f('fk_tickets_escort_id_users')),
    sa.ForeignKeyConstraint(['helper_id'], ['users.id'], name=op.f('fk_tickets_helper_id_users')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_tickets_rated_by_id_users')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_tickets_replied_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_company_created', ['company_id', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_created', ['created_at'], unique=False)
        batch_op.create_index('ix_tickets_department_status', ['department_id', 'status'], unique=False)
        batch_op.create_index('ix_tickets_escort_created', ['escort_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_helper_id'), ['helper_id'], unique=False)
        batch_op.create_index('ix_tickets_status_due', ['status', 'due_at'], unique=False)

    op.create_table('dispatch_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('dispatched_by_id', sa.Integer(), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(), nullable=False),
    sa.Column('sign_due_at', sa.DateTime(), nullable=False),
    sa.Column('reply_due_at', sa.DateTime(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('signed_on_time', sa.Boolean(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('replied_on_time', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_dispatch_records_department_id_departments')),
    sa.ForeignKeyConstraint(['dispatched_by_id'], ['users.id'], name=op.f('fk_dispatch_records_dispatched_by_id_users')),
    sa.ForeignKeyConstraint(['helper_id'], ['users.id'], name=op.f('fk_dispatch_records_helper_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_dispatch_records_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_records'))
    )
    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_records_department_dispatched', ['department_id', 'dispatched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_records_replied_at'), ['replied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_records_returned_at'), ['returned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_records_signed_at'), ['signed_at'], unique=False)
        batch_op.create_index('ix_dispatch_records_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('extension_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_due_at', sa.DateTime(), nullable=False),
    sa.Column('new_due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_extension_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_extension_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_extension_requests_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests'))
    )
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.create_index('ix_extension_requests_ticket_status', ['ticket_id', 'status'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ticket_events_actor_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticket_events.id'], name=op.f('fk_attachments_event_id_ticket_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_attachments_ticket_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_event_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket')

    op.drop_table('ticket_events')
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_extension_requests_ticket_status')

    op.drop_table('extension_requests')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_status_due')
        batch_op.drop_index(batch_op.f('ix_tickets_helper_id'))
        batch_op.drop_index('ix_tickets_escort_created')
        batch_op.drop_index('ix_tickets_department_status')
        batch_op.drop_index('ix_tickets_created')
        batch_op.drop_index('ix_tickets_company_created')

    with op.batch_alter_table('dispatch_records', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatch_records_ticket')
        batch_op.drop_index(batch_op.f('ix_dispatch_records_signed_at'))
        batch_op.drop_index(batch_op.f('ix_dispatch_records_returned_at'))
        batch_op.drop_index(batch_op.f('ix_dispatch_records_replied_at'))
        batch_op.drop_index('ix_dispatch_records_department_dispatched')

    op.drop_table('dispatch_records')
    op.drop_table('tickets')
    op.drop_table('ticket_counters')
