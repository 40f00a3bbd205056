"""search on SQLite: an index of every column and the problem's departments, for a helper's search

A helper's search (their department's problems and those it is an open co-department (协办) of) walked the
full-text index of 0016 newest first and read each match's problem to learn whether it is in the
department: for a word in most problems, the page's count (up to 1,001 matches in the department) read
about 38,000 matches and their problems at 200,000 problems — 20–40 ms of a request (docs/benchmarks.md,
issue 16). `ticket_search_docs.scope` now holds one token per department whose helpers see the problem
(its department's, each open co-department's: three private-use characters, one trigram found nowhere
else), and `ticket_search_fts_scoped` indexes every column and the scope: the words ANDed with
`{scope} : "<token>"` step through the department's matches alone.

A separate index rather than a column of 0016's: similar problems rank that one by bm25, which divides by
each row's length in tokens (all columns), and the scope's tokens would change their candidates. The
scope is filled here and kept in step by triggers on tickets (department_id) and ticket_co_departments
(a new, ended, moved or deleted row); app/search/index.py writes it with each search row and `flask
search rebuild` refills it. 0016's index is no longer reindexed when only the scope changes (its update
trigger names its columns). PostgreSQL is unchanged (its gram column holds the department, 0032).

Revision ID: 0035_search_scope
Revises: 0034_ranking_stage_indexes
Create Date: 2026-12-07 05:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0035_search_scope'
down_revision = '0034_ranking_stage_indexes'
branch_labels = None
depends_on = None

FTS = "ticket_search_fts"
SCOPED = "ticket_search_fts_scoped"
COLUMNS = ("number", "title", "body", "internal")
PAD = "char(10, 10)"  # as the padded view of 0016 ends every column
_NEW = ", ".join(f"new.{c} || {PAD}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c} || {PAD}" for c in COLUMNS)
_NEW_SCOPED = _NEW + ", new.scope"
_OLD_SCOPED = _OLD + ", old.scope"
_SCOPED_COLUMNS = ", ".join(COLUMNS + ("scope",))


def _au(columns: str) -> str:
    return (f"CREATE TRIGGER ticket_search_docs_au AFTER UPDATE{columns} ON ticket_search_docs BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, number, title, body, internal) VALUES ('delete', old.ticket_id, {_OLD}); "
            f"INSERT INTO {FTS}(rowid, number, title, body, internal) VALUES (new.ticket_id, {_NEW}); END")


def _scope(ticket_id: str) -> str:
    """The scope text of a problem (app.search.index.scope_sql)."""
    token = "char(57344 + d / 4096, 57344 + d % 4096, 63743)"
    return (f"coalesce((SELECT group_concat({token}, ' ') FROM ("
            f"SELECT s.department_id AS d FROM tickets AS s WHERE s.id = {ticket_id} AND s.department_id IS NOT NULL "
            f"UNION SELECT c.department_id FROM ticket_co_departments AS c "
            f"WHERE c.ticket_id = {ticket_id} AND c.ended_at IS NULL)), '')")


_NOW = _scope("ticket_search_docs.ticket_id")
_RESCOPE = f"UPDATE ticket_search_docs SET scope = {_NOW} WHERE ticket_id IN ({{ids}}) AND scope IS NOT {_NOW}; END"
TRIGGERS = {
    f"{SCOPED}_ai": (f"CREATE TRIGGER {SCOPED}_ai AFTER INSERT ON ticket_search_docs BEGIN "
                     f"INSERT INTO {SCOPED}(rowid, {_SCOPED_COLUMNS}) VALUES (new.ticket_id, {_NEW_SCOPED}); END"),
    f"{SCOPED}_ad": (f"CREATE TRIGGER {SCOPED}_ad AFTER DELETE ON ticket_search_docs BEGIN "
                     f"INSERT INTO {SCOPED}({SCOPED}, rowid, {_SCOPED_COLUMNS}) "
                     f"VALUES ('delete', old.ticket_id, {_OLD_SCOPED}); END"),
    f"{SCOPED}_au": (f"CREATE TRIGGER {SCOPED}_au AFTER UPDATE ON ticket_search_docs BEGIN "
                     f"INSERT INTO {SCOPED}({SCOPED}, rowid, {_SCOPED_COLUMNS}) "
                     f"VALUES ('delete', old.ticket_id, {_OLD_SCOPED}); "
                     f"INSERT INTO {SCOPED}(rowid, {_SCOPED_COLUMNS}) VALUES (new.ticket_id, {_NEW_SCOPED}); END"),
    "tickets_search_scope": ("CREATE TRIGGER tickets_search_scope AFTER UPDATE OF department_id ON tickets "
                             "WHEN old.department_id IS NOT new.department_id BEGIN "
                             + _RESCOPE.format(ids="new.id")),
    "ticket_co_departments_search_scope_ai": (
        "CREATE TRIGGER ticket_co_departments_search_scope_ai AFTER INSERT ON ticket_co_departments "
        "WHEN new.ticket_id IS NOT NULL BEGIN " + _RESCOPE.format(ids="new.ticket_id")),
    "ticket_co_departments_search_scope_au": (
        "CREATE TRIGGER ticket_co_departments_search_scope_au "
        "AFTER UPDATE OF ticket_id, department_id, ended_at ON ticket_co_departments BEGIN "
        + _RESCOPE.format(ids="old.ticket_id, new.ticket_id")),
    "ticket_co_departments_search_scope_ad": (
        "CREATE TRIGGER ticket_co_departments_search_scope_ad AFTER DELETE ON ticket_co_departments "
        "WHEN old.ticket_id IS NOT NULL BEGIN " + _RESCOPE.format(ids="old.ticket_id")),
}


def _view(scope: bool) -> str:
    return ("CREATE VIEW ticket_search_padded AS SELECT ticket_id, "
            + ", ".join(f"{c} || {PAD} AS {c}" for c in COLUMNS) + (", scope" if scope else "")
            + " FROM ticket_search_docs")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    # 0016's index follows its own columns only, so filling the scope does not reindex it.
    op.execute("DROP TRIGGER IF EXISTS ticket_search_docs_au")
    op.execute(_au(" OF number, title, body, internal"))
    op.execute("ALTER TABLE ticket_search_docs ADD COLUMN scope TEXT NOT NULL DEFAULT ''")
    op.execute(f"UPDATE ticket_search_docs SET scope = {_NOW}")
    op.execute("DROP VIEW ticket_search_padded")
    op.execute(_view(scope=True))
    op.execute(f"CREATE VIRTUAL TABLE {SCOPED} USING fts5({_SCOPED_COLUMNS}, "
               "content='ticket_search_padded', content_rowid='ticket_id', tokenize='trigram')")
    op.execute(f"INSERT INTO {SCOPED}({SCOPED}) VALUES ('rebuild')")
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {SCOPED}")
    op.execute("DROP VIEW ticket_search_padded")
    op.execute(_view(scope=False))
    op.execute("ALTER TABLE ticket_search_docs DROP COLUMN scope")
    op.execute("DROP TRIGGER IF EXISTS ticket_search_docs_au")
    op.execute(_au(""))
