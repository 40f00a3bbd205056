"""search on SQLite: an FTS5 index of the numbers and titles alone, for the first tier of every search

A search lists the problems whose number or title holds the words first (app/search/queries.py). SQLite
answered that tier from the one FTS5 index of every column, with a column filter: for a word found in most
problems' text but in no title (职能部门协调, 协调) FTS5 read the word's whole doclist, every problem's
positions, to learn that no title holds it — 50–60 ms at 200,000 problems, twice a page (the bounded read
that decides whether the titles fill the page, then the page) — the most of such a search's time
(docs/benchmarks.md, issue 16). An index of the numbers and titles alone holds only what titles hold:
the same tier is read from it in well under a millisecond, and a word common in titles is still walked
newest first and stops when the page is full.

It reads the same padded view as the index of 0016 (its number and title), and triggers on
ticket_search_docs keep it in step as theirs keep that one; `flask search rebuild` rebuilds both
(app/search/index.py). The second tier, the count and similar problems keep reading the index of every
column. PostgreSQL is unchanged (its gram column has the title's grams in their own name space).

Revision ID: 0033_search_title_index
Revises: 0032_search_department_lexemes
Create Date: 2026-12-07 02:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0033_search_title_index'
down_revision = '0032_search_department_lexemes'
branch_labels = None
depends_on = None

TITLES = "ticket_search_fts_titles"
PAD = "char(10, 10)"  # as the padded view of 0016 ends every column
_NEW = f"new.ticket_id, new.number || {PAD}, new.title || {PAD}"
_OLD = f"'delete', old.ticket_id, old.number || {PAD}, old.title || {PAD}"
TRIGGERS = {
    f"{TITLES}_ai": (f"CREATE TRIGGER {TITLES}_ai AFTER INSERT ON ticket_search_docs BEGIN "
                     f"INSERT INTO {TITLES}(rowid, number, title) VALUES ({_NEW}); END"),
    f"{TITLES}_ad": (f"CREATE TRIGGER {TITLES}_ad AFTER DELETE ON ticket_search_docs BEGIN "
                     f"INSERT INTO {TITLES}({TITLES}, rowid, number, title) VALUES ({_OLD}); END"),
    f"{TITLES}_au": (f"CREATE TRIGGER {TITLES}_au AFTER UPDATE OF number, title ON ticket_search_docs BEGIN "
                     f"INSERT INTO {TITLES}({TITLES}, rowid, number, title) VALUES ({_OLD}); "
                     f"INSERT INTO {TITLES}(rowid, number, title) VALUES ({_NEW}); END"),
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE {TITLES} USING fts5(number, title, "
               "content='ticket_search_padded', content_rowid='ticket_id', tokenize='trigram')")
    op.execute(f"INSERT INTO {TITLES}({TITLES}) VALUES ('rebuild')")
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {TITLES}")
