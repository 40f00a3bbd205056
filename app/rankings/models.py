"""Published ranking boards. (The indexes the ranking aggregates read by are the tickets' and dispatch
records' own, in app/tickets/models.py.)"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class RankingPublication(db.Model):
    """A board published for a closed period: rows, weights, formula and data time, frozen.

    Never updated after insert. A correction is a new row for the same board and period with the
    next `version` and a `reason`; the page shows the latest version and lists the earlier ones.
    """

    __tablename__ = "ranking_publications"
    __table_args__ = (
        sa.UniqueConstraint("board", "period_key", "version", name="uq_ranking_publications_board_period_version"),
        sa.Index("ix_ranking_publications_board_start", "board", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    period_key: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    period_kind: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The moment the numbers were computed (the data time printed on the board and the 通报).
    data_as_of: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # {"weights": {...}, "min_cases": n, "yellow_cards": n|null, "card_count": n,
    #  "metrics": [{"key", "label", "kind", "definition", "scoring"}], "formula": [...lines],
    #  "rows": [{"id", "name", "rank", "score", "ranked", "yellow_card", "cases", "metrics": {...},
    #            "display": {...}}]}
    content: Mapped[dict] = mapped_column(sa.JSON, nullable=False)

    published_by = relationship("User", lazy="raise")

    @property
    def rows(self) -> list:
        return self.content.get("rows", [])
