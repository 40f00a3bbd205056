"""PostgreSQL's index for search: character unigrams and bigrams in a tsvector (migration 0027).

`ticket_search_docs.grams` is a stored generated column computed by the SQL function search_grams():
every character and every pair of adjacent characters of the number and title (weight A), of the
public text (B) and of the internal notes (C). Text is normalised first: ASCII letters lower-cased,
and every stretch of anything that is not a letter, a digit or a CJK character becomes a break
(pairs never straddle one). `normalize()` below is the same rule in Python; tests/search/test_grams.py
checks that both give the same grams.

A word that occurs in a text has all its grams in that text's grams (its runs are inside the text's
runs), so `grams @@ (the word's grams, AND-ed)` is a necessary condition the GIN index answers; the
search keeps its exact LIKE check on top. One character: its unigram; two or more: its pairs. Words
with no letter, digit or CJK character (punctuation only) have no grams and are not indexed.
"""
import re

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from app.search.models import GRAMS_COLUMN, TicketSearchDoc

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = str.maketrans(_UPPER, _UPPER.lower())
_RUNS = re.compile(r"[0-9a-z\u3400-\u9fff]+")

TITLE_WEIGHTS = "A"        # number and title
PUBLIC_WEIGHTS = "AB"      # … and the description, the answer, the public timeline
STAFF_WEIGHTS = ""         # everything, internal notes included: no restriction


def normalize(text: str) -> list[str]:
    """The runs of letters, digits and CJK characters (ASCII lower-cased), as search_gram_array() cuts them."""
    return _RUNS.findall((text or "").translate(_ASCII_LOWER))


def grams(text: str) -> set[str]:
    """Every character and every pair of adjacent characters of the text's runs (what the index holds)."""
    found = set()
    for run in normalize(text):
        found.update(run)
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found


def word_grams(word: str) -> list[str]:
    """The grams every text holding `word` holds: a one-character run's character, a longer run's pairs."""
    found = set()
    for run in normalize(word):
        if len(run) == 1:
            found.add(run)
        else:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
    return sorted(found)


def tsquery(words, weights: str = STAFF_WEIGHTS) -> str | None:
    """The tsquery text AND-ing every gram of every word (restricted to `weights`), or None when no
    word has a gram. Grams are letters, digits and CJK characters only: no quoting needed."""
    suffix = f":{weights}" if weights else ""
    every = sorted({g for w in words for g in word_grams(w)})
    return " & ".join(g + suffix for g in every) if every else None


GRAMS_SQL = f"{TicketSearchDoc.__tablename__}.{GRAMS_COLUMN}"


def column():
    """ticket_search_docs.grams (not mapped on the model: SQLite has no such column)."""
    return sa.literal_column(GRAMS_SQL, type_=TSVECTOR)


def matches(words, weights: str = STAFF_WEIGHTS):
    """The index condition on ticket_search_docs for these words, or None when none has a gram."""
    text = tsquery(words, weights)
    if text is None:
        return None
    return column().op("@@")(sa.cast(sa.literal(text), TSQUERY))
