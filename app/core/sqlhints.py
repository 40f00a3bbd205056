"""Hints for the query planners, where one of them cannot know what the data looks like."""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


class _Likelihood(sa.sql.functions.FunctionElement):
    """A condition with SQLite's estimate of how often it holds: likelihood(condition, `probability`) on SQLite,
    the condition itself elsewhere (PostgreSQL keeps value histograms and needs no telling)."""

    type = sa.types.NullType()  # (a Boolean function would be compared with 1 on SQLite)
    inherit_cache = True
    probability: float


class rare(_Likelihood):
    """A condition few rows meet, e.g. an open status: rare(Ticket.status.in_(OPEN_STATES)).

    SQLite's planner has no value histograms: to it, six of the nine statuses are two thirds of
    the problems, when the open ones are a few percent. On SQLite this renders as
    likelihood(condition, 0.05), its way of being told, so the status index drives the query
    instead of a walk over every row; elsewhere (PostgreSQL keeps histograms) as the condition.
    """

    name = "rare"
    inherit_cache = True
    probability = 0.05


class likely(_Likelihood):
    """A condition most rows meet, e.g. a dispatch that was not returned: likely(DispatchRecord.returned_at.is_(None)).

    SQLite's planner takes `column IS NULL` on an indexed column for a selective condition and reads the
    column's index — every row but the few returned ones — instead of the index the rest of the statement
    names (a problem's records by ticket id: 60 ms instead of a fraction of one at 200,000 problems). On
    SQLite this renders as likelihood(condition, 0.95); elsewhere as the condition.
    """

    name = "likely"
    inherit_cache = True
    probability = 0.95


def _as_condition(element, compiler, **kw):
    (condition,) = element.clauses
    return compiler.process(condition, **kw)


def _as_likelihood(element, compiler, **kw):
    (condition,) = element.clauses
    return f"likelihood({compiler.process(condition, **kw)}, {element.probability})"


for _hint in (rare, likely):
    compiles(_hint)(_as_condition)
    compiles(_hint, "sqlite")(_as_likelihood)
