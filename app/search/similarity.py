"""Similar problems: one module for the problem page's panel, the API, and later 共性问题 and
department suggestions.

Two steps. (1) Candidates: on SQLite through the full-text engine, so the cost does not grow with
the number of problems — the problem's two-character words, each standing for the indexed trigrams
that begin with it (FTS5 vocabulary), OR-ed in one FTS5 query ranked by bm25 (_sqlite_candidates);
on PostgreSQL the problems sharing the most of its distinctive pairs, each pair's newest problems read
through the gram index (_postgresql_candidates). (2) The candidates re-ranked by the cosine of TF-IDF vectors of the characters and
character pairs of title and description — the score 0..1 the page and the API show.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass

import flask
import sqlalchemy as sa

from app.extensions import cache, db
from app.monitoring import aggregates
from app.search.models import FTS_TABLE

VOCAB_TABLE = FTS_TABLE + "_vocab"
CANDIDATES = 100        # re-ranked per request
DISTINCTIVE_TERMS = 24  # two-character words looked up in the SQLite vocabulary
WORDS_USED = 12         # … of which the least common stand for the problem in the candidate query
MAX_TRIGRAMS = 400
MIN_SCORE = 0.05
# SQLite: index entries (the documents of the words' trigrams, from the vocabulary) the candidate query reads at
# most; bm25 reads every entry of every word it is given. At 200,000 problems 12,000 halves the query's time and
# the shown problems' mean score does not drop (0.830 -> 0.837 over 100 problems; docs/benchmarks.md).
SQLITE_BUDGET = 12000

_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def normalize(text: str) -> list[str]:
    """Runs of Chinese characters, letters and digits (punctuation and spaces split runs)."""
    return _KEEP.findall((text or "").lower())


def ngrams(text: str, sizes=(1, 2)) -> Counter:
    grams = Counter()
    for run in normalize(text):
        for n in sizes:  # a list, not a generator: Counter counts a list in C
            grams.update(run if n == 1 else [run[i:i + n] for i in range(len(run) - n + 1)])
    return grams


def problem_text(title: str, description: str) -> str:
    return f"{title}。{description}"


def tfidf_vectors(texts: list[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf) of characters and character pairs, idf
    from `texts` (the candidates and the problem). Single characters and pairs did best on the
    hand-written set (tests/search/similar_set.py): 招工/缺技工/用工 share 工, not a longer n-gram."""
    counts = [ngrams(t) for t in texts]
    df = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    vectors = []
    for c in counts:
        v = {g: (1 + math.log(k)) * (math.log((1 + n) / (1 + df[g])) + 1) for g, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({g: x / norm for g, x in v.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    # Only the shared grams, in a's order (the same sum to the last bit: the others added 0.0), from a list:
    # the dashboard's suggested 共性问题 compare 200 problems pairwise, 19,900 of these.
    return sum([x * b[g] for g, x in a.items() if g in b])


def rank(query: str, candidates: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """(id, score) of the candidates by cosine similarity to the query text, best first: the cosine of
    tfidf_vectors' vectors, computed without building each candidate's unit vector (only its length and its
    product with the query's are needed; a problem page ranks a hundred candidates)."""
    if not candidates:
        return []
    counts = [ngrams(query)] + [ngrams(text) for _id, text in candidates]
    df = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(counts)
    idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
    weights = {g: (1 + math.log(k)) * idf[g] for g, k in counts[0].items()}
    query_norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
    scored = []
    for (cid, _text), c in zip(candidates, counts[1:], strict=True):
        squares = dot = 0.0
        for g, k in c.items():
            x = (1 + math.log(k)) * idf[g]
            squares += x * x
            q = weights.get(g)
            if q is not None:
                dot += x * q
        scored.append((cid, dot / ((math.sqrt(squares) or 1.0) * query_norm)))
    return sorted(scored, key=lambda pair: (-pair[1], -pair[0]))


# ---------------------------------------------------------------- candidates through the engine

def _within_budget(words: list, cost, budget: float) -> list:
    """The words, in order, taken while their index entries (cost(word)) stay within budget; at most
    WORDS_USED; the cheapest alone when none fits."""
    chosen, spent = [], 0.0
    for word in words:
        if spent + cost(word) <= budget:
            chosen.append(word)
            spent += cost(word)
            if len(chosen) == WORDS_USED:
                break
    return chosen or [min(words, key=cost)]


def _bigrams(text: str) -> list[str]:
    seen = {}
    for run in normalize(text):
        for i in range(len(run) - 1):
            seen.setdefault(run[i:i + 2], None)
    return list(seen)


def _vocabulary(words: list[str]) -> tuple[int, dict[str, tuple[list[str], int]]]:
    """About how many problems there are, and for each two-character word the indexed trigrams beginning
    with it and how many problems hold them (FTS5 vocabulary, one statement for all the words).

    Counting a common word's problems reads its whole posting list (15 ms for a problem's 24 words at
    200,000 problems), and the counts only choose which words are distinctive, so — like PostgreSQL's
    column statistics on the other path — they are kept for a while: per word, shared by every problem and
    every viewer, for at most the aggregates' minute (app.monitoring.aggregates; never in tests)."""
    ttl = aggregates.seconds()
    keys = {word: f"vocab:{word}" for word in words}
    found: dict = {}
    total = None
    if ttl:
        try:
            cached = cache.get_many("vocab:", *keys.values())
        except Exception:  # the cache's server is down: read the vocabulary
            aggregates.warn_unreachable()
            cached = [None] * (len(keys) + 1)
        found = {word: hit for word, hit in zip(words, cached[1:], strict=True) if hit is not None}
        total = cached[0]
    missing = [word for word in words if word not in found]
    if missing or not ttl or total is None:
        arms, params = [], {}
        for i, word in enumerate(missing):
            arms.append(f"SELECT {i} AS k, term, doc FROM {VOCAB_TABLE} WHERE term >= :lo{i} AND term < :hi{i}")
            params[f"lo{i}"], params[f"hi{i}"] = word, word[:-1] + chr(ord(word[-1]) + 1)
        arms.append("SELECT -1 AS k, '' AS term, max(ticket_id) AS doc FROM ticket_search_docs")  # about how many
        read = {word: ([], 0) for word in missing}
        for k, term, doc in db.session.execute(sa.text(" UNION ALL ".join(arms)), params):
            if k < 0:
                total = doc or 1
                continue
            terms, count = read[missing[k]]
            terms.append(term)
            read[missing[k]] = (terms, count + doc)
        found.update(read)
        if ttl:
            try:
                cache.set_many({"vocab:": total, **{keys[word]: read[word] for word in missing}}, timeout=ttl)
            except Exception:
                aggregates.warn_unreachable()
    return total, found


def _sqlite_candidates(ticket_id: int, title: str, description: str, limit: int, within=None):
    """The problem's two-character words (the title's first) that other problems hold too but not too
    many (counted over the trigrams beginning with them, from the FTS5 vocabulary, in one statement),
    taken in that order while their index entries stay within SQLITE_BUDGET (the rarest alone when none
    does), each standing for those trigrams in one FTS5 OR query ranked by bm25 (title three times the text).
    within: the matches are kept to those ids before they are ranked (`+rowid`: tested as each match comes, not
    one match of the whole query for each id — 60 ms for an escort's 428)."""
    words = _bigrams(title)[:DISTINCTIVE_TERMS]
    words += [w for w in _bigrams(description) if w not in words][:DISTINCTIVE_TERMS - len(words)]
    if not words:
        return None
    total, vocabulary = _vocabulary(words)
    expansions = {k: vocabulary[word][0] for k, word in enumerate(words) if vocabulary[word][0]}
    frequency = Counter({k: vocabulary[word][1] for k, word in enumerate(words)})
    ceiling = max(20, total // 20)  # a word in more than 5% of problems says little about the need
    # In order (the title's first), those in some other problem too and not in too many; bm25 weighs them.
    eligible = [k for k in sorted(expansions) if 2 <= frequency[k] <= ceiling]
    chosen = _within_budget(eligible, frequency.__getitem__, SQLITE_BUDGET) if eligible else []
    trigrams = [t for k in chosen for t in expansions[k]][:MAX_TRIGRAMS]
    if not trigrams:
        return None
    expression = "{title body} : (" + " OR ".join('"' + t.replace('"', '""') + '"' for t in trigrams) + ")"
    rowid = sa.literal_column(f"{FTS_TABLE}.rowid", sa.Integer)
    stmt = (sa.select(rowid.label("rowid")).select_from(sa.table(FTS_TABLE))
            .where(sa.text(f"{FTS_TABLE} MATCH :similar_q").bindparams(similar_q=expression),
                   rowid != sa.bindparam("similar_id", ticket_id))
            .order_by(sa.text(f"bm25({FTS_TABLE}, 0.0, 3.0, 1.0, 0.0)"))
            .limit(sa.bindparam("similar_limit", limit)))
    if within is not None:
        stmt = stmt.where(sa.literal_column(f"+{FTS_TABLE}.rowid", sa.Integer).in_(within))
    return stmt


# PostgreSQL (the gram index of migration 0029, app/search/grams.py)
CEILING = 0.05          # a pair in more than 5% of problems (and more than 20) says little about the need
BUDGET = 6000           # index entries read at most (estimated from the statistics) for the candidates
PER_GRAM = 1000         # each pair's newest problems, at most: bounded even when the statistics are wrong


def _postgresql_pairs(title: str, description: str) -> list[tuple[str, str]]:
    """The pairs that stand for the problem in the candidate query: its pairs (the title's first, then the
    description's) that are in some other problem too and in at most CEILING of them (at least 20), per
    the column's statistics (one statement), taken in that order while their estimated index entries
    stay within BUDGET (the rarest alone when none does); at most WORDS_USED. A pair the statistics do not
    list is rarer than the rarest they list (estimated at half of that). With no statistics (never analysed)
    the first WORDS_USED are taken. Each with the order its newest problems are read in (_newest_first)."""
    from app.search import grams

    words = []
    for text in (title, description):
        for run in grams.normalize(text):
            for i in range(len(run) - 1):
                if run[i:i + 2] not in words:
                    words.append(run[i:i + 2])
    words = words[:DISTINCTIVE_TERMS]
    if not words:
        return []
    stats = grams.Frequencies(db.session, words)  # plain grams: the number, title and public text
    if not stats.analysed:
        return [(w, _newest_first(None, None)) for w in words[:WORDS_USED]]
    count, total = stats.known, stats.total
    ceiling = max(20.0, total * CEILING)
    eligible = [w for w in words if w not in count or 1.5 <= count[w] <= ceiling]
    if not eligible:  # every pair is common: the rarest alone (its newest PER_GRAM problems)
        eligible = [min(words, key=stats.count)]
    else:
        eligible = _within_budget(eligible, stats.count, BUDGET)
    return [(w, _newest_first(stats.count(w), total)) for w in eligible]


def _newest_first(estimated: float | None, total: float | None) -> str:
    """How a pair's newest PER_GRAM problems are read: walking the search rows newest first until PER_GRAM of
    them hold it (`ticket_id`: the primary key's order; about PER_GRAM x problems / estimated rows, each one's
    grams tested), or all its rows from the gram index, sorted (`ticket_id + 0`, which no index provides:
    about `estimated` rows, each on a page of its own: about four times a walked row's cost). The walk is cheaper
    for a pair in many problems, the index for one in fewer than sqrt(PER_GRAM x problems) / 2 (15,800 at
    1,000,000), where PostgreSQL walked anyway: a pair in 11,300 problems was 86,000 rows walked, 96 ms, against
    16 ms from the index; a pair in 23,400, 101 ms from the index (docs/benchmarks.md)."""
    if estimated is None or not total or 4 * estimated * estimated >= PER_GRAM * total:
        return "ticket_id"
    return "ticket_id + 0"


def _postgresql_candidates(ticket_id: int, title: str, description: str, limit: int, within=None):
    """A SELECT of the ids of problems sharing the most of this problem's distinctive pairs, each pair's newest
    PER_GRAM problems read through the gram index, counted per problem (within: those of these ids only); None
    when it has no pair to look for. Never a scan of every title."""
    from app.search import grams

    pairs = _postgresql_pairs(title, description)
    if not pairs:
        return None
    arms = " UNION ALL ".join(
        f"(SELECT ticket_id FROM ticket_search_docs WHERE {grams.GRAMS_SQL} @@ CAST(:similar_g{i} AS tsquery) "
        f"ORDER BY {order} DESC LIMIT :similar_per_gram)" for i, (_word, order) in enumerate(pairs))
    # letters, digits, CJK only: valid lexemes as they are
    params = {f"similar_g{i}": word for i, (word, _order) in enumerate(pairs)}
    params.update(similar_per_gram=PER_GRAM)
    hits = sa.text(arms).bindparams(**params).columns(ticket_id=sa.Integer).subquery("hits")
    stmt = (sa.select(hits.c.ticket_id).where(hits.c.ticket_id != sa.bindparam("similar_id", ticket_id))
            .group_by(hits.c.ticket_id).order_by(sa.func.count().desc(), hits.c.ticket_id.desc())
            .limit(sa.bindparam("similar_limit", limit)))
    return stmt if within is None else stmt.where(hits.c.ticket_id.in_(within))


def candidates(ticket_id: int, title: str, description: str, *, limit: int | None = None, within=None):
    """A SELECT of up to `limit` (CANDIDATES) candidate ids read through the full-text index (None: nothing to look
    for); within: a SELECT of the ids to look among (a viewer's scope), or None: every problem."""
    limit = CANDIDATES if limit is None else limit
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgresql_candidates(ticket_id, title, description, limit, within)
    return _sqlite_candidates(ticket_id, title, description, limit, within)


def _candidate_ids(ticket, within=None) -> list[int]:
    """The ids of the problem's candidates (within: among those ids). Among every problem they are looked up
    once per request (flask.g): a problem awaiting dispatch ranks them twice — its page's similar problems and
    the department suggestions' similar dispatched ones (app.tickets.suggestions) — and the lookup is the costly
    part (PostgreSQL at 1,000,000 problems: 39 ms each time for a problem whose pairs are common,
    docs/benchmarks.md). Keyed by the text it was found for; outside a request (a command) looked up each time."""
    if within is not None:
        found = candidates(ticket.id, ticket.title, ticket.description, within=within)
        return [] if found is None else list(db.session.scalars(found))
    memo = flask.g.setdefault("similar_candidates", {}) if flask.has_request_context() else {}
    key = (ticket.id, ticket.title, ticket.description)
    if key not in memo:
        found = candidates(ticket.id, ticket.title, ticket.description)
        memo[key] = [] if found is None else list(db.session.scalars(found))
    return memo[key]


@dataclass
class Similar:
    ticket: object
    score: float


def similar_problems(visible, ticket, *, limit: int = 5, load=None, narrow: bool = False) -> list[Similar]:
    """The problems most like `ticket` among `visible` (a scoped Ticket select), best first.

    `load` adds loader options to the select of the found problems (the page and the API load
    the company, department and helper in the same query). narrow: `visible` is a small part of the district
    (an escort's companies, a department's problems), so the candidates are looked for among it: the district's
    best hundred, kept to an escort's 0.2 %, were none (the panel said 没有找到相似的问题 on every problem of an
    escort at 200,000 problems), and ranking only the scope's matches is cheaper too.
    """
    from app.tickets.models import Ticket

    ids = _candidate_ids(ticket, visible.with_only_columns(Ticket.id) if narrow else None)
    if not ids:
        return []
    stmt = visible.where(Ticket.id.in_(ids))  # read by key (the list of at most CANDIDATES ids)
    # Ranked on the candidates' texts alone; only the few shown are loaded as problems (with `load`'s
    # relations): loading all CANDIDATES with their company, department and helper cost more than the search.
    texts = {row.id: problem_text(row.title, row.description)
             for row in db.session.execute(stmt.with_only_columns(Ticket.id, Ticket.title, Ticket.description))}
    ranked = [(i, score) for i, score in rank(problem_text(ticket.title, ticket.description), list(texts.items()))
              if score >= MIN_SCORE][:limit]
    if not ranked:
        return []
    shown = sa.select(Ticket).where(Ticket.id.in_([i for i, _score in ranked]))
    found = {t.id: t for t in db.session.scalars(load(shown) if load is not None else shown).unique()}
    return [Similar(found[i], round(min(score, 1.0), 3)) for i, score in ranked if i in found]
