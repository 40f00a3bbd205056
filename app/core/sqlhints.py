"""Hints for the query planners, where one of them cannot know what the data looks like."""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


class rare(sa.sql.functions.FunctionElement):
    """A condition few rows meet, e.g. an open status: rare(Ticket.status.in_(OPEN_STATES)).

    SQLite's planner has no value histograms: to it, six of the nine statuses are two thirds of
    the problems, when the open ones are a few percent. On SQLite this renders as
    likelihood(condition, 0.05), its way of being told, so the status index drives the query
    instead of a walk over every row; elsewhere (PostgreSQL keeps histograms) as the condition.
    """

    type = sa.types.NullType()  # (a Boolean function would be compared with 1 on SQLite)
    name = "rare"
    inherit_cache = True


@compiles(rare)
def _rare(element, compiler, **kw):
    (condition,) = element.clauses
    return compiler.process(condition, **kw)


@compiles(rare, "sqlite")
def _rare_sqlite(element, compiler, **kw):
    (condition,) = element.clauses
    return f"likelihood({compiler.process(condition, **kw)}, 0.05)"


class likely(sa.sql.functions.FunctionElement):
    """A condition most rows meet, e.g. a dispatch that was not returned: likely(DispatchRecord.returned_at.is_(None)).

    SQLite's planner takes `column IS NULL` on an indexed column for a selective condition and reads the
    column's index — every row but the few returned ones — instead of the index the rest of the statement
    names (a problem's records by ticket id: 60 ms instead of a fraction of one at 200,000 problems). On
    SQLite this renders as likelihood(condition, 0.95); elsewhere as the condition.
    """

    type = sa.types.NullType()
    name = "likely"
    inherit_cache = True


@compiles(likely)
def _likely(element, compiler, **kw):
    (condition,) = element.clauses
    return compiler.process(condition, **kw)


@compiles(likely, "sqlite")
def _likely_sqlite(element, compiler, **kw):
    (condition,) = element.clauses
    return f"likelihood({compiler.process(condition, **kw)}, 0.95)"
