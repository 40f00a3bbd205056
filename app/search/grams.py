"""PostgreSQL's index for search: character unigrams and bigrams in a tsvector (migration 0029).

`ticket_search_docs.grams` is a stored generated column computed by the SQL function search_grams():
every character and every pair of adjacent characters of the number, title and public text (plain), of
the number and title ("~" + gram) and of the internal notes ("!" + gram). Text is normalised first: ASCII letters lower-cased,
and every stretch of anything that is not a letter, a digit or a CJK character becomes a break
(pairs never straddle one). `normalize()` below is the same rule in Python; tests/search/test_grams.py
checks that both give the same grams. Since migration 0032 the column also holds the problem's department
as the lexeme "@d" + its id (department_lexeme), so that a helper's search names it in the same condition.

A word that occurs in a text has all its grams in that text's grams (its runs are inside the text's
runs), so `grams @@ (one of the word's grams)` is a necessary condition the GIN index answers; the
search keeps its exact LIKE check on top. One character: its unigram; two or more: its pairs. Words
with no letter, digit or CJK character (punctuation only) have no grams and are not indexed.
"""
import re

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from app.search.models import CO_DEPARTMENTS_COLUMN, GRAMS_COLUMN, TicketSearchDoc

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = str.maketrans(_UPPER, _UPPER.lower())
_RUNS = re.compile(r"[0-9a-z\u3400-\u9fff]+")

# The column's name spaces (migration 0029): a plain gram is in the number, the title or the public text
# (description, answer, public timeline); "~" + gram in the number or title; "!" + gram in the internal notes.
TITLE, PUBLIC, STAFF = "title", "public", "staff"
_PREFIX = {TITLE: ("~",), PUBLIC: ("",), STAFF: ("", "!")}

def normalize(text: str) -> list[str]:
    """The runs of letters, digits and CJK characters (ASCII lower-cased), as search_gram_array() cuts them."""
    return _RUNS.findall((text or "").translate(_ASCII_LOWER))


_ASCII = re.compile(r"[0-9a-z]+")


def _triples(run: str) -> list[str]:
    """The triples of the run's stretches of letters and digits (pairs of digits tell numbers apart badly)."""
    return [part[i:i + 3] for part in _ASCII.findall(run) for i in range(len(part) - 2)]


def grams(text: str) -> set[str]:
    """Every character and pair of adjacent characters of the text's runs, and every triple of letters and
    digits (what the index holds)."""
    found = set()
    for run in normalize(text):
        found.update(run)
        found.update(run[i:i + 2] for i in range(len(run) - 1))
        found.update(_triples(run))
    return found


def run_grams(word: str) -> list[list[str]]:
    """For each run of the word, the grams every text holding the word holds: a one-character run's
    character; a longer run's pairs and letter-and-digit triples."""
    found = []
    for run in normalize(word):
        if len(run) == 1:
            found.append([run])
        else:
            found.append(sorted({run[i:i + 2] for i in range(len(run) - 1)} | set(_triples(run))))
    return found


def word_grams(word: str) -> list[str]:
    """Every gram every text holding `word` holds (see run_grams)."""
    return sorted({g for run in run_grams(word) for g in run})


GRAMS_SQL = f"{TicketSearchDoc.__tablename__}.{GRAMS_COLUMN}"

STATS = sa.text(
    # The frequencies ANALYZE keeps for the grams column (most_common_elems) of these lexemes, the lowest
    # frequency it keeps (a lexeme not listed is rarer) and the table's estimated rows. No row when the
    # table was never analysed.
    "SELECT e.elem, e.freq, s.most_common_elem_freqs[cardinality(s.most_common_elems)] AS floor, "
    "c.reltuples AS total "
    "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = to_regnamespace(s.schemaname) "
    "LEFT JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) "
    "AS e(elem, freq) ON e.elem = ANY(:lexemes) "
    "WHERE s.schemaname = current_schema() AND s.tablename = 'ticket_search_docs' AND s.attname = 'grams'"
).columns(elem=sa.Text, freq=sa.Float, floor=sa.Float, total=sa.Float)


class Frequencies:
    """How many problems hold each lexeme, estimated from the column's statistics (one statement)."""

    def __init__(self, session, lexemes):
        self.known, self.total, self.floor = {}, None, 0.0
        lexemes = sorted(set(lexemes))
        if not lexemes:
            return
        for elem, freq, lowest, rows in session.execute(STATS, {"lexemes": lexemes}):
            self.total, self.floor = max(rows or 0.0, 1.0), lowest or 0.0
            if elem is not None:
                self.known[elem] = freq * self.total

    @property
    def analysed(self) -> bool:
        return self.total is not None

    def count(self, lexeme: str) -> float:
        """Estimated problems holding it; one not listed is rarer than the rarest listed (half of it)."""
        if lexeme in self.known:
            return self.known[lexeme]
        return self.floor * (self.total or 0.0) / 2


def lexemes(words, where: str) -> list[str]:
    """Every lexeme the words' grams may be found as in `where` (TITLE, PUBLIC or STAFF)."""
    return [p + g for w in words for g in word_grams(w) for p in _PREFIX[where]]


