"""search on SQLite: the index of numbers and titles holds the problem's scope too

A helper's first tier (their department's problems whose number or title holds the words) read the index
of 0033 newest first and each match's problem to learn whether it is in the department: for a title common
in the district and absent from the department (排污许可证 for helper1) every such title was read, twice a
page (the bounded read that decides whether the titles fill the page, then the page): 11–14 ms each at
200,000 problems (docs/benchmarks.md, issue 16). The index gets the scope column of 0035 (the departments
whose helpers see the problem, one token each), so the words ANDed with the department's token step through
the department's titles alone. Rebuilt here (3–4 s at 200,000 problems); its update trigger follows the
scope too. Nothing ranks by bm25 on this index. PostgreSQL is unchanged.

Revision ID: 0036_search_title_scope
Revises: 0035_search_scope
Create Date: 2026-12-07 05:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0036_search_title_scope'
down_revision = '0035_search_scope'
branch_labels = None
depends_on = None

TITLES = "ticket_search_fts_titles"
PAD = "char(10, 10)"  # as the padded view of 0016 ends every column


def _triggers(scope: bool) -> dict:
    extra, columns = (", {}.scope", ", scope") if scope else ("", "")
    new = f"new.ticket_id, new.number || {PAD}, new.title || {PAD}" + extra.format("new")
    old = f"'delete', old.ticket_id, old.number || {PAD}, old.title || {PAD}" + extra.format("old")
    return {
        f"{TITLES}_ai": (f"CREATE TRIGGER {TITLES}_ai AFTER INSERT ON ticket_search_docs BEGIN "
                         f"INSERT INTO {TITLES}(rowid, number, title{columns}) VALUES ({new}); END"),
        f"{TITLES}_ad": (f"CREATE TRIGGER {TITLES}_ad AFTER DELETE ON ticket_search_docs BEGIN "
                         f"INSERT INTO {TITLES}({TITLES}, rowid, number, title{columns}) VALUES ({old}); END"),
        f"{TITLES}_au": (f"CREATE TRIGGER {TITLES}_au AFTER UPDATE OF number, title{columns} ON ticket_search_docs "
                         f"BEGIN INSERT INTO {TITLES}({TITLES}, rowid, number, title{columns}) VALUES ({old}); "
                         f"INSERT INTO {TITLES}(rowid, number, title{columns}) VALUES ({new}); END"),
    }


def _rebuild(scope: bool):
    for name in _triggers(scope):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {TITLES}")
    op.execute(f"CREATE VIRTUAL TABLE {TITLES} USING fts5(number, title{', scope' if scope else ''}, "
               "content='ticket_search_padded', content_rowid='ticket_id', tokenize='trigram')")
    op.execute(f"INSERT INTO {TITLES}({TITLES}) VALUES ('rebuild')")
    for ddl in _triggers(scope).values():
        op.execute(ddl)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(scope=True)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(scope=False)
