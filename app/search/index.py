"""Keeping `ticket_search_docs` (and through it the full-text index) in step with every write.

Every flush that adds or changes a problem's searchable text — a new problem, an edited title or
description, an answer, a comment, a note, a timeline event with a reason — rewrites that problem's
row in the same transaction (`after_flush` below), so a search never sees text the database has not
committed and never misses text it has. On SQLite, triggers on the row keep the FTS5 tables in step, and
the row's scope (the departments whose helpers see the problem, migration 0035) is written here and kept in
step with a change of department or of co-departments by triggers on tickets and ticket_co_departments;
on PostgreSQL the gram column is generated from the row itself, and holds the problem's department
(migration 0032: written here, and kept in step with a change of department by a trigger on tickets).

Bulk loads that bypass the ORM (the scale seed) call `rebuild()` once afterwards, as does
`flask search rebuild`.
"""
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.search.models import (DEPARTMENT_COLUMN, FTS_TABLE, SCOPE_COLUMN, SCOPED_FTS_TABLE, TITLES_FTS_TABLE,
                               TicketSearchDoc)

_TICKET_FIELDS = ("number", "title", "description", "reply_message")

# The triggers that keep the FTS5 tables in step with ticket_search_docs (migrations 0016 and 0033 create
# them with the tables; rebuild() drops and recreates them around a bulk refill). The index reads the rows
# through a view (ticket_search_padded) that ends every column with two newlines, so that every one-
# or two-character stretch of text begins some trigram (short queries use the vocabulary, queries.py).
PAD = "char(10, 10)"
_NEW = ", ".join(f"new.{c} || {PAD}" for c in ("number", "title", "body", "internal"))
_OLD = ", ".join(f"old.{c} || {PAD}" for c in ("number", "title", "body", "internal"))
SQLITE_TRIGGERS = {
    "ticket_search_docs_ai": (
        "CREATE TRIGGER ticket_search_docs_ai AFTER INSERT ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, number, title, body, internal) VALUES (new.ticket_id, {_NEW}); END"
    ),
    "ticket_search_docs_ad": (
        "CREATE TRIGGER ticket_search_docs_ad AFTER DELETE ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, number, title, body, internal) "
        f"VALUES ('delete', old.ticket_id, {_OLD}); END"
    ),
    "ticket_search_docs_au": (  # not on a change of scope alone (migration 0035): this index has no scope
        "CREATE TRIGGER ticket_search_docs_au AFTER UPDATE OF number, title, body, internal ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, number, title, body, internal) "
        f"VALUES ('delete', old.ticket_id, {_OLD}); "
        f"INSERT INTO {FTS_TABLE}(rowid, number, title, body, internal) VALUES (new.ticket_id, {_NEW}); END"
    ),
}
# The index of the numbers and titles alone (the first tier of a search, queries.py), read from the same view,
# with the problem's scope (migration 0036; see the scoped index below).
_NEW_TITLE = f"new.ticket_id, new.number || {PAD}, new.title || {PAD}, new.{SCOPE_COLUMN}"
_OLD_TITLE = f"'delete', old.ticket_id, old.number || {PAD}, old.title || {PAD}, old.{SCOPE_COLUMN}"
_TITLE_COLUMNS = f"number, title, {SCOPE_COLUMN}"
SQLITE_TRIGGERS.update({
    f"{TITLES_FTS_TABLE}_ai": (
        f"CREATE TRIGGER {TITLES_FTS_TABLE}_ai AFTER INSERT ON ticket_search_docs BEGIN "
        f"INSERT INTO {TITLES_FTS_TABLE}(rowid, {_TITLE_COLUMNS}) VALUES ({_NEW_TITLE}); END"
    ),
    f"{TITLES_FTS_TABLE}_ad": (
        f"CREATE TRIGGER {TITLES_FTS_TABLE}_ad AFTER DELETE ON ticket_search_docs BEGIN "
        f"INSERT INTO {TITLES_FTS_TABLE}({TITLES_FTS_TABLE}, rowid, {_TITLE_COLUMNS}) VALUES ({_OLD_TITLE}); END"
    ),
    f"{TITLES_FTS_TABLE}_au": (
        f"CREATE TRIGGER {TITLES_FTS_TABLE}_au AFTER UPDATE OF number, title, {SCOPE_COLUMN} ON ticket_search_docs "
        f"BEGIN INSERT INTO {TITLES_FTS_TABLE}({TITLES_FTS_TABLE}, rowid, {_TITLE_COLUMNS}) VALUES ({_OLD_TITLE}); "
        f"INSERT INTO {TITLES_FTS_TABLE}(rowid, {_TITLE_COLUMNS}) VALUES ({_NEW_TITLE}); END"
    ),
})

