"""Scoped reads of visits: the only start of every visit list, count, lookup and export."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from app.accounts.models import User
from app.companies.models import Company
from app.companies.queries import search_companies, visible_companies
from app.extensions import db
from app.reference.models import Town
from app.tickets.models import Ticket
from app.tickets.queries import visible_tickets
from app.visits.models import MODES, Visit, VisitPhoto
from app.visits.permissions import visit_scope
from app.visits.window import VisitWindow


def visible_visits(user: User, *, history: bool = False) -> sa.Select:
    """Visits `user` may see (the one rule: permissions.visit_scope). history: with the visits to companies
    an escort served before (read only)."""
    return sa.select(Visit).where(visit_scope(user, history=history))


def with_list_loads(stmt: sa.Select) -> sa.Select:
    """What a visit row shows: company (and town), escort, and the ids of the problems raised."""
    return stmt.options(
        joinedload(Visit.company).joinedload(Company.town),
        joinedload(Visit.escort),
        selectinload(Visit.tickets).options(load_only(Ticket.id, Ticket.number, raiseload=True)),
    )


def with_detail_loads(stmt: sa.Select) -> sa.Select:
    return with_list_loads(stmt).options(joinedload(Visit.created_by), selectinload(Visit.photos))


def visit_companies(user: User) -> sa.Select:
    """The companies whose visits `user` may look for: an escort's current ones and those they served
    before (their own visits to them stay on their list after a handover)."""
    return visible_companies(user, history=True)


def filter_visits(stmt: sa.Select, *, user: User | None = None, company_id=None, company=None, escort_id=None,
                  mode=None, date_from: date | None = None, date_to: date | None = None, town_id=None) -> sa.Select:
    """Narrow a scoped visit select by the list's filters.

    company: text typed into the list's company box: visits to the companies of visit_companies(user)
    whose name contains it or whose credit code is it (see search_companies), as one IN (subquery).
    """
    if company_id:
        stmt = stmt.where(Visit.company_id == company_id)
    if company:
        if user is None:
            raise TypeError("filter_visits(company=...) searches the user's companies: pass user")
        matching = search_companies(visit_companies(user), company).with_only_columns(Company.id)
        stmt = stmt.where(Visit.company_id.in_(matching))
    if escort_id:
        stmt = stmt.where(Visit.escort_id == escort_id)
    if mode:
        stmt = stmt.where(Visit.mode == mode)
    if date_from:
        stmt = stmt.where(Visit.visited_on >= date_from)
    if date_to:
        stmt = stmt.where(Visit.visited_on <= date_to)
    if town_id:
        stmt = stmt.where(Visit.company_id.in_(sa.select(Company.id).where(Company.town_id == town_id)))
    return stmt


def newest_first(stmt: sa.Select) -> sa.Select:
    return stmt.order_by(Visit.visited_on.desc(), Visit.id.desc())


def visit_tickets(user: User, visit: Visit) -> sa.Select:
    """The problems raised at `visit` that `user` may open (through the tickets' own scope)."""
    return visible_tickets(user, history=True).where(Ticket.visit_id == visit.id).order_by(Ticket.id)


def visit_ticket_count(visit: Visit) -> sa.Select:
    return sa.select(sa.func.count(Ticket.id)).where(Ticket.visit_id == visit.id)


def visit_photos(visit: Visit) -> sa.Select:
    return sa.select(VisitPhoto).where(VisitPhoto.visit_id == visit.id).order_by(VisitPhoto.id)


def _last_visit():
    return (sa.select(sa.func.max(Visit.visited_on)).where(Visit.company_id == Company.id)
            .correlate(Company).scalar_subquery())


def companies_with_last_visit(user: User) -> sa.Select:
    """The companies `user` may log visits for now, as (Company, last_visited_on), least recently visited first."""
    last_visit = _last_visit()
    return (
        sa.select(Company, last_visit.label("last_visited_on"))
        .where(Company.escort_id == user.id)
        .order_by(last_visit.asc().nulls_first(), Company.name, Company.id)
    )


# ---------------------------------------------------------------- the "not visited" list

def _visits_in(window: VisitWindow):
    return sa.and_(Visit.company_id == Company.id, window.holds_day(Visit.visited_on))


def _short_of_visits(window: VisitWindow):
    """Company has fewer than window.required visits in the window (NOT EXISTS for the usual one)."""
    if window.required <= 1:
        return ~sa.exists().where(_visits_in(window))
    done = sa.select(sa.func.count(Visit.id)).where(_visits_in(window)).correlate(Company).scalar_subquery()
    return done < window.required


def unvisited_companies(user: User, window: VisitWindow, *, escort_id=None, town_id=None) -> sa.Select:
    """Companies `user` answers for with fewer than `window.required` visits in `window`.

    One statement: the scoped company select with a NOT EXISTS (or, when more
    than one visit is required, a correlated count) and the date of the last
    visit ever as a second column; rows are (Company, last_visited_on), the
    longest-unvisited first. An escort gets the companies assigned to them now;
    managers every company, filterable by escort and town. Any visit to the
    company counts, whoever made it (e.g. the previous escort before a handover).
    """
    stmt = visible_companies(user).where(_short_of_visits(window))
    if escort_id:
        stmt = stmt.where(Company.escort_id == escort_id)
    if town_id:
        stmt = stmt.where(Company.town_id == town_id)
    last_visit = _last_visit()
    return (
        stmt.add_columns(last_visit.label("last_visited_on"))
        .options(joinedload(Company.town), joinedload(Company.escort))
        .order_by(last_visit.asc().nulls_first(), Company.name, Company.id)
    )


def count_unvisited(user: User, window: VisitWindow) -> sa.Select:
    """How many of the companies `user` answers for are short of visits in `window` (a scalar select)."""
    return sa.select(sa.func.count()).select_from(
        visible_companies(user).where(_short_of_visits(window)).with_only_columns(Company.id).subquery()
    )


def active_towns() -> sa.Select:
    return sa.select(Town).where(Town.active.is_(True)).order_by(Town.code)


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = [
    (_l("走访日期"), 12), (_l("企业名称"), 30), (_l("统一社会信用代码"), 22), (_l("镇街"), 12), (_l("陪跑员"), 10),
    (_l("走访方式"), 10), (_l("参与人员"), 24), (_l("走访情况"), 50), (_l("生产经营状况"), 40), (_l("下一步工作"), 30),
    (_l("提出问题数"), 10), (_l("登记时间"), 18),
]


def export_columns() -> tuple[list[str], dict[str, int]]:
    """The export's headers in the reader's language, and each column's width by header."""
    columns = [(str(header), width) for header, width in EXPORT_COLUMNS]
    return [header for header, _width in columns], dict(columns)


def export_rows(stmt: sa.Select, *, batch: int = 1000):
    """Rows for export_columns() from a scoped visit select: plain columns, streamed `batch` at a time."""
    escort, town = aliased(User), aliased(Town)
    problems = sa.select(sa.func.count(Ticket.id)).where(Ticket.visit_id == Visit.id).correlate(Visit).scalar_subquery()
    stmt = (
        stmt.join(Company, Company.id == Visit.company_id)
        .join(town, town.id == Company.town_id)
        .join(escort, escort.id == Visit.escort_id)
        .with_only_columns(
            Visit.visited_on, Company.name, Company.uscc, town.name, escort.name, Visit.mode, Visit.participants,
            Visit.summary, Visit.company_status, Visit.next_step, problems, Visit.created_at,
        )
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
        .execution_options(yield_per=batch)
    )
    modes = {code: str(label) for code, label in MODES.items()}
    for row in db.session.execute(stmt):
        row = list(row)
        row[5] = modes.get(row[5], row[5])
        yield row


def company_visits(user: User, company: Company, limit: int = 5) -> sa.Select:
    """The most recent visits to one company that `user` may see (the company page's briefing)."""
    return (visible_visits(user, history=True).where(Visit.company_id == company.id).options(joinedload(Visit.escort))
            .order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(limit))
