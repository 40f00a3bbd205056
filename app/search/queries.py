"""Searching problems: the matching condition for a typed query, ranking tiers, highlighting.

A query is split on white space into terms; a problem matches when every term occurs (as typed,
ignoring case) in one of the searched columns: number, title, body (description, answer, public
timeline text) and, for staff, internal (internal notes). See `Search` for how each database's
engine answers it, including terms of one or two Chinese characters, which have no trigram.

Relevance has two tiers: problems whose number or title matches come first, then those matching
in the description, the answer, comments (and internal notes for staff); newest first within each.
Each tier is one keyset segment, so a page costs the same at any depth and for common words.

Which side drives the search depends on the size of the caller's scope (with its filters), counted
once per request up to NARROW_SCOPE: a wide scope (a manager, a large department) walks the full-text
index newest first and stops when the page is full; a narrow one (an escort, a company, a small
department, a manager filtering by company) reads its own problems through the scope's indexes and
checks each one's search row — the walk would pass most matches of a common word before finding a
page of the scope's. Both give the same problems in the same order (tests/search/test_search.py).
"""
import hashlib
import re

import sqlalchemy as sa
from flask import current_app, request
from markupsafe import Markup, escape
from sqlalchemy.orm import lazyload

from app.accounts.models import Role

from app.core.pagination import (COUNT_CAP, Key, KeysetPage, Segment, bounded_count, decode_token, desc,
                                 keyset_page)
from app.monitoring import aggregates
from app.search import grams
from app.search.index import scope_token
from app.search.models import FTS_TABLE, SCOPE_COLUMN, SCOPED_FTS_TABLE, TITLES_FTS_TABLE, TicketSearchDoc
from app.tickets.models import Ticket

MIN_INDEXED = 3  # the trigram tokenizer's (and pg_trgm's) shortest searchable term
MAX_TERMS = 6
NARROW_SCOPE = 3000  # a scope of at most this many problems is walked from its side (docs/benchmarks.md)
MAX_EXPANSION = 1000  # trigrams a one- or two-character term may stand for before LIKE takes over
FEW_MATCHES = 1000  # PostgreSQL: a tier's matches read through the index and sorted when at most this many

_STATEMENTS: dict = {}  # the SQL of the scopes' statements by their shape (Search._scope_size)

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


def _fts(name: str, table: str = FTS_TABLE):
    return sa.table(table, sa.column("rowid"), sa.column(table)).alias(name)


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(column, term: str, dialect: str):
    pattern = "%" + _escape_like(term) + "%"
    if dialect == "postgresql" and term.lower() != term.upper():
        return column.ilike(pattern, escape="\\")
    if dialect == "postgresql":  # no letter with a case (Chinese, digits): LIKE, a byte match, 5-10x cheaper per row
        return column.like(pattern, escape="\\")
    return column.like(pattern, escape="\\")  # SQLite's LIKE ignores ASCII case


def _where(columns) -> str:
    """Which of the gram column's name spaces `columns` are (app/search/grams.py)."""
    if tuple(columns) == TITLE_COLUMNS:
        return grams.TITLE
    if tuple(columns) == PUBLIC_COLUMNS:
        return grams.PUBLIC
    return grams.STAFF


def _unestimated(condition):
    """The exact LIKE check on the rows the gram index found, as COALESCE(…, false): the same rows, but
    PostgreSQL estimates it at a flat 0.5 instead of from the columns' histograms. It re-checks the very
    words the index condition was estimated for, and multiplying both estimates would make every common
    word look rare — a bitmap of tens of thousands of rows where walking newest first stops after a page."""
    return sa.func.coalesce(condition, sa.false())


