"""search on PostgreSQL: an indexed tsvector of character unigrams and bigrams (ticket_search_docs.grams)

pg_trgm cannot index a word of one or two characters, and the planner cannot tell a common word from
a rare one through it, so short words and rare words in a wide scope were walks of every search row
(docs/benchmarks.md, issue 16). This adds, on PostgreSQL only, a stored generated column `grams`: every
character and every pair of adjacent characters of the number, title and public text (as they are), of
the number and title again (prefixed "~") and of the internal notes (prefixed "!"), after lower-casing
ASCII and splitting on anything that is not a letter, a digit or a CJK character — built by the SQL
function search_grams(), so every write (ORM, rebuild, raw SQL) keeps it in step and adding the column
fills it for the existing rows. A GIN index reads it; its statistics (most_common_elems, kept for
1,000 x 10 grams) let the planner choose between walking the problems newest first (common words) and a
bitmap of the index (rare ones). Searches keep their exact LIKE check on top (app/search/queries.py).
SQLite is unchanged (FTS5 trigram).

The four pg_trgm indexes of 0016 are dropped: no statement reads them any more (search and similar
problems go through `grams`), and each cost every write. The pg_trgm extension stays.

Revision ID: 0029_search_grams
Revises: 0028_common_problem_lifecycle
Create Date: 2026-12-06 19:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029_search_grams'
down_revision = '0028_common_problem_lifecycle'
branch_labels = None
depends_on = None

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The distinct characters and pairs of adjacent characters of a text, as a sorted array. Runs of
# letters, digits and CJK characters are kept (ASCII lower-cased) and everything else becomes one
# space; pairs are cut at even and at odd offsets (regexp_replace '(..)' -> '\1 '), and a pair that
# straddles a space splits into its single characters, already counted. Runs of letters and digits (the
# CJK characters blanked out: `a`) also give their triples, cut the same way at three offsets: pairs of
# digits are too few to tell numbers apart (a problem number, "2025", "000123"). Same rule as
# app.search.grams.grams() in Python (tests/search/test_grams.py compares them).
GRAM_ARRAY = rf"""
CREATE OR REPLACE FUNCTION search_gram_array(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT tsvector_to_array(array_to_tsvector(array_remove(
           regexp_split_to_array(replace(s, ' ', ''), '')
           || string_to_array(regexp_replace(s, '(..)', '\1 ', 'g'), ' ')
           || string_to_array(regexp_replace(substr(s, 2), '(..)', '\1 ', 'g'), ' ')
           || string_to_array(regexp_replace(a, '(...)', '\1 ', 'g'), ' ')
           || string_to_array(regexp_replace(substr(a, 2), '(...)', '\1 ', 'g'), ' ')
           || string_to_array(regexp_replace(substr(a, 3), '(...)', '\1 ', 'g'), ' '),
         '')))
  FROM (SELECT s, regexp_replace(s, '[\u3400-\u9fff]+', ' ', 'g') AS a
        FROM (SELECT regexp_replace(translate(coalesce(doc, ''), '{UPPER}', '{UPPER.lower()}'),
                                    '[^0-9a-z\u3400-\u9fff]+', ' ', 'g') AS s) AS normalized) AS runs
$f$
"""
# The column's lexemes, in three name spaces so that the index itself tells where a gram is (a weight
# would need a recheck of every row the index returns): a plain gram is in the number, the title or the
# public text; "~" + gram in the number or title; "!" + gram in the internal notes. ("~" and "!" are never
# part of a gram.) No positions: the search ranks by tier and id, not by proximity.
GRAMS = r"""
CREATE OR REPLACE FUNCTION search_grams(number text, title text, body text, internal text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT array_to_tsvector(array_remove(array_remove(
           search_gram_array(number || ' ' || title || ' ' || body)
           || string_to_array('~' || array_to_string(search_gram_array(number || ' ' || title), ' ~'), ' ')
           || string_to_array('!' || array_to_string(search_gram_array(internal), ' !'), ' '),
         '~'), '!'))
$f$
"""
DROPPED_TRGM = ("number", "title", "body", "internal")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The trigram indexes go first: the table rewrite below would otherwise rebuild them for nothing.
    for column in DROPPED_TRGM:
        op.execute(f"DROP INDEX IF EXISTS ix_ticket_search_docs_{column}_trgm")
    op.execute(GRAM_ARRAY)
    op.execute(GRAMS)
    # Adding a stored generated column rewrites the table once: that fills every existing row.
    op.execute("ALTER TABLE ticket_search_docs ADD COLUMN grams tsvector "
               "GENERATED ALWAYS AS (search_grams(number, title, body, internal)) STORED")
    op.execute("ALTER TABLE ticket_search_docs ALTER COLUMN grams SET STATISTICS 1000")
    op.execute("CREATE INDEX ix_ticket_search_docs_grams ON ticket_search_docs USING gin (grams)")
    op.execute("ANALYZE ticket_search_docs")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in DROPPED_TRGM:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_ticket_search_docs_{column}_trgm ON ticket_search_docs "
                   f"USING gin ({column} gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS ix_ticket_search_docs_grams")
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN IF EXISTS grams")
    op.execute("DROP FUNCTION IF EXISTS search_grams(text, text, text, text)")
    op.execute("DROP FUNCTION IF EXISTS search_gram_array(text)")
