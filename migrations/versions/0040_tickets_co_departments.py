"""tickets on PostgreSQL: a problem's open co-departments (协办) on its own row, with a GIN index

A helper's scope (tickets.permissions.ticket_scope) is their department's problems or those it is an open
co-department of. On PostgreSQL that second arm was `id = ANY(ARRAY(the department's open requests))`: read
by key it was cheap, but wherever a plan walked problems (a list newest first, a search's title tier, a
count) each problem with any co-department was compared with every id of the array in turn — 8,403 of them
for a department at 1,000,000 problems, 15–20 ms a statement, several statements a page (docs/benchmarks.md,
issue 14). The problem's row now holds the departments it is an open co-department of
(`tickets.co_department_ids`, a plain integer array, NULL for most problems), as its search row already does
(migration 0037): `co_department_ids @> ARRAY[12]` tests a walked row in constant time, and its GIN index
reads the department's co-department problems as one bitmap beside the department's own.

Kept in step by a trigger, whatever writes ticket_co_departments (a dispatch naming co-departments, a
return or redispatch ending them, plain SQL): the problem's array is computed again from its open requests
(search_co_departments, migration 0037). The column is not mapped (SQLite keeps reading the requests table;
app.search.models.include_object leaves it out of Alembic's comparison). Adding a column without a default
does not rewrite the table.

Revision ID: 0040_tickets_co_departments
Revises: 0039_open_tickets_by_id
Create Date: 2026-12-07 15:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0040_tickets_co_departments'
down_revision = '0039_open_tickets_by_id'
branch_labels = None
depends_on = None

# A request written, ended, moved or deleted: its problem's (old and new) array again, written only if changed.
FOLLOW = """
CREATE OR REPLACE FUNCTION tickets_follow_co_departments() RETURNS trigger
LANGUAGE plpgsql AS $f$
DECLARE
  ticket integer;
BEGIN
  FOREACH ticket IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.ticket_id END,
                                CASE WHEN TG_OP <> 'DELETE' THEN NEW.ticket_id END] LOOP
    IF ticket IS NOT NULL THEN
      UPDATE tickets SET co_department_ids = search_co_departments(ticket)
       WHERE id = ticket AND co_department_ids IS DISTINCT FROM search_co_departments(ticket);
    END IF;
  END LOOP;
  RETURN NULL;
END
$f$
"""
TRIGGER = ("CREATE TRIGGER ticket_co_departments_tickets AFTER INSERT OR DELETE OR UPDATE OF ticket_id, "
           "department_id, ended_at ON ticket_co_departments FOR EACH ROW "
           "EXECUTE FUNCTION tickets_follow_co_departments()")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE tickets ADD COLUMN co_department_ids integer[]")
    op.execute("UPDATE tickets t SET co_department_ids = c.ids FROM ("
               "SELECT ticket_id, array_agg(DISTINCT department_id ORDER BY department_id) AS ids "
               "FROM ticket_co_departments WHERE ended_at IS NULL AND ticket_id IS NOT NULL GROUP BY ticket_id) c "
               "WHERE c.ticket_id = t.id")
    op.execute("CREATE INDEX ix_tickets_co_department_ids ON tickets USING gin (co_department_ids)")
    op.execute(FOLLOW)
    op.execute(TRIGGER)
    op.execute("ANALYZE tickets")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS ticket_co_departments_tickets ON ticket_co_departments")
    op.execute("DROP FUNCTION IF EXISTS tickets_follow_co_departments()")
    op.execute("DROP INDEX ix_tickets_co_department_ids")
    op.execute("ALTER TABLE tickets DROP COLUMN co_department_ids")
