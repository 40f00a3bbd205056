"""tickets: a department's open co-department (协办) rows read from one covering index

A helper's scope (tickets.permissions.ticket_scope: the department's problems, or those it is an open
co-department of) reads the ids of the department's open co-department rows on every helper page — the
problem list's two segments and its count, each workbench list, the problem page's checks. The only index
by department was (department_id, dispatched_at): every row of the department was read from the table to
test ended_at, 2.3 ms of CPU each time at 200,000 problems on SQLite (1,500 rows for a busy department), four
to six times a page. (department_id, ended_at, ticket_id) answers the subquery from the index alone (0.4 ms).

Revision ID: 0038_co_department_open_index
Revises: 0037_search_co_departments
Create Date: 2026-12-07 05:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0038_co_department_open_index'
down_revision = '0037_search_co_departments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ticket_co_departments_department_open", "ticket_co_departments",
                    ["department_id", "ended_at", "ticket_id"], unique=False)


def downgrade():
    op.drop_index("ix_ticket_co_departments_department_open", table_name="ticket_co_departments")
