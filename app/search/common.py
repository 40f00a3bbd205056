"""Suggested 共性问题: open problems of at least three companies whose texts are alike.

Cheap by construction, for the manager's dashboard and GET /api/v1/common-problems/suggestions:
one SELECT reads the candidates — problems not yet answered (SLA states) nor already in a 共性问题, submitted within the
window (setting `common.window_days`, default 90), newest first, at most `common.max_candidates`
(default 200) — with their company and town; everything else happens in memory with the TF-IDF
vectors and cosine of app.search.similarity (characters and character pairs of title and
description). So the page's query count does not grow with the number of problems.

Grouping: problems joined when their cosine reaches MIN_PAIR_SCORE; a group grows from the problem
with the most such neighbours (a star: every member is alike to its seed) and is proposed when its
members belong to at least MIN_COMPANIES different companies. The score is the mean cosine of the
members to the seed; the title is the seed's.
"""
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.companies.models import Company
from app.core.db import utcnow
from app.core.settings import get_settings, register_defaults
from app.extensions import db
from app.reference.models import Town
from app.search.similarity import cosine, problem_text, tfidf_vectors
from app.tickets.models import SLA_STATES, Ticket

WINDOW_KEY = "common.window_days"
MAX_CANDIDATES_KEY = "common.max_candidates"
register_defaults({WINDOW_KEY: 90, MAX_CANDIDATES_KEY: 200})

MIN_COMPANIES = 3
MIN_PAIR_SCORE = 0.15  # calibrated on tests/search/similar_set.py: every group found there is one need


@dataclass
class Member:
    id: int
    number: str
    title: str
    company_id: int
    company: str
    town: str
    score: float


@dataclass
class Suggestion:
    title: str
    score: float
    members: list[Member] = field(default_factory=list)

    @property
    def ticket_ids(self) -> list[int]:
        return [m.id for m in self.members]

    @property
    def companies(self) -> list[str]:
        return sorted({m.company for m in self.members})

    @property
    def towns(self) -> list[str]:
        return sorted({m.town for m in self.members})


def limits() -> tuple[int, int]:
    """(window in days, the most candidates read) from the settings table."""
    values = get_settings([WINDOW_KEY, MAX_CANDIDATES_KEY])
    return int(values[WINDOW_KEY]), int(values[MAX_CANDIDATES_KEY])


def group(rows, *, min_pair_score: float = MIN_PAIR_SCORE, min_companies: int = MIN_COMPANIES) -> list[Suggestion]:
    """Star groups of alike problems; `rows` have id, number, title, description, company_id,
    company, town. Best score first."""
    rows = list(rows)
    if len(rows) < min_companies:
        return []
    vectors = tfidf_vectors([problem_text(r.title, r.description) for r in rows])
    n = len(rows)
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            s = cosine(vectors[i], vectors[j])
            if s >= min_pair_score:
                neighbours[i][j] = neighbours[j][i] = s
    taken: set[int] = set()
    found = []
    # Seeds with the most distinct companies among their neighbours first; ties to the newest.
    order = sorted(range(n), key=lambda i: (-len({rows[j].company_id for j in neighbours[i]}), -rows[i].id))
    for seed in order:
        if seed in taken:
            continue
        members = [seed]
        for j in sorted((j for j in neighbours[seed] if j not in taken),
                        key=lambda j: (-neighbours[seed][j], -rows[j].id)):
            # A member is alike to the group on average, not only to the seed (no chains of topics).
            if sum(neighbours[j].get(m, 0.0) for m in members) / len(members) >= min_pair_score:
                members.append(j)
        if len({rows[i].company_id for i in members}) < min_companies:
            continue
        taken.update(members)
        scores = [neighbours[seed][j] for j in members[1:]]
        found.append(Suggestion(
            title=rows[seed].title, score=round(min(sum(scores) / len(scores), 1.0), 3),
            members=[Member(rows[i].id, rows[i].number, rows[i].title, rows[i].company_id, rows[i].company,
                            rows[i].town, 1.0 if i == seed else round(min(neighbours[seed][i], 1.0), 3))
                     for i in members]))
    return sorted(found, key=lambda s: (-s.score, -len(s.members)))


def candidates_select(window_days: int, max_candidates: int) -> sa.Select:
    since = utcnow() - timedelta(days=window_days)
    return (
        sa.select(Ticket.id, Ticket.number, Ticket.title, Ticket.description, Ticket.company_id,
                  Company.name.label("company"), Town.name.label("town"))
        .join(Company, Company.id == Ticket.company_id).join(Town, Town.id == Company.town_id)
        .where(Ticket.status.in_(SLA_STATES), Ticket.created_at >= since, Ticket.common_problem_id.is_(None))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(max_candidates)
    )


def suggestions(window_days: int | None = None, max_candidates: int | None = None) -> list[Suggestion]:
    """The suggested groups over all problems (managers and admins see every problem)."""
    if window_days is None or max_candidates is None:
        window_days, max_candidates = limits()
    return group(db.session.execute(candidates_select(window_days, max_candidates)).all())