class Search:
    """A typed query for one user: the condition for a plain filter (the ledger export), the two
    relevance tiers as keyset segments (the list page, the API) and the bounded count.

    SQLite: one FTS5 MATCH expression per use, joined to tickets on the rowid and walked in rowid
    order, so a page stops after its rows however common the words: a term of three characters or
    more is a phrase; a shorter one is the OR of the indexed trigrams that begin with it (read from
    the FTS5 vocabulary; the padded columns make every occurrence begin one); the number/title tier reads
    an index of the numbers and titles alone. PostgreSQL: the gram
    index (`grams @@` each word's rarest character pair or character, app/search/grams.py) narrows the
    search rows, then ILIKE on them keeps the result exact (LIKE for words without upper/lower case).
    A narrow scope (is_narrow) instead checks the search row of each of its problems (_narrow_matches).
    On PostgreSQL a helper's search also names their department in the index condition (_ids).

    The conditions assume the statement they are put on is within `user`'s scope (visible_tickets):
    a helper's leave out what is neither their department's nor an open co-department's.
    """

    def __init__(self, user, q: str | None, session):
        self.words = terms(q)
        self.columns = searched_columns(user)
        self.dialect = session.get_bind().dialect.name
        self.department = _scope_department(user)
        self._scope = aggregates.scope_key(user)
        self.fts = self.dialect == "sqlite"
        self._narrow = None
        self._narrow_ids = None
        self.in_scope = None
        self._grams_stats = None
        self._reads = {}
        self._first_ids = None
        self._session = session
        if self.dialect == "postgresql" and self.words:
            self._frequencies()
        if self.fts and self.words:
            expansions = {}
            for w in self.words:
                if len(w) < MIN_INDEXED:
                    expansions[w] = _expand(session, w)
                    if expansions[w] is not None and len(expansions[w]) > MAX_EXPANSION:
                        self.fts = False  # too many trigrams: LIKE over the rows (docs/benchmarks.md)
            self.everywhere = _expression(self.words, self.columns, expansions)
            self.in_title = _expression(self.words, TITLE_COLUMNS, expansions)
            # A helper's: the department's token in the scoped index (migration 0035), ANDed with the words.
            if self.department is not None:
                self.in_scope = f"{{{SCOPE_COLUMN}}} : {_phrase(scope_token(self.department))}"

    def __bool__(self) -> bool:
        return bool(self.words)

    def _match(self, alias: str, expression: str | None, fts_table: str = FTS_TABLE):
        table = _fts(alias, fts_table)
        if expression is None:
            return table, sa.false()
        return table, sa.and_(table.c.rowid == Ticket.id, table.c[fts_table].op("MATCH")(expression))

    def _scoped(self, expression: str | None, *, titles: bool = False) -> tuple[str | None, str]:
        """SQLite: (the MATCH expression, the FTS5 table) of the wide path's tiers and count. A helper's reads
        the scoped index with their department's token ANDed (migrations 0035 and, for the titles, 0036):
        FTS5 steps through the department's matches alone, where the index of 0016 gave every match in the
        district, each then read from tickets and dropped when not the department's (38,000 of them to count
        1,001 for a word in most problems: 20–40 ms at 200,000; every title holding a word common in the
        district and absent from the department, twice a page: docs/benchmarks.md). The statement keeps the
        scope's own condition: the token marks at least the problems in the helper's scope (lead and open
        co-department)."""
        table = TITLES_FTS_TABLE if titles else FTS_TABLE
        if expression is None or self.in_scope is None:
            return expression, table
        return f"({expression}) AND ({self.in_scope})", TITLES_FTS_TABLE if titles else SCOPED_FTS_TABLE

    @staticmethod
    def _segment(table, condition, expression) -> Segment:
        if expression is None:  # nothing can match: no FTS table in the statement at all
            return Segment((desc(Ticket.id),), where=sa.false())
        return Segment((Key(table.c.rowid.label("id"), True),), where=condition)

    def condition(self):
        """WHERE condition on a Ticket select: the problem matches."""
        if self.fts:
            return self._match("search_match", self.everywhere)[1]
        return Ticket.id.in_(self._ids(self.columns, self._row_condition(self.columns), unordered=True))

    def is_narrow(self, stmt) -> bool:
        """Whether the scoped, filtered select (without the search) holds at most NARROW_SCOPE problems:
        one bounded count, read through the scope's own indexes (company, department), remembered."""
        if stmt is None:
            return False
        if self._narrow is None:
            self._narrow = self._scope_size(stmt) <= NARROW_SCOPE
        return self._narrow

    def _scope_size(self, stmt) -> int:
        """The bounded count of is_narrow. On PostgreSQL shared by the scope's users for the aggregates' minute
        (app.monitoring.aggregates; never in tests), keyed by the statement: it reads up to 3,001 problems
        from the heap (30–40 ms for a department at 1,000,000 problems, docs/benchmarks.md), it does not
        depend on the words, and it only chooses the path — both give the same problems, so a size a minute
        old costs at most a slower plan."""
        cache_key = stmt._generate_cache_key() if self.dialect == "postgresql" else None
        if cache_key is None:
            return bounded_count(stmt, NARROW_SCOPE)
        # The statement's SQL (compiled once per shape, as SQLAlchemy's own cache does) and its values.
        if len(_STATEMENTS) > 1000:
            _STATEMENTS.clear()
        key = hashlib.sha1(cache_key.to_offline_string(_STATEMENTS, stmt, {}).encode()).hexdigest()
        return aggregates.shared("search-scope-size", self._scope, lambda: bounded_count(stmt, NARROW_SCOPE),
                                 key, NARROW_SCOPE).value

    def _row_condition(self, columns, *, not_in_title: bool = False):
        """On a search row: every word in one of `columns`; not_in_title: and not every word in the
        number or title (the second tier, decided on the same row)."""
        doc = TicketSearchDoc

        def every_word_in(cols):
            return sa.and_(*(sa.or_(*(_like(getattr(doc, c), w, self.dialect) for c in cols)) for w in self.words))

        row = every_word_in(columns)
        if not_in_title:
            row = sa.and_(row, sa.not_(every_word_in(TITLE_COLUMNS)))
        return row

    def _frequencies(self):
        """PostgreSQL: the statistics of the words' grams (one statement per search, read whichever path
        the search takes, so that a page's statements do not depend on the size of the scope). They change
        with ANALYZE only: shared for the aggregates' minute (reading them unnests the column's 10,000 most
        common elements, 2–7 ms)."""
        if self._grams_stats is None:
            lexemes = grams.lexemes(self.words, grams.TITLE) + grams.lexemes(self.words, _where(self.columns))
            if self.department is not None:
                lexemes.append(grams.department_lexeme(self.department))
            key = hashlib.sha1(" ".join(sorted(set(lexemes))).encode()).hexdigest()
            self._grams_stats = aggregates.shared(
                "search-gram-stats", "district", lambda: grams.Frequencies(self._session, lexemes), key).value
        return self._grams_stats

    def _reads_index(self, columns) -> bool:
        """PostgreSQL, the wide path: whether this tier reads its matches through the index (the words' grams
        with every letter-and-digit triple, and for a helper their department's arms: grams.matches), or
        leaves the planner a walk of the problems newest first (the words' rarest gram alone, no department).

        The index read fetches every row it finds and sorts them: cheap when they are few (at most
        FEW_MATCHES), where a walk newest first could pass the whole scope (a rare word; a problem number,
        whose every gram is in thousands of problems while all of them are in one). The walk stops when the
        page is full: cheap when matches are many. How many the index read would fetch is taken from the
        statistics when they settle it — the rarest gram in at most FEW_MATCHES problems; an expected count
        (the grams' frequencies multiplied, a helper's share of the problems) of at least 8 x FEW_MATCHES —
        and otherwise counted, bounded, in one statement for both tiers (_probe): topic and department are
        not independent (技改补助, 1,610 expected in a department at 1,000,000 problems, has 8,629 there),
        nor are a number's digits. Either way the rows are the same: the LIKE check decides them."""
        if self.dialect != "postgresql":
            return False
        where = _where(columns)
        if where not in self._reads:
            self._reads[where] = self._settled(where)
        if self._reads[where] is None:
            self._probe()
        return self._reads[where]

    def _settled(self, where: str) -> bool | None:
        """_reads_index from the statistics alone (None: count)."""
        stats = self._frequencies()
        tight = grams.tsquery(self.words, where, stats, tight=True)
        if self.department is None and tight == grams.tsquery(self.words, where, stats, single=True):
            return False  # the same condition either way: the planner chooses from the statistics
        if not stats.analysed or tight is None:
            return True
        if grams.rarest_count(self.words, where, stats) <= FEW_MATCHES:
            return True
        expected = grams.estimate(self.words, where, stats, tight=True)
        if self.department is not None:
            expected *= stats.count(grams.department_lexeme(self.department)) / stats.total
        return False if expected >= 8 * FEW_MATCHES else None

    def _probe(self):
        """Count, at most FEW_MATCHES + 1, the search rows each unsettled tier's index read would fetch."""
        for where in (grams.TITLE, _where(self.columns)):  # both tiers in the one statement
            if where not in self._reads:
                self._reads[where] = self._settled(where)
        unsettled = [where for where, reads in self._reads.items() if reads is None]
        conditions = [grams.matches(self.words, where, self._frequencies(), department=self.department, tight=True)
                      for where in unsettled]
        for where, count in zip(unsettled, grams.bounded_counts(self._session, conditions, FEW_MATCHES),
                                strict=True):
            self._reads[where] = count <= FEW_MATCHES

    def _ids(self, columns, exact, *, unordered: bool = False):
        """SELECT of the ids of the problems whose search row satisfies `exact` (every word in `columns`),
        through the gram index on PostgreSQL.

        Reading the index (_reads_index): the words' grams with every letter-and-digit triple, and for a
        helper their department — its lexeme in the same index condition as the words, so GIN intersects the
        words' and the department's posting lists (migration 0032) — OR, as a second arm of the same GIN
        index, the words in a problem the department is an open co-department (协办) of (migration 0037: one
        bitmap OR of two scans; the co-department problems' ids given as an array were looked up one by one
        by key in every statement, 14 ms for 1,711 at 200,000 problems). Otherwise the rarest of the words'
        grams alone, whose count the planner then expects, and it walks the scope newest first.

        unordered (the count, a plain filter): a helper's department is named whatever the matches' number —
        nothing stops early there, and the index finds a subset of the scope's problems to check (without it
        the count of a common word walked the department's problems: 111 ms at 200,000 problems)."""
        ids = sa.select(TicketSearchDoc.ticket_id)
        if self.dialect != "postgresql":
            return ids.where(exact)
        reads = self._reads_index(columns)
        condition = grams.matches(self.words, _where(columns), self._frequencies(), tight=reads,
                                  department=self.department if reads or unordered else None,
                                  single=not (reads or unordered))
        return ids.where(exact) if condition is None else ids.where(condition, _unestimated(exact))

    def _narrow_matches(self, stmt) -> tuple[list[int], list[int]]:
        """The narrow path's matches in `stmt` (the scope with its filters), newest first: the ids whose number or
        title holds every word, and the others holding them in a searched column. One pass over the scope's
        problems, found through its own indexes, each one's search row read by key and checked (LIKE) — was one
        pass per tier and one more for the count, each over the whole scope (12–16 ms each for an escort's 1,957
        problems at 1,000,000 on PostgreSQL; docs/benchmarks.md). Remembered for the request's page and count.

        Not FTS5 `rowid = ?` on SQLite: a row that does not match makes FTS5 read on through the term's whole
        doclist for the next one that does (20 ms a problem for `协调` at 200,000 problems); a LIKE over one row
        is a few microseconds."""
        if self._narrow_ids is None or self._narrow_ids[0] is not stmt:
            doc = TicketSearchDoc
            in_title = sa.case((self._row_condition(TITLE_COLUMNS), 1), else_=0)
            rows = self._session.execute(
                stmt.options(lazyload("*")).order_by(None)
                .with_only_columns(Ticket.id, in_title, maintain_column_froms=True)
                .join(doc, doc.ticket_id == Ticket.id).where(self._row_condition(self.columns))).all()
            title = sorted((i for i, titled in rows if titled), reverse=True)
            rest = sorted((i for i, titled in rows if not titled), reverse=True)
            self._narrow_ids = (stmt, title, rest)
        return self._narrow_ids[1], self._narrow_ids[2]

    def _narrow_segments(self, stmt, *, after=None, before=None, per_page=None) -> list[Segment]:
        """The same two tiers in the same order, driven from the scope (_narrow_matches): each tier's problems
        read by key, newest first. With per_page, each tier names only the ids the page can reach from its token
        (after / before): at most per_page + 1 beyond it — a thousand ids bound into each statement cost more to
        send than the search (15–20 ms a request)."""
        # Ordered by id + 0, which no index provides: the planner cannot choose to walk every problem newest first
        # looking for the listed ones; it reads them by key and sorts them. The tokens are the wide path's (the id).
        newest = Key((Ticket.id + 0).label("id"), True)
        tiers = [list(ids) for ids in self._narrow_matches(stmt)]
        if per_page:
            token = decode_token(before or after, [Segment((newest,))] * len(tiers))
            start, value = (token[0], token[2][0]) if token and isinstance(token[2][0], int) else (0, None)
            backward = bool(before) and value is not None  # going back: the ids just before the token, nearest last
            for index, ids in enumerate(tiers):
                if index == start and value is not None:
                    ids = [i for i in ids if (i > value if backward else i < value)]
                elif index > start if backward else index < start:
                    ids = []  # on the other side of the token's tier
                tiers[index] = ids[-(per_page + 1):] if backward else ids[:per_page + 1]
        return [Segment((newest,), where=Ticket.id.in_(ids) if ids else sa.false()) for ids in tiers]

    def segments(self, stmt=None, *, after: str | None = None, per_page: int | None = None,
                 before: str | None = None) -> list[Segment]:
        """Number or title matches first, then the rest; newest (highest id) first within each.

        stmt: the scoped, filtered select the segments will page. A narrow one (is_narrow) is walked
        from the scope's side (each of its problems checked by id); otherwise the index is walked
        newest first until the page is full.
        per_page (with stmt; after / before: the page token, if any): a narrow scope's tiers name only the
        problems the page can reach; going forward on the wide path, when the first tier alone fills the page,
        the second is left out of this page's statement (see _first_tier_fills)."""
        segments = self._segments(stmt, after=after, before=before, per_page=per_page)
        if stmt is not None and per_page and not before and not self.is_narrow(stmt) \
                and self._first_tier_fills(stmt, segments[0], after, per_page):
            segments[1] = Segment((desc(Ticket.id),), where=sa.false())  # no FTS table in it at all
            if self._first_ids is not None:
                # PostgreSQL: the page's rows are the ones the bounded read just found (the first per_page + 1
                # of the tier after the token, in its order): read by key, not found again by a second walk.
                segments[0] = Segment(segments[0].keys, where=Ticket.id.in_(self._first_ids))
        return segments

    def _first_tier_fills(self, stmt, first: Segment, after: str | None, per_page: int) -> bool:
        """Whether the number/title tier holds a whole page (per_page + 1 rows) after the token: one
        bounded read of that tier, walked in its order. Then the page never reaches the second tier,
        and its statement need not look for it: a second tier with (almost) no rows — a word found in
        titles and in the same problems' descriptions — is otherwise walked to the end (PostgreSQL:
        4 s at 1,000,000 problems). Not done when a word has no gram on PostgreSQL (punctuation only)
        nor, on SQLite, when a short word is read by LIKE (the title tier is then read without an
        index: doing it twice would double that)."""
        if self.dialect == "postgresql" and not all(grams.word_grams(w) for w in self.words):
            return False  # a word with no gram (punctuation only): the title tier has no index
        if self.dialect != "postgresql" and not self.fts and any(len(w) < MIN_INDEXED for w in self.words):
            return False
        token = decode_token(after, [first, first]) if after else None
        if token is not None and token[0] != 0:
            return False  # the page starts in the second tier
        (key,) = first.keys
        rows = stmt.where(first.where)
        if token is not None:
            rows = rows.where(key.column < token[2][0])
        if self.dialect == "postgresql":  # the rows themselves (their ids), for the page to reuse (segments)
            ids = self._session.scalars(rows.options(lazyload("*")).with_only_columns(
                Ticket.id, maintain_column_froms=True).order_by(key.order()).limit(per_page + 1)).all()
            self._first_ids = ids if len(ids) > per_page else None
            return len(ids) > per_page
        return bounded_count(rows.order_by(key.order()), per_page, keep_order=True) > per_page

    def _segments(self, stmt, **page) -> list[Segment]:
        if self.is_narrow(stmt):
            return self._narrow_segments(stmt, **page)
        if self.fts:
            # The first tier from the index of the numbers and titles alone (migration 0033): from the index of
            # every column, a word in most problems' text but in no title was a read of its whole doclist.
            title_table, in_title = self._match("search_title", *self._scoped(self.in_title, titles=True))
            rest, text_fts = self._scoped(self.everywhere)  # a helper's: ((words) AND (scope)) NOT (title)
            if rest is not None and self.in_title is not None:
                rest = f"({rest}) NOT ({self.in_title})"
            text_table, in_text = self._match("search_text", rest, text_fts)
            return [self._segment(title_table, in_title, self.in_title), self._segment(text_table, in_text, rest)]
        # PostgreSQL: the gram index (grams @@ the words' grams) narrows each tier, the LIKE check on the
        # same row keeps the result exact. The planner picks, from the grams' statistics, a walk of the
        # problems newest first (common words: it stops when the page is full) or a bitmap of the index
        # (rare words). The second tier is decided on each row (in the text, not in the title): not a NOT
        # IN of every title match, which PostgreSQL hashed in full first (1.4 s for 60,000 title matches).
        title_ids = self._ids(TITLE_COLUMNS, self._row_condition(TITLE_COLUMNS))
        text_ids = self._ids(self.columns, self._row_condition(self.columns, not_in_title=True))
        return [Segment((desc(Ticket.id),), where=Ticket.id.in_(title_ids)),
                Segment((desc(Ticket.id),), where=Ticket.id.in_(text_ids))]

    def page(self, stmt, *, filtered: bool = True, **kwargs) -> KeysetPage:
        """One page of `stmt` (scoped and filtered, without the search) in relevance order, with the
        count bounded as on every list (COUNT_CAP). filtered=False: `stmt` holds the scope's condition alone
        (no filter chosen), which lets a helper's count on PostgreSQL start from the index (_count_from_index)."""
        per_page = min(kwargs.get("per_page") or current_app.config["ITEMS_PER_PAGE"], 200)
        after, before = kwargs.get("after"), kwargs.get("before")
        if after is None and before is None:  # as keyset_page reads them
            after, before = request.args.get("after"), request.args.get("before")
        segments = self.segments(stmt, after=after, before=before, per_page=per_page)
        page = keyset_page(stmt, segments=segments, count_cap=None, **kwargs)
        if self.is_narrow(stmt):
            total = sum(len(ids) for ids in self._narrow_matches(stmt))
        elif self.dialect == "postgresql" and self.department is not None and not filtered:
            total = self._count_from_index(stmt)
        elif self.fts and self.everywhere is not None:
            table, condition = self._match("search_match", *self._scoped(self.everywhere))
            counted = stmt.where(condition).order_by(table.c.rowid.desc())  # walked lazily, stops at the cap
            total = bounded_count(counted, COUNT_CAP, keep_order=True)
        else:
            total = bounded_count(stmt.where(self.condition()), COUNT_CAP, keep_order=self.fts)
        page.total, page.total_capped = min(total, COUNT_CAP), total > COUNT_CAP
        return page

    def _count_from_index(self, stmt) -> int:
        """PostgreSQL, a helper's search without filters: the bounded count read from the gram index first —
        the search rows holding the words' grams in the department's problems or in those it is an open
        co-department of (grams.matches: one bitmap of two scans of the index), in the heap's order, each
        checked exactly (LIKE) and then its problem, by key, against `stmt`'s conditions (the scope), until
        COUNT_CAP + 1. The same rows as counting `stmt` with the search's condition; but given that, PostgreSQL
        started from the scope — the department's problems and every open co-department problem by key — and
        checked each one's search row: 38–40 ms for a word in most of a department's problems at 1,000,000
        (docs/benchmarks.md). The problem is checked in a LATERAL subquery so that the plan cannot start there.
        Not under a filter: a filter few of the department's matches meet would check them all."""
        condition = grams.matches(self.words, _where(self.columns), self._frequencies(), department=self.department)
        exact = _unestimated(self._row_condition(self.columns))
        in_stmt = (stmt.options(lazyload("*")).order_by(None)
                   .with_only_columns(Ticket.id, maintain_column_froms=True)
                   .where(Ticket.id == TicketSearchDoc.ticket_id).limit(1).lateral("in_scope"))
        rows = (sa.select(sa.literal(1)).select_from(TicketSearchDoc).join(in_stmt, sa.true())
                .where(exact if condition is None else sa.and_(condition, exact)).limit(COUNT_CAP + 1).subquery())
        return self._session.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one()


