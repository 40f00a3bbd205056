"""rankings: frozen publications; the escort's own escalation time and whether it was on time

ranking_publications keeps each published board (rows, weights, formula text, data time) as it was
published; a correction is a new row with the next version. tickets.escort_escalated_at and
tickets.escalated_on_time time the escort's escalation apart from escalated_at, which a department's
return also sets, so the escort board measures only the escort's own stages. Existing tickets get
escort_escalated_at from their last 'escalate' timeline event; whether that was on time is not known
for them (NULL: not counted).

Revision ID: 0018_ranking_publications
Revises: 0006_audit_indexes
Create Date: 2026-12-06 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_ranking_publications'
down_revision = '0006_audit_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ranking_publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('board', sa.String(length=16), nullable=False),
        sa.Column('period_key', sa.String(length=32), nullable=False),
        sa.Column('period_kind', sa.String(length=8), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), server_default='', nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('data_as_of', sa.DateTime(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_ranking_publications_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_publications')),
        sa.UniqueConstraint('board', 'period_key', 'version', name='uq_ranking_publications_board_period_version'),
    )
    with op.batch_alter_table('ranking_publications', schema=None) as batch_op:
        batch_op.create_index('ix_ranking_publications_board_start', ['board', 'period_start'], unique=False)

    # tickets: in place, never by batch mode (a batch copy on SQLite would rewrite the table and its inline
    # reference to visits, which 0003's downgrade then cannot drop; see 0003).
    op.add_column('tickets', sa.Column('escort_escalated_at', sa.DateTime(), nullable=True))
    op.add_column('tickets', sa.Column('escalated_on_time', sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE tickets SET escort_escalated_at = (SELECT MAX(e.at) FROM ticket_events e "
        "WHERE e.ticket_id = tickets.id AND e.kind = 'escalate') "
        "WHERE EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.kind = 'escalate')"
    )


def downgrade():
    op.drop_column('tickets', 'escalated_on_time')  # plain columns: SQLite ≥ 3.35 drops them in place
    op.drop_column('tickets', 'escort_escalated_at')
    with op.batch_alter_table('ranking_publications', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_publications_board_start')
    op.drop_table('ranking_publications')
