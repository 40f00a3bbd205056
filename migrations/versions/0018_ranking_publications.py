"""rankings: frozen publications, the escort's own escalation time; goals: every update kept, date reached

ranking_publications keeps each published board (rows, weights, formula text, data time) as it was
published; a correction is a new row with the next version. tickets.escort_escalated_at and
tickets.escalated_on_time time the escort's escalation apart from escalated_at, which a department's
return also sets, so the escort board measures only the escort's own stages. Existing tickets get
escort_escalated_at from their last 'escalate' timeline event; whether that was on time is not known
for them (NULL: not counted). company_goal_updates keeps every goal progress update with its indicator
and the date the goal was reached (companies.goal_reached_on: the latest); each company's one earlier
update becomes its first row.

Revision ID: 0018_ranking_publications
Revises: 0019_notifications
Create Date: 2026-12-06 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_ranking_publications'
down_revision = '0019_notifications'
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
    op.create_table(
        'company_goal_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('progress_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('indicator', sa.JSON(), nullable=True),
        sa.Column('reached_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_company_goal_updates_actor_id_users')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'],
                                name=op.f('fk_company_goal_updates_company_id_companies'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_company_goal_updates')),
    )
    with op.batch_alter_table('company_goal_updates', schema=None) as batch_op:
        batch_op.create_index('ix_company_goal_updates_company', ['company_id', 'id'], unique=False)
        batch_op.create_index('ix_company_goal_updates_reached_on', ['reached_on'], unique=False)
    # companies: in place (like tickets), a plain nullable column and its index.
    op.add_column('companies', sa.Column('goal_reached_on', sa.Date(), nullable=True))
    op.create_index(op.f('ix_companies_goal_reached_on'), 'companies', ['goal_reached_on'], unique=False)
    # The one update each company had so far (status, date, note) becomes its first history row.
    op.execute(
        "INSERT INTO company_goal_updates (company_id, created_at, status, progress_on, note) "
        "SELECT id, updated_at, goal_status, goal_updated_on, goal_note FROM companies "
        "WHERE goal_updated_on IS NOT NULL"
    )
    op.execute(
        "UPDATE tickets SET escort_escalated_at = (SELECT MAX(e.at) FROM ticket_events e "
        "WHERE e.ticket_id = tickets.id AND e.kind = 'escalate') "
        "WHERE EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = tickets.id AND e.kind = 'escalate')"
    )


def downgrade():
    op.drop_index(op.f('ix_companies_goal_reached_on'), table_name='companies')
    op.drop_column('companies', 'goal_reached_on')
    with op.batch_alter_table('company_goal_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_company_goal_updates_reached_on')
        batch_op.drop_index('ix_company_goal_updates_company')
    op.drop_table('company_goal_updates')
    op.drop_column('tickets', 'escalated_on_time')  # plain columns: SQLite ≥ 3.35 drops them in place
    op.drop_column('tickets', 'escort_escalated_at')
    with op.batch_alter_table('ranking_publications', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_publications_board_start')
    op.drop_table('ranking_publications')