# SQLite: the index of every column and the problem's scope (migration 0035), for a helper's search. `scope`
# holds one token per department whose helpers see the problem — its department's and each open
# co-department's (协办) — three characters of the private use area, so each is one trigram found nowhere
# else: `{scope} : "<token>"` ANDed with the words makes FTS5 step through the department's matches alone.
# A separate index, not a column of the first: bm25, which ranks similar problems on that one
# (similarity.py), divides by each row's length in tokens, all columns together, and the tokens would
# change its candidates.
_COLUMNS = ("number", "title", "body", "internal")
_NEW_SCOPED = ", ".join([f"new.{c} || {PAD}" for c in _COLUMNS] + [f"new.{SCOPE_COLUMN}"])
_OLD_SCOPED = ", ".join([f"old.{c} || {PAD}" for c in _COLUMNS] + [f"old.{SCOPE_COLUMN}"])
_SCOPED_COLUMNS = ", ".join(_COLUMNS + (SCOPE_COLUMN,))
SQLITE_TRIGGERS.update({
    f"{SCOPED_FTS_TABLE}_ai": (
        f"CREATE TRIGGER {SCOPED_FTS_TABLE}_ai AFTER INSERT ON ticket_search_docs BEGIN "
        f"INSERT INTO {SCOPED_FTS_TABLE}(rowid, {_SCOPED_COLUMNS}) VALUES (new.ticket_id, {_NEW_SCOPED}); END"
    ),
    f"{SCOPED_FTS_TABLE}_ad": (
        f"CREATE TRIGGER {SCOPED_FTS_TABLE}_ad AFTER DELETE ON ticket_search_docs BEGIN "
        f"INSERT INTO {SCOPED_FTS_TABLE}({SCOPED_FTS_TABLE}, rowid, {_SCOPED_COLUMNS}) "
        f"VALUES ('delete', old.ticket_id, {_OLD_SCOPED}); END"
    ),
    f"{SCOPED_FTS_TABLE}_au": (
        f"CREATE TRIGGER {SCOPED_FTS_TABLE}_au AFTER UPDATE ON ticket_search_docs BEGIN "
        f"INSERT INTO {SCOPED_FTS_TABLE}({SCOPED_FTS_TABLE}, rowid, {_SCOPED_COLUMNS}) "
        f"VALUES ('delete', old.ticket_id, {_OLD_SCOPED}); "
        f"INSERT INTO {SCOPED_FTS_TABLE}(rowid, {_SCOPED_COLUMNS}) VALUES (new.ticket_id, {_NEW_SCOPED}); END"
    ),
})