def _scope_department(user) -> int | None:
    """The department whose problems make `user`'s scope (with its open co-departments'): a helper's
    (permissions.ticket_scope); None for every other role."""
    if user.role == Role.HELPER and user.department_id:
        return user.department_id
    return None


def _expand(session, term: str) -> list[str] | None:
    """The indexed trigrams that begin with a one- or two-character term (at most MAX_EXPANSION + 1)."""
    low = term.lower()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    return list(session.scalars(
        sa.text(f"SELECT term FROM {FTS_TABLE}_vocab WHERE term >= :low AND term < :high LIMIT :n"),
        {"low": low, "high": high, "n": MAX_EXPANSION + 1}))


def _expression(words, columns, expansions) -> str | None:
    """The FTS5 MATCH expression: every word in one of the columns; None when a word cannot match."""
    scope = "{" + " ".join(columns) + "}"
    parts = []
    for w in words:
        alternatives = [w] if len(w) >= MIN_INDEXED else expansions.get(w)
        if not alternatives:
            return None
        parts.append(f"{scope} : (" + " OR ".join(_phrase(a) for a in alternatives) + ")")
    return " AND ".join(parts)


def search_condition(user, q: str, session):
    """WHERE condition on Ticket: the problem matches q in the columns `user` may search (None: no term)."""
    search = Search(user, q, session)
    return search.condition() if search else None


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
    before = Markup("…") if start else Markup("")
    after = Markup("…") if end < len(text) else Markup("")
    return before + highlight(piece, words) + after


