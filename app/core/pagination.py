"""SQL pagination for list pages, with the current query string kept in links.

Long lists use keyset pagination (`keyset_page`): a page is "the next N rows after the last row
you saw" in the list's order, found through an index on the order's columns, so page 1 and page
4,000 cost the same. The link tokens carry that row's key (plus its position, for "第 51–100 条"),
the filters stay in the query string. Instead of an exact total, which means counting every
matching row, the page shows a count bounded by COUNT_CAP ("共 37 条" or "超过 1000 条").

A list ordered by something computed (the problem list: rows owing a step by deadline, then the
rest newest first) is given as segments: each segment is a plain WHERE plus an indexable order,
and the pages walk the segments one after the other, the token naming the segment it is in.

`paginate` (LIMIT/OFFSET plus an exact COUNT) remains for short lists only. `NumberedPage` numbers the pages
of a list that is not read page by page from SQL (a ranking board, computed whole and cut into pages once).
"""
import base64
import json
import math
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import lazyload

from app.extensions import db

# The bounded count stops here: more matching rows show as "超过 1000 条".
COUNT_CAP = 1000


# --------------------------------------------------------------------------- keyset pagination

@dataclass(frozen=True)
class Key:
    """One column of a list's order. Keys of a segment must be NOT NULL and end in a unique column."""

    column: Any
    descending: bool = False

    @property
    def name(self) -> str:
        return self.column.key

    def order(self, reverse: bool = False):
        return self.column.desc() if self.descending != reverse else self.column.asc()


def asc(column) -> Key:
    return Key(column, False)


def desc(column) -> Key:
    return Key(column, True)


@dataclass(frozen=True)
class Segment:
    """The rows matching `where` (all rows when None), in the order `keys`."""

    keys: tuple
    where: Any = None


class KeysetPage:
    """One page of a keyset-paginated list (the shape `_macros/pagination.html` renders)."""

    keyset = True

    def __init__(self, items, *, per_page: int, first: int, next_token: str | None, prev_token: str | None,
                 total: int | None, total_capped: bool):
        self.items = items
        self.per_page = per_page
        self.first = first  # 0-based position of items[0] in the whole list
        self.next_token = next_token
        self.prev_token = prev_token
        self.total = total
        self.total_capped = total_capped

    @property
    def has_next(self) -> bool:
        return self.next_token is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_token is not None

    @property
    def first_index(self) -> int:
        return self.first + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return self.first + len(self.items)

    @property
    def next_url(self) -> str | None:
        return keyset_url(after=self.next_token) if self.next_token else None

    @property
    def prev_url(self) -> str | None:
        return keyset_url(before=self.prev_token) if self.prev_token else None


