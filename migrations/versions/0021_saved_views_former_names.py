"""saved views of the problem list; company former names (曾用名)

saved_views: a named filter set per person (unique name per person).
company_former_names: a company's earlier names, searched like its current name.

Revision ID: 0021_saved_views_former_names
Revises: 0022_common_problems
Create Date: 2026-12-06 04:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_saved_views_former_names'
down_revision = '0022_common_problems'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=30), nullable=False),
        sa.Column('query', sa.String(length=2000), server_default='', nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_saved_views_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_saved_views'),
        sa.UniqueConstraint('user_id', 'name', name='uq_saved_views_user_name'),
    )
    op.create_table(
        'company_former_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name='fk_company_former_names_company_id_companies',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_company_former_names_created_by_id_users',
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_company_former_names'),
        sa.UniqueConstraint('company_id', 'name', name='uq_company_former_names_company_name'),
    )


def downgrade():
    op.drop_table('company_former_names')
    op.drop_table('saved_views')
