"""ticket_co_departments: a department's requests still owing their sign or opinion, a partial index

A helper's 待我处理 (and the workbench's 协办 counts) want the problems whose co-department request of their
department still owes its sign or opinion (tickets.permissions.co_department_tickets, owing). PostgreSQL
read them through the opinion_at index — every department's owed requests, 23,700 at 1,000,000 problems, to
keep one department's 1,200 — 7–8 ms a statement, three statements on the list's page (docs/benchmarks.md,
issue 14). The owed requests alone, by department (`ended_at IS NULL AND opinion_at IS NULL`), answer it
from a few hundred index entries. SQLite keeps reading the department's open requests (its likelihood hint).

Revision ID: 0042_co_department_owed
Revises: 0041_co_department_order
Create Date: 2026-12-08 02:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0042_co_department_owed'
down_revision = '0041_co_department_order'
branch_labels = None
depends_on = None

OWED = "ended_at IS NULL AND opinion_at IS NULL"


def upgrade():
    op.create_index("ix_ticket_co_departments_owed", "ticket_co_departments", ["department_id", "ticket_id"],
                    unique=False, sqlite_where=sa.text(OWED), postgresql_where=sa.text(OWED))


def downgrade():
    op.drop_index("ix_ticket_co_departments_owed", table_name="ticket_co_departments")