class Snippets:
    """What the list shows under each found problem: the title highlighted, and where the words
    were found when not in the title (description, comments, or — for staff — an internal note)."""

    def __init__(self, words: list[str], docs: dict[int, TicketSearchDoc], *, include_internal: bool):
        self.words = words
        self.docs = docs
        self.include_internal = include_internal
        # Each once per problem: the list shows every row twice (the table, and the cards of narrow screens).
        self._titles: dict[int, Markup] = {}
        self._found: dict[int, tuple[str, Markup] | None] = {}

    def title(self, ticket) -> Markup:
        if ticket.id not in self._titles:
            self._titles[ticket.id] = highlight(ticket.title, self.words)
        return self._titles[ticket.id]

    def found(self, ticket) -> tuple[str, Markup] | None:
        """("body" | "internal", highlighted stretch) or None."""
        if ticket.id not in self._found:
            self._found[ticket.id] = self._find(ticket)
        return self._found[ticket.id]

    def _find(self, ticket) -> tuple[str, Markup] | None:
        doc = self.docs.get(ticket.id)
        if doc is None:
            return None
        for kind in ("body", "internal") if self.include_internal else ("body",):
            piece = snippet(getattr(doc, kind), self.words)
            if piece is not None:
                return kind, piece
        return None


def load_snippets(session, search: Search, tickets) -> Snippets:
    """One query: the search rows of the tickets on the page."""
    ids = [t.id for t in tickets]
    docs = {}
    if ids:
        docs = {d.ticket_id: d for d in session.scalars(
            sa.select(TicketSearchDoc).where(TicketSearchDoc.ticket_id.in_(ids)))}
    return Snippets(search.words, docs, include_internal="internal" in search.columns)
