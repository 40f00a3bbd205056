"""Reads of 政策问答 entries and reply templates."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Role
from app.extensions import db
from app.knowledge.models import KnowledgeEntry, ReplyTemplate
from app.search import similarity
from app.search.queries import terms

SUGGESTION_POOL = 2000  # entries compared with a text (the newest); a district publishes far fewer


def visible_knowledge() -> sa.Select:
    """Published (not withdrawn) entries: the same for every signed-in user."""
    return sa.select(KnowledgeEntry).where(KnowledgeEntry.active.is_(True)).options(
        joinedload(KnowledgeEntry.department))


def search_knowledge(stmt: sa.Select, q: str | None, *, ordered: bool = True) -> sa.Select:
    """Entries holding every word of q (title, question or answer); ordered: title matches first,
    then newest first (unordered for the API, which pages by id). A short table: LIKE/ILIKE."""
    words = terms(q)
    if not words:
        return stmt.order_by(KnowledgeEntry.published_at.desc(), KnowledgeEntry.id.desc()) if ordered else stmt
    postgresql = db.session.get_bind().dialect.name == "postgresql"

    def has(column, word):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return column.ilike(pattern, escape="\\") if postgresql else column.like(pattern, escape="\\")

    for word in words:
        stmt = stmt.where(sa.or_(*(has(c, word) for c in (KnowledgeEntry.title, KnowledgeEntry.question,
                                                           KnowledgeEntry.answer))))
    if not ordered:
        return stmt
    in_title = sa.and_(*(has(KnowledgeEntry.title, w) for w in words))
    return stmt.order_by(sa.case((in_title, 0), else_=1), KnowledgeEntry.published_at.desc(), KnowledgeEntry.id.desc())


def suggestions(text: str, *, limit: int = 5, min_score: float = 0.12) -> list[tuple[KnowledgeEntry, float]]:
    """Entries most like a typed problem (title and question against the text), best first; two queries
    (none for a text shorter than two characters)."""
    if len(text.strip()) < 2:
        return []
    pool = db.session.execute(
        sa.select(KnowledgeEntry.id, KnowledgeEntry.title, KnowledgeEntry.question)
        .where(KnowledgeEntry.active.is_(True))
        .order_by(KnowledgeEntry.published_at.desc()).limit(SUGGESTION_POOL)).all()
    ranked = [(i, s) for i, s in similarity.rank(text, [(r.id, f"{r.title}。{r.question}") for r in pool])
              if s >= min_score][:limit]
    # Read even when nothing matched: a page costs the same number of queries whatever the data.
    entries = {e.id: e for e in db.session.scalars(visible_knowledge().where(
        KnowledgeEntry.id.in_([i for i, _s in ranked])))}
    return [(entries[i], s) for i, s in ranked if i in entries]


def templates_for(user, department_id: int | None = None) -> sa.Select:
    """Active reply templates a staff member may insert: district-wide ones and their department's
    (a helper's own; for others the problem's department when given)."""
    department = user.department_id if user.role == Role.HELPER else department_id
    condition = ReplyTemplate.department_id.is_(None)
    if department:
        condition = sa.or_(condition, ReplyTemplate.department_id == department)
    return (sa.select(ReplyTemplate).where(ReplyTemplate.active.is_(True), condition)
            .options(joinedload(ReplyTemplate.department))
            .order_by(ReplyTemplate.department_id.is_(None), ReplyTemplate.title, ReplyTemplate.id))


def manageable_templates(user) -> sa.Select:
    """The templates `user` may edit: all for managers, a helper's department's."""
    stmt = sa.select(ReplyTemplate).where(ReplyTemplate.active.is_(True)).options(joinedload(ReplyTemplate.department))
    if user.role not in (Role.ADMIN, Role.MANAGER):
        stmt = stmt.where(ReplyTemplate.department_id == user.department_id)
    return stmt.order_by(ReplyTemplate.department_id.is_(None).desc(), ReplyTemplate.department_id, ReplyTemplate.title)
