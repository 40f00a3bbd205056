"""search on PostgreSQL: the problem's department in the gram column, so a department's search is one GIN read

A helper's search in a wide department (27,000 problems at 1,000,000) with a word rare in it took 0.9–2.6 s:
the scope was not in the index, so PostgreSQL either walked the department's problems reading each one's
search row, or fetched every match of the word and checked each one's department (docs/benchmarks.md,
issue 16). The search row now carries the problem's department (`ticket_search_docs.department_id`), and the
generated column `grams` holds it as one more lexeme, "@d" + the id ("@" is never part of a gram), so that
`grams @@ ('港' & '@d12')` intersects the two posting lists inside the GIN index and the planner estimates
the pair from both lexemes' statistics (app/search/queries.py). The column is written by the search rows'
writers (app/search/index.py: refresh and rebuild) and kept in step with every change of a problem's
department, by any path (dispatch, return, redispatch, a common problem's dispatch, raw SQL), by a trigger
on tickets.

Redefining the generated column rewrites the table once (the grams are computed again): measured in
docs/benchmarks.md. SQLite is unchanged (its search reads FTS5; a department's search there is no slower
than the manager's).

Revision ID: 0032_search_department_lexemes
Revises: 0031_search_grams_schema
Create Date: 2026-12-07 02:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0032_search_department_lexemes'
down_revision = '0031_search_grams_schema'
branch_labels = None
depends_on = None

# '@d' || department_id::text: text || text (immutable; text || integer would be the stable anytextcat).
GRAMS_WITH_DEPARTMENT = (
    "search_grams(number, title, body, internal) || CASE WHEN department_id IS NULL THEN ''::tsvector "
    "ELSE array_to_tsvector(ARRAY['@d' || department_id::text]) END")
GRAMS_ONLY = "search_grams(number, title, body, internal)"

FOLLOW_DEPARTMENT = """
CREATE OR REPLACE FUNCTION ticket_search_docs_follow_department() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
  UPDATE ticket_search_docs SET department_id = NEW.department_id
   WHERE ticket_id = NEW.id AND department_id IS DISTINCT FROM NEW.department_id;
  RETURN NULL;
END
$f$
"""
TRIGGER = ("CREATE TRIGGER tickets_search_department AFTER UPDATE OF department_id ON tickets FOR EACH ROW "
           "WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id) "
           "EXECUTE FUNCTION ticket_search_docs_follow_department()")


def _add_grams_column(expression: str) -> None:
    # Adding a stored generated column rewrites the table once and fills every row.
    op.execute(f"ALTER TABLE ticket_search_docs ADD COLUMN grams tsvector GENERATED ALWAYS AS ({expression}) STORED")
    op.execute("ALTER TABLE ticket_search_docs ALTER COLUMN grams SET STATISTICS 1000")
    op.execute("CREATE INDEX ix_ticket_search_docs_grams ON ticket_search_docs USING gin (grams)")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ticket_search_docs ADD COLUMN department_id integer")
    # A generated column's expression cannot be changed in place: dropped (with its GIN index, which then
    # has nothing to keep up during the fill), the department filled, the column added again.
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN grams")
    op.execute("UPDATE ticket_search_docs d SET department_id = t.department_id FROM tickets t "
               "WHERE t.id = d.ticket_id AND t.department_id IS NOT NULL")
    _add_grams_column(GRAMS_WITH_DEPARTMENT)
    op.execute(FOLLOW_DEPARTMENT)
    op.execute(TRIGGER)
    op.execute("ANALYZE ticket_search_docs")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS tickets_search_department ON tickets")
    op.execute("DROP FUNCTION IF EXISTS ticket_search_docs_follow_department()")
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN grams")
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN department_id")
    _add_grams_column(GRAMS_ONLY)
    op.execute("ANALYZE ticket_search_docs")