def tsquery(words, where: str, frequencies: Frequencies | None = None, *, tight: bool = False,
            single: bool = False) -> str | None:
    """The tsquery the index answers for these words in `where`: for each run of each word, its rarest gram
    (by the statistics; the first when there are none) — one gram a run so that the planner's estimate is
    that gram's frequency (for several grams of one run it would multiply their frequencies as if they were
    independent, and take a common phrase for a rare one); the exact LIKE check does the rest. AND-ed over
    the runs and words; None when no word has a gram.

    tight: every letter-and-digit triple of each run besides (a problem number's): the index then finds the
    few texts holding all of them instead of the many holding one — used when a bounded count of these rows
    found them few (queries.Search), for the estimate is then the product of the triples' frequencies.
    single: the rarest of the runs' grams alone — the planner's estimate is then that gram's count, which no
    word's matches exceed (several words' grams multiplied as if independent make two common words found
    together look rare: 港口 设备, 60 expected and 3,340 found at 200,000 problems).
    A gram found in more than a quarter of the texts (COMMON) is left out while a rarer one stands for the words:
    it narrows little, and GIN steps through its whole posting list (`xs`, in every problem number: 10 ms a scan
    at 1,000,000 problems)."""
    parts, counts = [], []
    analysed = frequencies is not None and frequencies.analysed
    for w in words:
        for found in run_grams(w):
            if analysed:
                found = sorted(found, key=lambda g: (_count(frequencies, where, g), g))
            chosen = [found[0]] + ([g for g in found[1:] if len(g) == 3] if tight else [])
            for gram in chosen:
                alternatives = [f"'{p}{gram}'" for p in _PREFIX[where]]
                part = alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"
                if part not in parts:
                    parts.append(part)
                    counts.append(_count(frequencies, where, gram) if analysed else 0.0)
    if analysed and any(c <= COMMON * frequencies.total for c in counts):
        parts, counts = (list(kept) for kept in zip(*[(p, c) for p, c in zip(parts, counts, strict=True)
                                                      if c <= COMMON * frequencies.total]))
    if parts and single:
        parts = [min(zip(counts, range(len(parts)), parts))[2]]  # the rarest; the first of equals
    return " & ".join(parts) if parts else None


COMMON = 0.25  # a gram in more than this share of the texts is left out of a query with a rarer one (tsquery)


def _count(frequencies: Frequencies, where: str, gram: str) -> float:
    return sum(frequencies.count(p + gram) for p in _PREFIX[where])


def rarest_count(words, where: str, frequencies: Frequencies) -> float | None:
    """Estimated problems holding the words' grams in `where`: the count of the rarest of the grams tsquery()
    chooses (each run's rarest); None when no word has a gram."""
    counts = [min(sum(frequencies.count(p + g) for p in _PREFIX[where]) for g in found)
              for w in words for found in run_grams(w)]
    return min(counts) if counts else None


def estimate(words, where: str, frequencies: Frequencies, *, tight: bool = False) -> float | None:
    """The problems the planner expects to hold tsquery(words, where, tight)'s grams: the product of their
    frequencies, as if independent (words are not: an estimate, never a bound); None when no word has a gram."""
    text = tsquery(words, where, frequencies, tight=tight)
    if text is None:
        return None
    rows = frequencies.total or 0.0
    for part in text.split(" & "):
        lexemes = [lexeme.strip("'") for lexeme in part.strip("()").split(" | ")]
        rows *= min(1.0, sum(frequencies.count(lexeme) for lexeme in lexemes) / (frequencies.total or 1.0))
    return rows


def column():
    """ticket_search_docs.grams (not mapped on the model: SQLite has no such column)."""
    return sa.literal_column(GRAMS_SQL, type_=TSVECTOR)


def department_lexeme(department_id: int) -> str:
    """The lexeme a problem's grams hold for its department (migration 0032; "@" is never in a gram)."""
    return f"@d{int(department_id)}"


def co_departments_contain(department_id: int):
    """The search row's problem has `department_id` among its open co-departments (协办; migration 0037: a
    column of the same GIN index as the grams, so that with a words' condition it is one index scan)."""
    column = sa.literal_column(f"{TicketSearchDoc.__tablename__}.{CO_DEPARTMENTS_COLUMN}")
    return column.op("@>")(sa.literal_column(f"ARRAY[{int(department_id)}]"))


def matches(words, where: str, frequencies: Frequencies | None = None, *, department: int | None = None,
            tight: bool = False, single: bool = False):
    """The index condition on ticket_search_docs for these words (department: in that department's
    problems, or in those it is an open co-department of), or None when none has a gram and no department
    is named. tight, single: see tsquery()."""
    text = tsquery(words, where, frequencies, tight=tight, single=single)
    if department is None:
        return None if text is None else _at(text)
    lexeme = f"'{department_lexeme(department)}'"
    own = _at(lexeme if text is None else f"{text} & {lexeme}")
    co_department = co_departments_contain(department)
    return sa.or_(own, co_department if text is None else sa.and_(_at(text), co_department))


def _at(text: str):
    return column().op("@@")(sa.cast(sa.literal(text), TSQUERY))


def bounded_counts(session, conditions, cap: int) -> list[int]:
    """For each condition on ticket_search_docs, how many search rows satisfy it, counting at most cap + 1
    (one statement): what reading them through the index costs, measured instead of estimated."""
    counts = [sa.select(sa.func.count()).select_from(
        sa.select(sa.literal(1)).select_from(TicketSearchDoc.__table__).where(c).limit(cap + 1).subquery())
        .scalar_subquery() for c in conditions]
    return list(session.execute(sa.select(*counts)).one()) if counts else []
