"""Searching problems: the matching condition for a typed query, ranking tiers, highlighting.

A query is split on white space into terms; a problem matches when every term occurs (as typed,
ignoring case) in one of the searched columns. Terms of three characters or more go through the
full-text index (SQLite FTS5 trigram MATCH; PostgreSQL ILIKE read through the pg_trgm GIN indexes).
A shorter term — one or two Chinese characters, which have no trigram — is matched with LIKE over
the same rows: correct, but a scan (docs/benchmarks.md gives the cost).

Relevance has two tiers: problems whose number or title matches come first, then those matching
in the description, the answer, comments (and internal notes for staff); newest first within each.
Each tier is one keyset segment, so a page costs the same at any depth and for common words.
"""
import re

import sqlalchemy as sa
from markupsafe import Markup, escape

from app.accounts.models import Role
from app.search.models import FTS_TABLE, TicketSearchDoc
from app.tickets.models import Ticket

MIN_INDEXED = 3  # the trigram tokenizer's (and pg_trgm's) shortest searchable term
MAX_TERMS = 6

_fts = sa.table(FTS_TABLE, sa.column("rowid"), sa.column(FTS_TABLE))

TITLE_COLUMNS = ("number", "title")
PUBLIC_COLUMNS = ("number", "title", "body")
STAFF_COLUMNS = ("number", "title", "body", "internal")


def terms(q: str | None) -> list[str]:
    """The query's terms: white-space separated, distinct, at most MAX_TERMS."""
    seen = []
    for term in (q or "").split():
        term = term.strip()[:100]
        if term and term.lower() not in (t.lower() for t in seen):
            seen.append(term)
    return seen[:MAX_TERMS]


def searched_columns(user) -> tuple[str, ...]:
    """Internal notes are searched for staff only (companies never match on them)."""
    return STAFF_COLUMNS if user.role in Role.STAFF else PUBLIC_COLUMNS


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(column, term: str, dialect: str):
    if dialect == "postgresql":
        return column.ilike("%" + _escape_like(term) + "%", escape="\\")
    return column.like("%" + _escape_like(term) + "%", escape="\\")  # SQLite LIKE ignores ASCII case


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching_ids(q: str, columns: tuple[str, ...], dialect: str) -> sa.Select | None:
    """SELECT of the ids of problems where every term of q occurs in one of `columns`; None when q has no term."""
    words = terms(q)
    if not words:
        return None
    doc = TicketSearchDoc
    if dialect == "sqlite":
        long = [w for w in words if len(w) >= MIN_INDEXED]
        short = [w for w in words if len(w) < MIN_INDEXED]
        if long:
            scope = "{" + " ".join(columns) + "}"
            expression = " AND ".join(f"{scope} : {_fts_phrase(w)}" for w in long)
            stmt = sa.select(_fts.c.rowid.label("ticket_id")).where(_fts.c[FTS_TABLE].op("MATCH")(expression))
            if short:  # the indexed terms narrow the rows first; the short ones are checked on those
                stmt = (sa.select(doc.ticket_id).where(doc.ticket_id.in_(stmt)))
        else:
            stmt = sa.select(doc.ticket_id)
        for w in short:
            stmt = stmt.where(sa.or_(*(_like(getattr(doc, c), w, dialect) for c in columns)))
        return stmt
    stmt = sa.select(doc.ticket_id)
    for w in words:
        stmt = stmt.where(sa.or_(*(_like(getattr(doc, c), w, dialect) for c in columns)))
    return stmt


def search_condition(user, q: str, dialect: str):
    """WHERE condition on Ticket: the problem matches q in the columns `user` may search."""
    ids = matching_ids(q, searched_columns(user), dialect)
    return None if ids is None else Ticket.id.in_(ids)


def title_condition(q: str, dialect: str):
    """WHERE condition on Ticket: q matches in the number or title (the first relevance tier)."""
    ids = matching_ids(q, TITLE_COLUMNS, dialect)
    return None if ids is None else Ticket.id.in_(ids)


# ---------------------------------------------------------------- highlighting

def _pattern(words) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, words) -> Markup:
    """text escaped, then every occurrence of a term wrapped in <mark> (escape first, then mark)."""
    text = text or ""
    pattern = _pattern(words)
    if pattern is None:
        return Markup(escape(text))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, words, width: int = 40) -> Markup | None:
    """A stretch of text around the first occurrence of a term, highlighted; None when none occurs."""
    pattern = _pattern(words)
    if not text or pattern is None:
        return None
    m = pattern.search(text)
    if m is None:
        return None
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    piece = " ".join(text[start:end].split())
    return (Markup("…") if start else Markup("")) + highlight(piece, words) + (Markup("…") if end < len(text) else Markup(""))


class Snippets:
    """What the list shows under each found problem: the title highlighted, and where the words
    were found when not in the title (description, comments, or — for staff — an internal note)."""

    def __init__(self, q: str, docs: dict[int, TicketSearchDoc], *, include_internal: bool):
        self.words = terms(q)
        self.docs = docs
        self.include_internal = include_internal

    def title(self, ticket) -> Markup:
        return highlight(ticket.title, self.words)

    def found(self, ticket) -> tuple[str, Markup] | None:
        """("body" | "internal", highlighted stretch) or None."""
        doc = self.docs.get(ticket.id)
        if doc is None:
            return None
        for kind in ("body", "internal") if self.include_internal else ("body",):
            piece = snippet(getattr(doc, kind), self.words)
            if piece is not None:
                return kind, piece
        return None


def load_snippets(session, q: str, tickets, user) -> Snippets:
    """One query: the search rows of the tickets on the page."""
    ids = [t.id for t in tickets]
    docs = {d.ticket_id: d for d in session.scalars(sa.select(TicketSearchDoc).where(TicketSearchDoc.ticket_id.in_(ids)))} if ids else {}
    return Snippets(q, docs, include_internal=user.role in Role.STAFF)
