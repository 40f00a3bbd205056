"""Scoped reads of companies: the only start of every company list, count, lookup and export."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User
from app.companies import goals
from app.companies.models import Company, CompanyFormerName, CompanyGoalUpdate, EscortAssignment
from app.companies.permissions import company_scope
from app.companies.uscc import normalize as normalize_uscc
from app.extensions import db
from app.reference.models import Industry, Town


def visible_companies(user: User, *, history: bool = False) -> sa.Select:
    """Companies `user` may see (the one rule: permissions.company_scope). history: with the companies an
    escort served before (read only: their pages and their problems' and visits' pages, never a list to
    work on)."""
    return sa.select(Company).where(company_scope(user, history=history))


def with_list_loads(stmt: sa.Select) -> sa.Select:
    """The relations every company row shows, loaded in the same query."""
    return stmt.options(
        joinedload(Company.town), joinedload(Company.industry), joinedload(Company.escort)
    )


def with_row_loads(stmt: sa.Select) -> sa.Select:
    """The company list page's rows: what with_list_loads loads, but of the town, the industry and the escort only
    the names a row shows (the escort's whole account, with the department joined to it, was a third of the
    rows' loading time: issue 14). A column not named here is read when first used."""
    return stmt.options(
        joinedload(Company.town).load_only(Town.name),
        joinedload(Company.industry).load_only(Industry.name),
        joinedload(Company.escort).load_only(User.name).lazyload(User.department),
    )


def filter_companies(stmt: sa.Select, *, q=None, category=None, town_id=None, escort_id=None, escort=None,
                     above_scale=None, goal_status=None, reached_year=None, goal_check=False) -> sa.Select:
    """escort_id: the companies of that escort; escort: of the escorts whose name contains the text (literally)."""
    if q and q.strip():
        text = q.strip()  # matched literally: a typed % or _ is not a wildcard
        stmt = stmt.where(sa.or_(names_contain(text), Company.uscc.icontains(text, autoescape=True)))
    if category:
        stmt = stmt.where(Company.category == category)
    if town_id:
        stmt = stmt.where(Company.town_id == town_id)
    if escort_id:
        stmt = stmt.where(Company.escort_id == escort_id)
    if escort and escort.strip():
        stmt = stmt.where(Company.escort_id.in_(sa.select(User.id).where(
            User.role == Role.ESCORT, User.name.icontains(escort.strip(), autoescape=True))))
    if above_scale is not None:
        stmt = stmt.where(Company.is_above_scale.is_(bool(above_scale)))
    if goal_status:
        stmt = stmt.where(Company.goal_status == goal_status)
    if reached_year:
        stmt = stmt.where(goals.reached_in_year(reached_year))
    if goal_check:
        stmt = stmt.where(goals.inconsistent_goal_condition())
    return stmt


def names_contain(text: str):
    """The company's name or one of its former names (曾用名) contains `text`: literally (a typed % or _
    is not a wildcard) and, as far as the database folds case, in any case. Every company search box
    (company list, problem and visit lists, the API's `q`) matches names through this one condition."""
    former = sa.select(CompanyFormerName.company_id).where(CompanyFormerName.name.icontains(text, autoescape=True))
    return sa.or_(Company.name.icontains(text, autoescape=True), Company.id.in_(former))


def search_companies(stmt: sa.Select, text: str) -> sa.Select:
    """Narrow a company select to the companies whose name or a former name contains `text` (names_contain)
    or whose credit code is `text` (matched exactly, as typed in either case or full width)."""
    text = text.strip()
    return stmt.where(sa.or_(names_contain(text), Company.uscc == normalize_uscc(text)))


def former_names(company_ids) -> dict[int, list[str]]:
    """Each company's former names, most recently dropped first, in one query."""
    found: dict[int, list[str]] = {}
    if company_ids:
        rows = db.session.execute(
            sa.select(CompanyFormerName.company_id, CompanyFormerName.name)
            .where(CompanyFormerName.company_id.in_(list(company_ids)))
            .order_by(CompanyFormerName.company_id, CompanyFormerName.until.desc().nulls_last(),
                      CompanyFormerName.id.desc()))
        for company_id, name in rows:
            found.setdefault(company_id, []).append(name)
    return found


def former_name_rows(company: Company) -> sa.Select:
    return (sa.select(CompanyFormerName).where(CompanyFormerName.company_id == company.id)
            .order_by(CompanyFormerName.until.desc().nulls_last(), CompanyFormerName.id.desc()))


def goal_updates(company: Company) -> sa.Select:
    """Every progress update on the company's goal, newest first, with who made it."""
    return (
        sa.select(CompanyGoalUpdate)
        .where(CompanyGoalUpdate.company_id == company.id)
        .options(joinedload(CompanyGoalUpdate.actor))
        .order_by(CompanyGoalUpdate.id.desc())
    )


def assignment_history(company: Company) -> sa.Select:
    return (
        sa.select(EscortAssignment)
        .where(EscortAssignment.company_id == company.id)
        .options(joinedload(EscortAssignment.escort), joinedload(EscortAssignment.assigned_by))
        .order_by(EscortAssignment.started_at.desc(), EscortAssignment.id.desc())
    )


def active_escorts() -> sa.Select:
    return sa.select(User).where(User.role == Role.ESCORT, User.active.is_(True)).order_by(User.name)
