"""Reads of published boards: the latest version of a period, all its versions, and a subject's history."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from app.extensions import db
from app.rankings.models import RankingPublication

HISTORY_PERIODS = 12


def latest_publication(board_key: str, period, *, with_content: bool = True) -> RankingPublication | None:
    """The publication in force for this board and period (its highest version), or None.

    with_content=False leaves its rows unread until `content` is used (the page, whose board is shared for a
    minute, reads them once then: a district's escorts' board is 600 KB of JSON to decode)."""
    stmt = sa.select(RankingPublication)
    if not with_content:
        stmt = stmt.options(defer(RankingPublication.content))
    return db.session.scalars(
        stmt
        .where(RankingPublication.board == board_key, RankingPublication.period_key == period.key)
        .order_by(RankingPublication.version.desc())
        .limit(1)
    ).first()


def publication_versions(board_key: str, period) -> list[RankingPublication]:
    """Every version published for this board and period, newest first, with who published it (not their rows)."""
    return list(db.session.scalars(
        sa.select(RankingPublication)
        .options(selectinload(RankingPublication.published_by), defer(RankingPublication.content))
        .where(RankingPublication.board == board_key, RankingPublication.period_key == period.key)
        .order_by(RankingPublication.version.desc())
    ))


def publications(board_key: str | None = None, period_key: str | None = None) -> list[RankingPublication]:
    """Publications, newest period first, each period's versions newest first (for the API and lists)."""
    stmt = sa.select(RankingPublication).options(selectinload(RankingPublication.published_by))
    if board_key:
        stmt = stmt.where(RankingPublication.board == board_key)
    if period_key:
        stmt = stmt.where(RankingPublication.period_key == period_key)
    return list(db.session.scalars(stmt.order_by(
        RankingPublication.period_start.desc(), RankingPublication.board, RankingPublication.version.desc())))


@dataclass(frozen=True)
class HistoryPoint:
    """One published month of a subject: rank among how many, score, card; rank None when unranked."""

    period_key: str
    period_start: date
    version: int
    rank: int | None
    ranked_count: int
    score: float | None
    yellow_card: bool
    on_board: bool
    sample_too_small: bool


def ranking_history(board_key: str, subject_id: int, *, limit: int = HISTORY_PERIODS) -> list[HistoryPoint]:
    """A subject's ranks and yellow cards over the last `limit` published months, oldest first.

    Only published boards count: they are the official record and never change. One query.
    """
    latest = (
        sa.select(RankingPublication.period_key, sa.func.max(RankingPublication.version).label("version"))
        .where(RankingPublication.board == board_key, RankingPublication.period_kind == "month")
        .group_by(RankingPublication.period_key)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(RankingPublication)
        .join(latest, sa.and_(RankingPublication.period_key == latest.c.period_key,
                              RankingPublication.version == latest.c.version))
        .where(RankingPublication.board == board_key)
        .order_by(RankingPublication.period_start.desc())
        .limit(limit)
    ).all()
    points = []
    for publication in reversed(rows):
        content = publication.content
        row = next((r for r in content["rows"] if r["id"] == subject_id), None)
        points.append(HistoryPoint(
            period_key=publication.period_key, period_start=publication.period_start, version=publication.version,
            rank=row["rank"] if row else None,
            ranked_count=sum(1 for r in content["rows"] if r["ranked"]),
            score=row["score"] if row else None,
            yellow_card=bool(row and row["yellow_card"]),
            on_board=row is not None,
            sample_too_small=bool(row and row["sample_too_small"]),
        ))
    return points
