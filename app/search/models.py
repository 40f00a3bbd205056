"""The text a search reads, one row per problem."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Objects the migration creates outside the models (the SQLite FTS5 table and its shadow tables,
# the PostgreSQL trigram indexes); schema comparisons leave them alone.
FTS_TABLE = "ticket_search_fts"
TRGM_INDEXES = ("ix_ticket_search_docs_title_trgm", "ix_ticket_search_docs_body_trgm",
                "ix_ticket_search_docs_internal_trgm", "ix_ticket_search_docs_number_trgm")


class TicketSearchDoc(db.Model):
    """number, title; body = description, the answer and every public timeline text (comments,
    replies, reasons); internal = the internal notes and internal events (staff only)."""

    __tablename__ = "ticket_search_docs"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    number: Mapped[str] = mapped_column(sa.String(24), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    internal: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparisons: skip what the search migration makes by hand."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "index" and name in TRGM_INDEXES:
        return False
    return True
