"""tags on problems (ticket_tags)

Free-text tags staff put on problems; the problem list filters by them.

Revision ID: 0020_ticket_tags
Revises: 0017_paused_clocks
Create Date: 2026-12-06 03:15:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_ticket_tags'
down_revision = '0017_paused_clocks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_tags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name='fk_ticket_tags_ticket_id_tickets',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_ticket_tags_created_by_id_users',
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_ticket_tags'),
        sa.UniqueConstraint('ticket_id', 'name', name='uq_ticket_tags_ticket_name'),
    )
    op.create_index('ix_ticket_tags_name_ticket', 'ticket_tags', ['name', 'ticket_id'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_tags_name_ticket', table_name='ticket_tags')
    op.drop_table('ticket_tags')
