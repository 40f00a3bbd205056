"""The text a search reads, one row per problem."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Objects the migrations create outside the models (the SQLite FTS5 tables and their shadow tables, and the
# departments the scoped one holds, migration 0035; on
# PostgreSQL the generated column `grams` and its GIN index, migration 0029, and the problem's department
# the column holds as a lexeme, migration 0032, which the model leaves out because SQLite has no such
# columns — app/search/grams.py and index.py read and write them; and the departments the problem is an open
# co-department (协办) of, migration 0037, written by triggers); schema comparisons leave them alone.
FTS_TABLE = "ticket_search_fts"
TITLES_FTS_TABLE = "ticket_search_fts_titles"  # the numbers and titles alone (migration 0033), and the scope (0036)
SCOPED_FTS_TABLE = "ticket_search_fts_scoped"  # every column and the problem's departments (migration 0035)
SCOPE_COLUMN = "scope"  # SQLite: the departments whose helpers see the problem, as index tokens (migration 0035)
GRAMS_COLUMN = "grams"
DEPARTMENT_COLUMN = "department_id"
CO_DEPARTMENTS_COLUMN = "co_department_ids"
PG_COLUMNS = (GRAMS_COLUMN, DEPARTMENT_COLUMN, CO_DEPARTMENTS_COLUMN)
PG_INDEXES = ("ix_ticket_search_docs_grams",)
SQLITE_COLUMNS = (SCOPE_COLUMN,)


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
    """For Alembic's comparisons: skip what the migrations make by hand (the search's, and the problems'
    open co-departments on PostgreSQL)."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    from app.tickets import models as tickets  # its own PostgreSQL-only column (migration 0040)

    if type_ == "index" and name in PG_INDEXES + tickets.PG_INDEXES:
        return False
    table = getattr(getattr(obj, "table", None), "name", None)
    if type_ == "column" and name in PG_COLUMNS + SQLITE_COLUMNS and table == TicketSearchDoc.__tablename__:
        return False
    if type_ == "column" and name in tickets.PG_COLUMNS and table == tickets.Ticket.__tablename__:
        return False
    return True
