"""rankings: the escort board reads the period's problems by index

The escort board (rankings.metrics.escort_metrics) counted each escort's problems created, accepted,
escalated, replied, rated or closed in the period with one statement whose OR of six time ranges no index
serves, so it read every problem of every year: 370–670 ms at 200,000 problems on SQLite, twice a view
(this period and the previous). It now reads the ids of the period's problems through one index per time
and joins those; created_at, rated_at and (status, closed_at) already had indexes, these are the other
three. Partial (IS NOT NULL): most problems never get an escalation time, and a new problem has none of the
three, so writing a problem costs nothing more until it reaches the stage.

Revision ID: 0034_ranking_stage_indexes
Revises: 0033_search_title_index
Create Date: 2026-12-07 02:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0034_ranking_stage_indexes'
down_revision = '0033_search_title_index'
branch_labels = None
depends_on = None

COLUMNS = ("accepted_at", "escort_escalated_at", "replied_at")


def upgrade():
    for column in COLUMNS:
        condition = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_tickets_{column}", "tickets", [column], unique=False,
                        sqlite_where=condition, postgresql_where=condition)


def downgrade():
    for column in reversed(COLUMNS):
        op.drop_index(f"ix_tickets_{column}", table_name="tickets")
