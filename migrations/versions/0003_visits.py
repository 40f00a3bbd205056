"""visits: visit logs, photos, tickets.visit_id

Revision ID: 0003_visits
Revises: 0002_tickets
Create Date: 2026-11-29 14:47:28.546165

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_visits'
down_revision = '0002_tickets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('escort_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('participants', sa.String(length=500), server_default='', nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('company_status', sa.Text(), server_default='', nullable=False),
    sa.Column('next_step', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("mode IN ('on_site','phone','video','meeting')", name=op.f('ck_visits_mode_known')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_visits_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_visits_created_by_id_users')),
    sa.ForeignKeyConstraint(['escort_id'], ['users.id'], name=op.f('fk_visits_escort_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_company_visited', ['company_id', 'visited_on'], unique=False)
        batch_op.create_index('ix_visits_escort_visited', ['escort_id', 'visited_on'], unique=False)

    op.create_table('visit_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_visit_photos_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_photos_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_visit_photos_stored_name'))
    )
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_photos_visit_id'), ['visit_id'], unique=False)

    # tickets.visit_id: added in place, never by batch mode. On SQLite a batch
    # "move and copy" would DROP the tickets table, and with foreign keys on that
    # deletes every ticket_events/attachments row through ON DELETE CASCADE.
    # SQLite cannot ALTER in a named constraint, so there the reference is inline.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column('tickets', sa.Column('visit_id', sa.Integer(),
                                       sa.ForeignKey('visits.id', name=op.f('fk_tickets_visit_id_visits')),
                                       nullable=True),
                  inline_references=sqlite)
    op.create_index(op.f('ix_tickets_visit_id'), 'tickets', ['visit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_tickets_visit_id'), table_name='tickets')
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_tickets_visit_id_visits'), 'tickets', type_='foreignkey')
    op.drop_column('tickets', 'visit_id')  # SQLite ≥ 3.35 drops a column with an inline reference in place

    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_photos_visit_id'))

    op.drop_table('visit_photos')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_escort_visited')
        batch_op.drop_index('ix_visits_company_visited')

    op.drop_table('visits')
