"""Declarative base, naming convention and column types shared by every model."""
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp always stored as UTC and always read back timezone-aware.

    SQLite has no time zones, PostgreSQL has; storing naive UTC in both keeps
    comparisons and indexes identical on the two databases.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


# SQLite reads the database file through a memory map of up to this size (capped by the library, 2 GB as built
# on Linux): a page read is then a memory access to the operating system's page cache instead of a read() into
# SQLite's own cache of 2 MB per connection. A search's count reads about a thousand problems' rows scattered
# over the table, each a page outside that cache (docs/benchmarks.md, issue 16: 5.8 -> 3.9 ms for that count).
# Shared by every connection and process (no copy per connection, as a larger cache_size would make).
SQLITE_MMAP_BYTES = 2 * 1024 ** 3


def postgresql_engine_options(options: dict) -> dict:
    """The engine options with every PostgreSQL session's JIT compilation off (`-c jit=off`).

    PostgreSQL compiles a statement whose estimated cost passes jit_above_cost (100,000) to machine code
    before running it: worth it for a report scanning millions of rows, not for a page's statements, which
    run in milliseconds. At 1,000,000 problems a helper's search count (estimated 103,694, run in 50 ms)
    spent 144 ms compiling (docs/benchmarks.md, issue 16)."""
    connect_args = dict(options.get("connect_args", {}))
    connect_args["options"] = (connect_args.get("options", "") + " -c jit=off").strip()
    return {**options, "connect_args": connect_args}


def configure_sqlite(engine) -> None:
    """Foreign keys on, WAL, a busy timeout, a memory-mapped file, and transactions we control.

    pysqlite's own transaction handling breaks SAVEPOINT (used by the test
    fixture) and starts transactions lazily; emitting BEGIN ourselves fixes both.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writes_expected() else "BEGIN")


def _writes_expected() -> bool:
    """Writing requests and CLI commands take SQLite's write lock up front.

    A deferred transaction that reads and then writes fails at once with
    SQLITE_BUSY when another writer got in between (WAL snapshot conflict);
    BEGIN IMMEDIATE queues writers behind each other under busy_timeout instead,
    while GET requests stay deferred so readers never wait on writers.
    """
    from flask import g, has_request_context, request

    if has_request_context():
        if g.get("writes_expected"):  # e.g. the audit record of a refused GET (app.core.audit)
            return True
        if request.path.startswith("/api/") and "Authorization" in request.headers:
            # Token authentication writes its bookkeeping (last_used_at) even on a GET; a deferred
            # transaction that has read cannot take the write lock once another writer got in.
            return True
        return request.method not in ("GET", "HEAD", "OPTIONS")
    return True


class in_computed_first(sa.sql.expression.ColumnElement):
    """column IN (select), the select's values computed once before the statement: for a short list of ids
    that other conditions are OR-ed with (a helper's open co-department (协办) problems), or the few ids a
    limited select picks first (a workbench list's twenty, monitoring.queries._first_by_due_date).

    On PostgreSQL `column = ANY(ARRAY(select))`: an init plan, computed once, whose ids the column's index
    reads — in a bitmap OR with the other arm's index, or row by row under a nested loop. As IN (select)
    under an OR, PostgreSQL makes it a hashed SubPlan and charges building the hash again at every rescan
    of an index scan holding it, so no plan read the problems by key under a helper's scope: each search
    was a scan of every problem (docs/benchmarks.md, issue 16). Elsewhere IN (select), as before."""

    type = sa.types.NullType()  # (a Boolean would be compared with 1 on SQLite, as in core.sqlhints)
    inherit_cache = True
    _traverse_internals = [("column", sa.sql.visitors.InternalTraversal.dp_clauseelement),
                           ("select", sa.sql.visitors.InternalTraversal.dp_clauseelement)]

    def __init__(self, column, select):
        self.column = column
        self.select = select


@compiles(in_computed_first)
def _in_computed_first(element, compiler, **kw):
    return compiler.process(element.column.in_(element.select), **kw)


@compiles(in_computed_first, "postgresql")
def _in_computed_first_postgresql(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY (ARRAY{compiler.process(element.select.scalar_subquery(), **kw)})"
