"""search on PostgreSQL: a problem's open co-departments (协办) beside its grams, in the same GIN index

A helper's search reads their department's problems through the gram index (the department is a lexeme of
`grams`, migration 0032) and, as a second arm, the problems their department is an open co-department of.
That arm had no index of its own: the search read the department's open co-department problem ids (8,301 at
1,000,000 problems) and gave them to PostgreSQL as an array, which looked every one of them up by primary
key in every statement of the page (14 ms for 1,711 ids at 200,000 problems, several times a request;
docs/benchmarks.md, issue 16). The search row now holds the departments it is an open co-department of
(`ticket_search_docs.co_department_ids`, a plain integer array, NULL for most problems), and the GIN index
of the grams becomes a two-column index (grams, co_department_ids): `grams @@ '港' AND co_department_ids @>
ARRAY[12]` is then one GIN scan that intersects the word's and the department's posting lists, as the
department's own arm does with its lexeme.

Kept in step by triggers: every change of ticket_co_departments (a dispatch naming co-departments, a row
ended, plain SQL) recomputes the problem's array; a search row written afresh (the search's own writes,
`flask search rebuild`) takes it from ticket_co_departments when inserted. The array is a plain column, so
adding it does not rewrite the table (redefining the generated column would, 16 minutes at 1,000,000
problems); the index is built again once (the old one is dropped first so that filling the arrays does not
update it row by row). SQLite is unchanged (its search reads FTS5).

Revision ID: 0037_search_co_departments
Revises: 0036_search_title_scope
Create Date: 2026-12-07 05:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0037_search_co_departments'
down_revision = '0036_search_title_scope'
branch_labels = None
depends_on = None

CO_DEPARTMENTS = """
CREATE OR REPLACE FUNCTION search_co_departments(ticket integer) RETURNS integer[]
LANGUAGE sql STABLE AS $f$
  SELECT array_agg(DISTINCT department_id ORDER BY department_id) FROM ticket_co_departments
   WHERE ticket_id = ticket AND ended_at IS NULL
$f$
"""
# A row of ticket_co_departments written, ended, moved or deleted: its problem's (old and new) array again.
FOLLOW_CO_DEPARTMENTS = """
CREATE OR REPLACE FUNCTION ticket_search_docs_follow_co_departments() RETURNS trigger
LANGUAGE plpgsql AS $f$
DECLARE
  ticket integer;
BEGIN
  FOREACH ticket IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.ticket_id END,
                                CASE WHEN TG_OP <> 'DELETE' THEN NEW.ticket_id END] LOOP
    IF ticket IS NOT NULL THEN
      UPDATE ticket_search_docs SET co_department_ids = search_co_departments(ticket)
       WHERE ticket_id = ticket AND co_department_ids IS DISTINCT FROM search_co_departments(ticket);
    END IF;
  END LOOP;
  RETURN NULL;
END
$f$
"""
FOLLOW_TRIGGER = ("CREATE TRIGGER ticket_co_departments_search AFTER INSERT OR DELETE OR UPDATE OF ticket_id, "
                  "department_id, ended_at ON ticket_co_departments FOR EACH ROW "
                  "EXECUTE FUNCTION ticket_search_docs_follow_co_departments()")
# A search row inserted (a new problem's, or every row in `flask search rebuild`) reads its problem's array.
NEW_ROW = """
CREATE OR REPLACE FUNCTION ticket_search_docs_new_row_co_departments() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
  NEW.co_department_ids := search_co_departments(NEW.ticket_id);
  RETURN NEW;
END
$f$
"""
NEW_ROW_TRIGGER = ("CREATE TRIGGER ticket_search_docs_co_departments BEFORE INSERT ON ticket_search_docs "
                   "FOR EACH ROW EXECUTE FUNCTION ticket_search_docs_new_row_co_departments()")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ticket_search_docs ADD COLUMN co_department_ids integer[]")
    op.execute("DROP INDEX ix_ticket_search_docs_grams")
    op.execute("UPDATE ticket_search_docs d SET co_department_ids = c.ids FROM ("
               "SELECT ticket_id, array_agg(DISTINCT department_id ORDER BY department_id) AS ids "
               "FROM ticket_co_departments WHERE ended_at IS NULL AND ticket_id IS NOT NULL GROUP BY ticket_id) c "
               "WHERE c.ticket_id = d.ticket_id")
    op.execute("CREATE INDEX ix_ticket_search_docs_grams ON ticket_search_docs USING gin (grams, co_department_ids)")
    op.execute(CO_DEPARTMENTS)
    op.execute(FOLLOW_CO_DEPARTMENTS)
    op.execute(FOLLOW_TRIGGER)
    op.execute(NEW_ROW)
    op.execute(NEW_ROW_TRIGGER)
    op.execute("ANALYZE ticket_search_docs")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS ticket_search_docs_co_departments ON ticket_search_docs")
    op.execute("DROP TRIGGER IF EXISTS ticket_co_departments_search ON ticket_co_departments")
    op.execute("DROP FUNCTION IF EXISTS ticket_search_docs_new_row_co_departments()")
    op.execute("DROP FUNCTION IF EXISTS ticket_search_docs_follow_co_departments()")
    op.execute("DROP FUNCTION IF EXISTS search_co_departments(integer)")
    op.execute("DROP INDEX ix_ticket_search_docs_grams")
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN co_department_ids")
    op.execute("CREATE INDEX ix_ticket_search_docs_grams ON ticket_search_docs USING gin (grams)")
    op.execute("ANALYZE ticket_search_docs")