def _encode_value(value):
    if value is None:
        return ["n"]
    if isinstance(value, datetime):
        return ["t", value.astimezone(timezone.utc).isoformat() if value.tzinfo else value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    return ["s", str(value)]


def _decode_value(pair):
    kind, *rest = pair
    if kind == "n":
        return None
    value = rest[0]
    if kind == "t":
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if kind == "d":
        return date.fromisoformat(value)
    if kind == "b":
        return bool(value)
    if kind == "i":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("not an int")
        return value
    if kind == "s":
        return str(value)
    raise ValueError(kind)


def encode_token(segment: int, position: int, values) -> str:
    raw = json.dumps([segment, position, [_encode_value(v) for v in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str | None, segments) -> tuple[int, int, list] | None:
    """(segment, position, key values), or None for a missing or unreadable token (then: the first page)."""
    if not token or len(token) > 2000:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        segment, position, values = json.loads(raw)
        if not isinstance(segment, int) or not 0 <= segment < len(segments):
            return None
        if not isinstance(position, int) or position < 0:
            return None
        values = [_decode_value(v) for v in values]
        if len(values) != len(segments[segment].keys) or any(v is None for v in values):
            return None
        return segment, position, values
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def _beyond(keys, values, *, reverse: bool = False):
    """Rows strictly after `values` in the order `keys` (before them when reverse).

    (k1, k2, k3) > (v1, v2, v3) written out as k1 >= v1 AND (k1 > v1 OR k1 = v1 AND k2 > v2 OR …):
    the leading range lets both SQLite and PostgreSQL start the index scan at the key, and it
    allows mixed directions (due date ascending, then newest first).
    """
    def further(key, value):
        return key.column < value if key.descending != reverse else key.column > value

    alternatives = []
    for i, key in enumerate(keys):
        equal = [keys[j].column == values[j] for j in range(i)]
        alternatives.append(sa.and_(*equal, further(key, values[i])))
    lead = keys[0].column <= values[0] if keys[0].descending != reverse else keys[0].column >= values[0]
    return sa.and_(lead, sa.or_(*alternatives))


def _values(item, keys) -> list:
    return [getattr(item, key.name) for key in keys]


def bounded_count(select, cap: int = COUNT_CAP, *, keep_order: bool = False) -> int:
    """COUNT of the select's rows, reading at most cap + 1 of them.

    keep_order: keep the select's ORDER BY (a full-text match walked in rowid order stops at the
    cap; unordered, SQLite's FTS5 evaluates every match first)."""
    inner = _keys_only(select.options(lazyload("*")))
    inner = (inner if keep_order else inner.order_by(None)).limit(cap + 1).subquery()
    return db.session.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one()


def _keys_only(select):
    """An entity select (select(Ticket)…) reduced to the entity's primary key, for counting its rows: the
    same rows (DISTINCT over an entity is DISTINCT over its key), but SQLite, which keeps every column of a
    subquery, no longer reads each row's every column — a helper's scope counted to 3,001 through the
    department index read 3,001 problems' rows (11 ms) where the index alone answers (0.5 ms,
    docs/benchmarks.md). Any other select (columns, GROUP BY) is counted as it is."""
    described = select.column_descriptions
    if len(described) != 1 or select._group_by_clauses:
        return select
    entity = described[0].get("entity")
    if entity is None or described[0].get("expr") is not entity:
        return select
    return select.with_only_columns(*sa.inspect(entity).primary_key, maintain_column_froms=True)


def keyset_page(select, keys=None, *, segments=None, per_page: int | None = None, after: str | None = None,
                before: str | None = None, count_cap: int | None = COUNT_CAP, arms=None) -> KeysetPage:
    """One page of `select` (an ORM entity select, already scoped and filtered) in keyset order.

    keys: the order, e.g. (asc(Company.name), asc(Company.id)); or segments: a list of Segment.
    after / before: tokens from the previous page's links (default: request.args "after" /
    "before"). Queries, the same number on every page whatever the data: one for a plain order;
    two for segments (the page's ids across the segments in one UNION ALL, then the rows with
    their loads); plus the bounded COUNT unless count_cap is None.

    arms (segments only): conditions whose OR is a condition `select` already has (a viewer's scope:
    tickets.queries.list_scope). No index walks an OR in order, so each segment's rows were all read and sorted,
    or every row walked for the few the OR keeps; with arms each segment takes its first rows from each arm in
    the arm's own index order and keeps the first of those (the same rows: the first n of a union are among the
    first n of each part).
    """
    if segments is None:
        segments = [Segment(tuple(keys))]
    segments = list(segments)
    per_page = max(1, min(per_page or current_app.config["ITEMS_PER_PAGE"], 200))
    if after is None and before is None:
        after, before = request.args.get("after"), request.args.get("before")
    select = select.order_by(None)
    backward = decode_token(before, segments) if before else None
    forward = decode_token(after, segments) if not backward else None
    if backward:
        start, position, values = backward
        order = list(range(start, -1, -1))
    else:
        start, position, values = forward or (0, 0, None)
        order = list(range(start, len(segments)))

    def segment_select(index):
        """The segment's rows after the token (in the token's segment), in its order (reversed going back)."""
        segment = segments[index]
        stmt = select if segment.where is None else select.where(segment.where)
        if index == start and values is not None:
            stmt = stmt.where(_beyond(segment.keys, values, reverse=bool(backward)))
        return stmt.order_by(*(key.order(reverse=bool(backward)) for key in segment.keys))

    if len(segments) == 1:
        collected = [(0, row) for row in db.session.scalars(segment_select(0).limit(per_page + 1)).unique()]
    else:
        collected = _across_segments(select, [(i, segments[i], segment_select(i)) for i in order],
                                     per_page + 1, backward=bool(backward), arms=arms)
    more = len(collected) > per_page
    shown = collected[:per_page]
    if backward:
        shown.reverse()
        first = max(0, position - len(shown)) if more else 0
        has_prev, has_next = more, bool(shown)
    else:
        first = position
        has_prev, has_next = forward is not None and bool(shown), more
    items = [row for _index, row in shown]
    next_token = prev_token = None
    if has_next:
        index, row = shown[-1]
        next_token = encode_token(index, first + len(shown), _values(row, segments[index].keys))
    if has_prev:
        index, row = shown[0]
        prev_token = encode_token(index, first, _values(row, segments[index].keys))
    total = capped = None
    if count_cap is not None:
        total = bounded_count(select, count_cap)
        capped = total > count_cap
        total = min(total, count_cap)
    return KeysetPage(items, per_page=per_page, first=first, next_token=next_token, prev_token=prev_token,
                      total=total, total_capped=bool(capped))


def _across_segments(select, parts, need: int, *, backward: bool, arms=None) -> list[tuple[int, Any]]:
    """The next `need` rows walking `parts` — (index, segment, its ordered select) — in turn: their
    ids from one UNION ALL of each segment's own limited query, then the rows in one more query.
    With arms, a segment's limited query is the UNION of one per arm (keyset_page)."""
    entity = select.column_descriptions[0]["entity"]
    primary_key = sa.inspect(entity).primary_key[0]
    numbered = []
    for rank, (_index, segment, stmt) in enumerate(parts):
        keys = [key.column.label(f"k{i}") for i, key in enumerate(segment.keys)]
        ids = stmt.options(lazyload("*")).with_only_columns(primary_key.label("pk"), *keys).limit(need)
        if arms and len(arms) > 1:
            # UNION, not UNION ALL: a row two arms share is the same (pk, keys) tuple, kept once.
            inner = sa.union(*(sa.select(ids.where(arm).subquery()) for arm in arms)).subquery()
        else:
            inner = ids.subquery()
        # Numbered in the segment's order again (over its few limited rows): a UNION keeps no order.
        renumber = [inner.c[f"k{i}"].desc() if key.descending != backward else inner.c[f"k{i}"].asc()
                    for i, key in enumerate(segment.keys)]
        numbered.append(sa.select(sa.literal(rank).label("rank"), inner.c.pk,
                                  sa.func.row_number().over(order_by=renumber).label("position")))
    union = sa.union_all(*numbered).subquery()
    picked = db.session.execute(
        sa.select(union.c.rank, union.c.pk).order_by(union.c.rank, union.c.position).limit(need)).all()
    if not picked:
        return []
    rows = {getattr(row, primary_key.key): row
            for row in db.session.scalars(select.where(primary_key.in_([pk for _rank, pk in picked]))).unique()}
    return [(parts[rank][0], rows[pk]) for rank, pk in picked if pk in rows]


def keyset_url(*, after: str | None = None, before: str | None = None) -> str:
    """This page's URL with a page token instead of the current one; filters and path arguments are kept."""
    args = request.args.to_dict(flat=False)
    for name in ("after", "before", "page"):
        args.pop(name, None)
    args.update(request.view_args or {})
    if after:
        args["after"] = after
    if before:
        args["before"] = before
    return url_for(request.endpoint, **args)


def url_without(*names: str) -> str:
    """This page's URL without the named filters, on its first page; the other filters are kept."""
    args = request.args.to_dict(flat=False)
    for name in ("after", "before", "page", *names):
        args.pop(name, None)
    args.update(request.view_args or {})
    return url_for(request.endpoint, **args)


def distinct_values(column) -> list:
    """The distinct non-NULL values of an indexed column, ascending, for a filter's choices.

    Skips through the column's index (a recursive "smallest value above the last one" query)
    instead of a DISTINCT over every row: the work grows with the number of distinct values,
    not of rows. The same SQL runs on SQLite and PostgreSQL.
    """
    first = sa.select(column).where(column.is_not(None)).order_by(column).limit(1).scalar_subquery()
    values = sa.select(first.label("value")).cte("distinct_values", recursive=True)
    following = sa.select(column).where(column > values.c.value).order_by(column).limit(1).scalar_subquery()
    values = values.union_all(sa.select(following).where(values.c.value.is_not(None)))
    return list(db.session.scalars(sa.select(values.c.value).where(values.c.value.is_not(None))))


# --------------------------------------------------------------------------- offset pagination (short lists)

def paginate(select, per_page: int | None = None):
    """Paginate a select in SQL (LIMIT/OFFSET plus one COUNT): for lists that stay short."""
    return db.paginate(
        select,
        per_page=per_page or current_app.config["ITEMS_PER_PAGE"],
        max_per_page=200,
        error_out=False,
    )


def page_url(page: int) -> str:
    """This page's URL at another page number; repeated filters are kept, path arguments win."""
    args = request.args.to_dict(flat=False)
    args.update(request.view_args or {})
    args["page"] = page
    return url_for(request.endpoint, **args)


# --------------------------------------------------------------------------- numbered pages of a list in memory

def page_number(raw: str | None) -> int:
    """A requested page number (?page=N) as a whole number, however large (NumberedPage keeps it in range);
    anything else is page 1."""
    text = (raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) > 18:
        return sys.maxsize  # past any page (and past what int() reads: 4,300 digits)
    try:
        return int(text)
    except ValueError:
        return 1


class NumberedPage:
    """Page `page` of `total` items shown `per_page` at a time, the shape `_macros/pagination.html` renders for
    `paginate`, for a list that is not read from SQL page by page. A requested number below 1 is page 1, one
    past the end the last page. `url(n)`, when given, makes the page links (else `page_url`: ?page=n)."""

    def __init__(self, requested: int, *, total: int, per_page: int, url=None):
        self.total = total
        self.per_page = per_page
        self.pages = max(1, math.ceil(total / per_page))
        self.page = min(max(1, requested), self.pages)
        if url is not None:
            self.url = url

    @property
    def first(self) -> int:
        """0-based position of the page's first item in the whole list."""
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    # The page numbers with gaps (1 2 … 6 7 8 … 40), exactly as on the lists `paginate` numbers: it reads
    # only `page` and `pages`.
    iter_pages = Pagination.iter_pages