def scope_token(department_id: int) -> str:
    """The index token of a department in `scope` (SQLite): the same characters as scope_sql's."""
    return chr(0xE000 + department_id // 4096) + chr(0xE000 + department_id % 4096) + chr(0xF8FF)


def scope_sql(ticket_id: str) -> str:
    """SQL (SQLite): the scope text of the problem whose id is the SQL expression `ticket_id` — the tokens of
    its department and of every department with an open co-department (协办) row on it, space-separated.
    At least the helper's scope (permissions.ticket_scope): a search still applies the scope itself, so a
    token too many costs a row read, never a wrong result. The inner tables have their own names (s, c), so
    `ticket_id` may name an outer `tickets`. Migration 0035 writes the same SQL out."""
    token = "char(57344 + d / 4096, 57344 + d % 4096, 63743)"
    return (f"coalesce((SELECT group_concat({token}, ' ') FROM ("
            f"SELECT s.department_id AS d FROM tickets AS s WHERE s.id = {ticket_id} AND s.department_id IS NOT NULL "
            f"UNION SELECT c.department_id FROM ticket_co_departments AS c "
            f"WHERE c.ticket_id = {ticket_id} AND c.ended_at IS NULL)), '')")


# Keep `scope` in step with what it is made of: a problem's department (dispatch, return, redispatch, a
# 共性问题's dispatch, plain SQL) and its open co-department rows (a dispatch names them, a return ends them).
_SCOPE_NOW = scope_sql("ticket_search_docs.ticket_id")
_RESCOPE = (f"UPDATE ticket_search_docs SET {SCOPE_COLUMN} = {_SCOPE_NOW} "
            "WHERE ticket_id IN ({ids}) AND " + f"{SCOPE_COLUMN} IS NOT {_SCOPE_NOW}; END")
SCOPE_TRIGGERS = {
    "tickets_search_scope": (
        "CREATE TRIGGER tickets_search_scope AFTER UPDATE OF department_id ON tickets "
        "WHEN old.department_id IS NOT new.department_id BEGIN " + _RESCOPE.format(ids="new.id")
    ),
    "ticket_co_departments_search_scope_ai": (
        "CREATE TRIGGER ticket_co_departments_search_scope_ai AFTER INSERT ON ticket_co_departments "
        "WHEN new.ticket_id IS NOT NULL BEGIN " + _RESCOPE.format(ids="new.ticket_id")
    ),
    "ticket_co_departments_search_scope_au": (
        "CREATE TRIGGER ticket_co_departments_search_scope_au "
        "AFTER UPDATE OF ticket_id, department_id, ended_at ON ticket_co_departments BEGIN "
        + _RESCOPE.format(ids="old.ticket_id, new.ticket_id")
    ),
    "ticket_co_departments_search_scope_ad": (
        "CREATE TRIGGER ticket_co_departments_search_scope_ad AFTER DELETE ON ticket_co_departments "
        "WHEN old.ticket_id IS NOT NULL BEGIN " + _RESCOPE.format(ids="old.ticket_id")
    ),
}


def _join(parts) -> str:
    return "\n".join(p for p in parts if p)


def document_rows(connection, ticket_ids) -> list[dict]:
    """The search rows of these problems, read from the tickets and their timelines (on PostgreSQL with
    the problem's department, which the gram column holds as a lexeme; on SQLite with its scope)."""
    from app.tickets.models import Ticket, TicketEvent

    ids = sorted(set(ticket_ids))
    postgresql = connection.dialect.name == "postgresql"
    scope = [] if postgresql else [sa.literal_column(scope_sql(f"{Ticket.__tablename__}.id"))
                                   .label(SCOPE_COLUMN)]
    tickets = connection.execute(
        sa.select(Ticket.id, Ticket.number, Ticket.title, Ticket.description, Ticket.reply_message,
                  Ticket.department_id, *scope)
        .where(Ticket.id.in_(ids))).all()
    texts: dict[int, tuple[list, list]] = {tid: ([], []) for tid in ids}
    for ticket_id, public, body in connection.execute(
            sa.select(TicketEvent.ticket_id, TicketEvent.public, TicketEvent.body)
            .where(TicketEvent.ticket_id.in_(ids), TicketEvent.body != "").order_by(TicketEvent.id)):
        texts[ticket_id][0 if public else 1].append(body)
    rows = []
    for t in tickets:
        public, internal = texts[t.id]
        body = [t.description]
        if t.reply_message and t.reply_message not in public:
            body.append(t.reply_message)
        row = {"ticket_id": t.id, "number": t.number, "title": t.title,
               "body": _join(body + public), "internal": _join(internal)}
        if postgresql:
            row[DEPARTMENT_COLUMN] = t.department_id
        else:
            row[SCOPE_COLUMN] = t.scope
        rows.append(row)
    return rows


def _rows_table(dialect: str):
    """ticket_search_docs as written: with the column the model leaves out (PostgreSQL: the department;
    SQLite: the scope)."""
    extra = DEPARTMENT_COLUMN if dialect == "postgresql" else SCOPE_COLUMN
    return sa.table(TicketSearchDoc.__tablename__,
                    *(sa.column(c.name) for c in TicketSearchDoc.__table__.columns), sa.column(extra))


def refresh(connection, ticket_ids) -> None:
    """Rewrite the search rows of these problems (inside the caller's transaction)."""
    if not ticket_ids:
        return
    rows = document_rows(connection, ticket_ids)
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(_rows_table(connection.dialect.name))
    written = [name for name in rows[0] if name != "ticket_id"]
    stmt = stmt.on_conflict_do_update(index_elements=["ticket_id"],
                                      set_={name: stmt.excluded[name] for name in written})
    connection.execute(stmt, rows)


def _touched_tickets(session: Session) -> set[int]:
    from app.tickets.models import Ticket, TicketEvent

    ids = set()
    for obj in session.new:
        if isinstance(obj, Ticket) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, TicketEvent) and obj.body and obj.ticket_id is not None:
            ids.add(obj.ticket_id)
    for obj in session.dirty:
        if isinstance(obj, Ticket):
            state = sa.inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _TICKET_FIELDS):
                ids.add(obj.id)
        elif isinstance(obj, TicketEvent):
            state = sa.inspect(obj)
            if state.attrs.body.history.has_changes() or state.attrs.public.history.has_changes():
                ids.add(obj.ticket_id)
    return ids


