"""tickets: the problems that have co-departments, newest first and by deadline (two partial indexes)

A helper's plain problem list reads its scope arm by arm, a page at a time in the list's order
(tickets.queries.list_scope): their department's problems, and those it is an open co-department (协办) of.
A department's requests stay open after their problem closes, so on SQLite the second arm read every problem
the department ever helped with by key and sorted them all for a page (1,615 at 200,000 problems: 3.5–4 ms
for each of the list's two segments). These indexes hold only the problems with co-departments
(`co_department_count > 0`, about one in eleven), in the list's two orders — newest first, and by deadline
for those owing a step — so the arm walks them in order and stops when the page is full (0.5 ms each).

Revision ID: 0041_co_department_order
Revises: 0040_tickets_co_departments
Create Date: 2026-12-08 01:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0041_co_department_order'
down_revision = '0040_tickets_co_departments'
branch_labels = None
depends_on = None

CO = "co_department_count > 0"
INDEXES = (("ix_tickets_co_created", "created_at", CO),
           ("ix_tickets_co_due", "due_at", f"{CO} AND due_at IS NOT NULL"))


def upgrade():
    for name, column, condition in INDEXES:
        op.create_index(name, "tickets", [column], unique=False,
                        sqlite_where=sa.text(condition), postgresql_where=sa.text(condition))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").first():
        for name, _column, _condition in INDEXES:
            bind.exec_driver_sql(f"ANALYZE {name}")


def downgrade():
    for name, _column, _condition in INDEXES:
        op.drop_index(name, table_name="tickets")