_paused: ContextVar[bool] = ContextVar("search_index_paused", default=False)


@contextmanager
def paused():
    """Writes inside leave the search rows alone: for code that runs against a schema older than
    migration 0016 (which fills the rows from the problems when it runs)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    if _paused.get():
        return
    ids = _touched_tickets(session)
    if ids:
        refresh(session.connection(), ids)


def rebuild(connection) -> int:
    """Refill every search row from the problems and their timelines (on PostgreSQL with each problem's
    department; on SQLite with its scope, then the FTS5 indexes from the rows); returns the number of problems. One
    set-based statement, then the index."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        newline, agg = "char(10)", "group_concat(e.body, char(10))"
        truth = "1"
        department = (f", {SCOPE_COLUMN}", ", " + scope_sql("t.id"))
    else:
        newline, agg = "E'\\n'", "string_agg(e.body, E'\\n' ORDER BY e.id)"
        truth = "true"
        department = (f", {DEPARTMENT_COLUMN}", ", t.department_id")
    connection.exec_driver_sql("DELETE FROM ticket_search_docs")
    events = ("(SELECT {agg} FROM ticket_events e WHERE e.ticket_id = t.id AND e.public = {flag} "
              "AND e.body <> '')")
    public = events.format(agg=agg, flag=truth)
    internal = events.format(agg=agg, flag="0" if sqlite else "false")
    answer = (f"CASE WHEN t.reply_message = '' OR EXISTS (SELECT 1 FROM ticket_events r WHERE r.ticket_id = t.id "
              f"AND r.public = {truth} AND r.body = t.reply_message) THEN '' ELSE {newline} || t.reply_message END")
    connection.exec_driver_sql(
        f"INSERT INTO ticket_search_docs (ticket_id, number, title, body, internal{department[0]}) "
        f"SELECT t.id, t.number, t.title, t.description || {answer} || coalesce({newline} || {public}, ''), "
        f"coalesce({internal}, ''){department[1]} FROM tickets t")
    if sqlite:
        for table in (FTS_TABLE, TITLES_FTS_TABLE, SCOPED_FTS_TABLE):
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        for ddl in SQLITE_TRIGGERS.values():
            connection.exec_driver_sql(ddl)
    return connection.execute(sa.select(sa.func.count()).select_from(TicketSearchDoc.__table__)).scalar_one()
