"""The numbers of the dashboard and the staff homes (跟踪监测), each one SQL statement.

Every metric is one aggregate (COUNT / SUM(CASE …), grouped where it is a breakdown) over
indexed columns (tickets: status+due_at, created_at, closed_at, rated_at, department_id+status,
company_id; visits: company_id+visited_on), started from the user's scoped select
(tickets.queries.visible_tickets, companies.queries.visible_companies). No metric loops over rows
in Python: Python only turns the clock into UTC instants once (month starts, working-day cut-offs),
so a page runs the same number of statements whatever the data size.

Terms shared by every metric (the page shows the same text, DEFINITIONS below):

* open (未办结): status in OPEN_STATES — submitted, accepted, escalated, dispatched, in_progress,
  replied (rejected, withdrawn and closed are finished).
* overdue (已超期): status in SLA_STATES (somebody owes a step against a deadline) and due_at < now.
* due soon (一个工作日内到期): status in SLA_STATES and now <= due_at <= the end of the next working
  day (local time; tickets.queries.due_soon_until, the horizon of the sweep's notice).
* this month: the local (Asia/Shanghai) calendar month of now; an event is in it when
  start_of_local_day(1st) <= time < start_of_local_day(1st of next month).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload

from app.accounts.models import Role, User
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import GOAL_STATUSES, Company
from app.companies.queries import visible_companies
from app.core.db import in_computed_first
from app.core.sqlhints import rare
from app.core.timeutil import local_date, start_of_local_day
from app.core.workdays import is_workday
from app.common_problems.models import CommonProblem
from app.extensions import db
from app.monitoring import summary
from app.monitoring.summary import month_first as _month_first
from app.reference.models import Department, Town
from app.tickets.models import (
    CATEGORIES, OPEN_STATES, RATINGS, SLA_STATES, SUPERVISION_ORDER, ExtensionRequest, Ticket,
)
from app.tickets.queries import AWAITING, co_owing_condition, due_soon_until, visible_tickets, with_list_loads
# _short_of_visits is the "not visited in the window" rule itself: reused so coverage and the list never disagree.
from app.visits.queries import _short_of_visits, companies_with_last_visit, unvisited_companies
from app.visits.window import VisitWindow

SATISFIED = ("satisfied", "basically_satisfied")

DEFINITIONS = {
    "open": _l("未办结：状态为待受理、已受理、待交办、已交办、办理中、已答复的问题（不含已办结、不予受理、已撤回）。"),
    "overdue": _l("已超期：有办理期限的环节（待受理至办理中）当前期限早于此刻的问题。"
                  "并入共性问题的成员问题，期限即共性问题当前环节的期限（每个成员问题各计一个）。"),
    "due_soon": _l("一个工作日内到期：有办理期限的环节，期限在此刻至下一个工作日结束之间的问题。"),
    "closed_month": _l("本月办结：状态为已办结、办结时间在本月（北京时间自然月）的问题。"),
    "satisfaction": _l("本月满意率：本月评价的问题中，最近一次评价为“满意”或“基本满意”的数量 ÷ 本月评价的问题数；"
                       "每个问题只计最近一次评价。"),
    "coverage": _l("走访覆盖率：已分配陪跑员、且在本走访周期内达到规定走访次数的企业数 ÷ 已分配陪跑员的企业数。"
                   "未走访企业数含尚未分配陪跑员的企业，与“未走访企业”名单一致。"),
    "breakdown": _l("分组统计：未办结问题按问题类别、承办部门（仅已交办过部门的问题；共性问题的成员问题按共性问题的承办部门计）、"
                    "企业所在镇街、企业类别分组，每组给出未办结、已超期、一个工作日内到期的数量。"),
    "common": _l("共性问题：办理中指待交办、已交办、办理中（尚未答复）的共性问题，已超期指其中当前环节期限早于此刻的，"
                 "督办中指其中被督办（催办、督办、挂牌督办）的；每个共性问题计一个，其成员问题另在上面的问题数中各计一个。"),
    "ageing": _l("账龄：未办结问题自提交之日起至今的工作日数（不含提交当日，节假日不计），分为 ≤5、6–15、16–30、>30 个工作日。"
                 "暂停计时（待企业补充材料）的日子仍计入账龄：问题仍未解决，长期等待材料的问题正应在此显现；"
                 "排名中的办结工作日和按期率不计暂停时间。"),
    "supervision": _l("督办清单：未办结且被督办（催办、督办、挂牌督办）或被评为不满意而重新办理两次及以上的问题。"),
    "trend": _l("12个月趋势：近12个自然月（含本月）每月新提交的问题数，与每月办结（状态为已办结、办结时间在该月）的问题数。"),
}


def count_if(condition):
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 on no rows: the same on SQLite and PostgreSQL."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _between(column, start: datetime, end: datetime):
    return sa.and_(column >= start, column < end)


@dataclass(frozen=True)
class Clock:
    """"Now" turned once into the instants every query compares against."""

    now: datetime
    today: date            # local date of now
    month_first: date      # first local day of this month
    next_month_first: date

    @property
    def month_last(self) -> date:
        return self.next_month_first - timedelta(days=1)

    @property
    def month_start_utc(self) -> datetime:
        return start_of_local_day(self.month_first)

    @property
    def month_end_utc(self) -> datetime:
        return start_of_local_day(self.next_month_first)

    @property
    def due_soon_until(self) -> datetime:
        return due_soon_until(self.now)

    @property
    def month_args(self) -> dict:
        return {"from": self.month_first.isoformat(), "to": self.month_last.isoformat()}


def clock(now: datetime) -> Clock:
    today = local_date(now)
    first = _month_first(today)
    return Clock(now, today, first, _month_first(first, -1))


def _overdue(c: Clock):
    return sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at < c.now)


def _due_soon(c: Clock):
    return sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at >= c.now, Ticket.due_at <= c.due_soon_until)


def _supervised():
    return sa.or_(Ticket.supervision.is_not(None), Ticket.reopen_count >= 2)


def _open_tickets(user: User) -> sa.Select:
    # rare(): open problems are a few percent of all, which SQLite's planner cannot know (app.core.sqlhints).
    return visible_tickets(user).where(rare(Ticket.status.in_(OPEN_STATES)))


# --------------------------------------------------------------------------- headline

@dataclass
class OpenCounts:
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    supervised: int = 0


def open_counts(user: User, c: Clock) -> OpenCounts:
    """One statement over the user's open problems (status in OPEN_STATES; index status+due_at).

    open = COUNT(*). overdue = status in SLA_STATES and due_at < now. due_soon = status in
    SLA_STATES and now <= due_at <= end of the next working day. supervised = supervision is not
    NULL (催办/督办/挂牌督办) or reopen_count >= 2.
    """
    row = db.session.execute(_open_tickets(user).with_only_columns(
        sa.func.count(Ticket.id), count_if(_overdue(c)), count_if(_due_soon(c)), count_if(_supervised()),
    )).one()
    return OpenCounts(*(int(v or 0) for v in row))


@dataclass
class MonthCounts:
    closed: int = 0
    rated: int = 0
    by_rating: dict = field(default_factory=dict)

    @property
    def satisfied(self) -> int:
        return sum(self.by_rating.get(r, 0) for r in SATISFIED)

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def month_counts(user: User, c: Clock) -> MonthCounts:
    """One statement over the user's problems closed or rated this month (indexes status+closed_at,
    rated_at+rating).

    closed = status 'closed' and month_start <= closed_at < next_month_start (closed_at alone is
    also set on rejected/withdrawn problems, which never count). rated = rating is not NULL and
    month_start <= rated_at < next_month_start; by_rating splits it by the (last) rating, and
    satisfaction = (满意 + 基本满意) ÷ rated — not applicable (None) when nothing was rated.
    Each number is its own COUNT over one index range (a scalar subquery), which the index alone
    answers; one pass over "closed or rated" would fetch every such row from the table.
    """
    start, end = c.month_start_utc, c.month_end_utc

    def count(*conditions):
        return visible_tickets(user).where(*conditions).with_only_columns(sa.func.count()).scalar_subquery()

    rated = (Ticket.rating.is_not(None), _between(Ticket.rated_at, start, end))
    row = db.session.execute(sa.select(
        count(Ticket.status == "closed", _between(Ticket.closed_at, start, end)),
        count(*rated),
        *(count(_between(Ticket.rated_at, start, end), Ticket.rating == code) for code in RATINGS),
    )).one()
    closed, rated_count, *per_rating = (int(v or 0) for v in row)
    return MonthCounts(closed, rated_count, dict(zip(RATINGS, per_rating)))


# --------------------------------------------------------------------------- visit coverage

@dataclass
class Coverage:
    window: VisitWindow
    assigned: int = 0             # companies with an escort
    visited: int = 0              # … of which had the required visits in the window
    unvisited: int = 0            # every company short of visits (the /visits/unvisited list)
    unvisited_unassigned: int = 0  # … of which have no escort

    @property
    def rate(self) -> float | None:
        return self.visited / self.assigned if self.assigned else None


def coverage(user: User, window: VisitWindow) -> Coverage:
    """One statement over the user's companies (index visits company_id+visited_on).

    assigned = companies with an escort (Company.escort_id is not NULL). visited = those with at
    least window.required visits (by anyone) with window.start <= visited_on <= window.end — the
    rule of the "not visited" list (visits.queries.unvisited_companies). rate = visited ÷ assigned
    (None without companies). unvisited = companies short of visits in the window, with or
    without an escort: exactly the rows of /visits/unvisited.
    """
    short = _short_of_visits(window)
    has_escort = Company.escort_id.is_not(None)
    row = db.session.execute(visible_companies(user).with_only_columns(
        count_if(has_escort), count_if(sa.and_(has_escort, ~short)), count_if(short),
        count_if(sa.and_(Company.escort_id.is_(None), short)),
    )).one()
    return Coverage(window, *(int(v or 0) for v in row))


# --------------------------------------------------------------------------- breakdowns

@dataclass
class Group:
    """One row of a breakdown: its label, the list filter that selects it, and its counts."""

    key: object
    label: str
    args: dict
    open: int = 0
    overdue: int = 0
    due_soon: int = 0


BREAKDOWNS = {
    "category": _l("按问题类别"),
    "department": _l("按承办部门"),
    "town": _l("按镇街"),
    "company_category": _l("按企业类别"),
}


def breakdown(user: User, c: Clock, dimension: str) -> list[Group]:
    """Open problems grouped by one dimension: one GROUP BY statement.

    category = Ticket.category. department = the department the problem is (or was last)
    dispatched to (Ticket.department_id; problems never dispatched, or returned and not yet
    dispatched again, have none and are left out); a member of a 共性问题 not yet answered counts
    under its group's department (the group's dispatch is the member's; the problem list's department
    filter selects the same rows). town = the company's town (Company.town_id).
    company_category = the company's category. Each group: open = COUNT(*), overdue and due_soon
    as in open_counts. Groups without open problems are not listed; largest first.
    """
    company = aliased(Company)
    measures = (sa.func.count(Ticket.id).label("open"), count_if(_overdue(c)).label("overdue"),
                count_if(_due_soon(c)).label("due_soon"))
    stmt = _open_tickets(user)
    if dimension == "category":
        keys = (Ticket.category,)
    elif dimension == "department":
        group = aliased(CommonProblem)
        stmt = (stmt.outerjoin(group, Ticket.common_problem_id == group.id)
                .join(Department, Department.id == sa.func.coalesce(Ticket.department_id, group.department_id)))
        keys = (Department.id, Department.name, Department.code)
    elif dimension in ("town", "company_category"):
        # Counted per company first (the open problems, through index status+due_at), then the
        # companies joined: with the join inside, SQLite's planner walks every company's problems.
        per_company = (stmt.with_only_columns(Ticket.company_id.label("company_id"), *measures)
                       .group_by(Ticket.company_id).subquery())
        stmt = sa.select(per_company.c.company_id).join(company, company.id == per_company.c.company_id)
        measures = tuple(sa.func.sum(per_company.c[name]).label(name) for name in ("open", "overdue", "due_soon"))
        if dimension == "town":
            stmt = stmt.join(Town, Town.id == company.town_id)
            keys = (Town.id, Town.name, Town.code)
        else:
            keys = (company.category,)
    else:
        raise ValueError(dimension)
    rows = db.session.execute(
        stmt.with_only_columns(*keys, *measures).group_by(*keys).order_by(sa.desc("open"), *keys)
    ).all()
    groups = []
    for row in rows:
        key = row[0]
        if dimension == "category":
            label, args = str(CATEGORIES.get(key, key)), {"category": key}
        elif dimension == "department":
            label, args = row[1], {"department_id": key}
        elif dimension == "town":
            label, args = row[1], {"town_id": key}
        else:
            label, args = str(COMPANY_CATEGORIES[key][0]) if key in COMPANY_CATEGORIES else key, {"company_category": key}
        groups.append(Group(key, label, args, int(row.open), int(row.overdue), int(row.due_soon)))
    return groups


# --------------------------------------------------------------------------- ageing

AGE_BUCKETS = (  # (label, most working days) — the last bucket is open-ended
    (_l("≤5个工作日"), 5),
    (_l("6–15个工作日"), 15),
    (_l("16–30个工作日"), 30),
    (_l(">30个工作日"), None),
)


def earliest_day_within(today: date, n: int) -> date:
    """The earliest local day D with working_days_between(D, today) <= n (working days in (D, today]).

    Walks back from today; a step back over a working day adds one to the age, so the walk
    stops when the next step would pass n (a few dozen calendar days at most).
    """
    day, age = today, 0
    while True:
        step = 1 if is_workday(day) else 0
        if age + step > n:
            return day
        age += step
        day -= timedelta(days=1)


@dataclass
class Bucket:
    label: str
    created_from: date | None
    created_to: date | None
    count: int = 0

    @property
    def args(self) -> dict:
        args = {}
        if self.created_from:
            args["created_from"] = self.created_from.isoformat()
        if self.created_to:
            args["created_to"] = self.created_to.isoformat()
        return args


def ageing(user: User, c: Clock) -> list[Bucket]:
    """Open problems by working days since they were submitted: one GROUP BY statement.

    age = working days in (local created date, today] (holidays and weekends not counted, the
    calendar of app.core.workdays). The bucket bounds are turned once into local created dates
    (earliest_day_within) and then UTC instants, so the statement is a CASE over created_at
    (index created_at) grouped by bucket: ≤5, 6–15, 16–30, >30 working days.
    """
    firsts = [earliest_day_within(c.today, most) for _label, most in AGE_BUCKETS[:-1]]
    buckets, newer = [], None
    for (label, _most), first in zip(AGE_BUCKETS, firsts + [None]):
        buckets.append(Bucket(str(label), first, newer - timedelta(days=1) if newer else None))
        newer = first
    bucket = sa.case(
        *((Ticket.created_at >= start_of_local_day(first), i) for i, first in enumerate(firsts)),
        else_=len(firsts),
    ).label("bucket")
    inner = _open_tickets(user).with_only_columns(bucket).subquery()
    for index, count in db.session.execute(
        sa.select(inner.c.bucket, sa.func.count()).group_by(inner.c.bucket)
    ):
        buckets[int(index)].count = int(count)
    return buckets


# --------------------------------------------------------------------------- 12-month trend

@dataclass
class MonthPoint:
    first: date
    created: int = 0
    closed: int = 0

    @property
    def last(self) -> date:
        return _month_first(self.first, -1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return str(_l("%(y)d年%(m)d月", y=self.first.year, m=self.first.month))

    @property
    def short_label(self) -> str:
        return str(_l("%(m)d月", m=self.first.month))


def trend(user: User, c: Clock, months: int = 12) -> list[MonthPoint]:
    """Problems submitted and closed per local month, the last `months` months including this one.

    created = problems with created_at in the month (index created_at); closed = status 'closed' with closed_at
    in the month (index status, closed_at): one statement of a COUNT per month and series over the index ranges
    (app.monitoring.summary.count_months; the month starts turned once into UTC instants). For the whole
    district (admins, managers) the months before the current one come from the summary rows `flask tickets
    sweep` rebuilds (they do not change), so a view counts the current month only — unless a past month has
    no row yet, when every month is counted live. Scoped users' months are always counted live (their scope
    moves with assignments and dispatches).
    """
    firsts = [_month_first(c.today, back) for back in range(months - 1, -1, -1)] + [c.next_month_first]
    if user.role in (Role.ADMIN, Role.MANAGER) and months > 1:
        stored = summary.stored_months(firsts[0], c.month_first)
        if len(stored) == months - 1:
            (created, closed), = summary.count_months(visible_tickets(user), firsts[-2:])
            return [MonthPoint(first, *stored[first]) for first in firsts[:-2]] + [MonthPoint(c.month_first, created,
                                                                                             closed)]
    counts = summary.count_months(visible_tickets(user), firsts)
    return [MonthPoint(first, created, closed) for first, (created, closed) in zip(firsts, counts)]


# --------------------------------------------------------------------------- lists

def by_due_date(stmt: sa.Select) -> sa.Select:
    """Steps owed against a deadline first, soonest deadline first; then the rest, newest first."""
    owing = sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at.is_not(None))
    return stmt.order_by(sa.case((owing, 0), else_=1), sa.case((owing, Ticket.due_at), else_=None),
                         Ticket.created_at.desc(), Ticket.id.desc())


def supervision_list(user: User, limit: int = 20) -> sa.Select:
    """Open problems under supervision (supervision set, or reopen_count >= 2): highest level first."""
    level = sa.case(*((Ticket.supervision == code, i) for i, code in enumerate(SUPERVISION_ORDER)), else_=-1)
    order = (level.desc(), Ticket.reopen_count.desc(), Ticket.due_at.asc().nulls_last(), Ticket.id)
    # The order and the limit over the problems alone, then only those joined to what a row shows (as
    # _first_by_due_date): sorting every supervised open problem with its joined company, department and helper
    # first cost the dashboard about a quarter of its time (issue 14).
    first = _open_tickets(user).where(_supervised()).with_only_columns(Ticket.id).order_by(*order).limit(limit)
    return with_list_loads(sa.select(Ticket).where(in_computed_first(Ticket.id, first))).order_by(*order)


def open_by_due_date(user: User, limit: int = 20) -> sa.Select:
    return by_due_date(with_list_loads(_open_tickets(user))).limit(limit)


def _first_by_due_date(stmt: sa.Select, limit: int) -> sa.Select:
    """The first `limit` problems of `stmt` by due date, with what a list shows. The order and the limit are
    taken over the problems' ids alone; only those few are then joined to their company, town, escort,
    department and helper (sorting a department's hundreds of matches with every joined column first cost
    10–20 ms a list at 200,000 problems). The ids are computed first (in_computed_first): as IN (subquery),
    PostgreSQL joined every problem to its company, town, escort, department and helper and then hashed the
    twenty ids against them (0.7 s a list at 200,000 problems, 1–2 s a workbench)."""
    first = by_due_date(stmt.with_only_columns(Ticket.id)).limit(limit)
    return by_due_date(with_list_loads(sa.select(Ticket).where(in_computed_first(Ticket.id, first))))


def open_not_in(user: User, statuses, limit: int = 20) -> sa.Select:
    """The user's open problems in any state but `statuses`, by due date (the workbench's "others")."""
    return _first_by_due_date(_open_tickets(user).where(Ticket.status.not_in(statuses)), limit)


def tickets_in(user: User, statuses, limit: int = 20) -> sa.Select:
    """The user's problems in `statuses` (open ones: a workbench list), by due date."""
    return _first_by_due_date(visible_tickets(user, status_first=True).where(Ticket.status.in_(statuses)), limit)


def overdue_tickets(user: User, c: Clock, limit: int = 20) -> sa.Select:
    return _first_by_due_date(visible_tickets(user, status_first=True).where(_overdue(c)), limit)


def pending_extensions(user: User, limit: int = 20) -> sa.Select:
    """(Ticket, ExtensionRequest) for the user's problems whose extension request awaits a decision."""
    return (
        with_list_loads(visible_tickets(user))
        .join(ExtensionRequest, ExtensionRequest.ticket_id == Ticket.id)
        .where(ExtensionRequest.status == "pending")
        .add_columns(ExtensionRequest)
        .options(joinedload(ExtensionRequest.requested_by))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
        .limit(limit)
    )


# --------------------------------------------------------------------------- escort home

@dataclass
class EscortCounts:
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    awaiting: int = 0     # 待我处理: submitted or accepted (the escort owes acceptance or a reply)


def escort_counts(user: User, c: Clock) -> EscortCounts:
    """One statement over the open problems of the escort's companies (visible_tickets).

    open, overdue, due_soon as in open_counts; awaiting = status in AWAITING[escort] (submitted,
    accepted), the list's "待我处理".
    """
    row = db.session.execute(_open_tickets(user).with_only_columns(
        sa.func.count(Ticket.id), count_if(_overdue(c)), count_if(_due_soon(c)),
        count_if(Ticket.status.in_(AWAITING[Role.ESCORT])),
    )).one()
    return EscortCounts(*(int(v or 0) for v in row))


@dataclass
class CompanyCounts:
    companies: int = 0
    unvisited: int = 0
    goals: dict = field(default_factory=dict)


def escort_company_counts(user: User, window: VisitWindow) -> CompanyCounts:
    """One statement over the companies assigned to the escort now.

    companies = COUNT(*); unvisited = short of window.required visits in the window (the rule of
    /visits/unvisited); goals = COUNT per goal_status (not started / in progress / achieved).
    """
    row = db.session.execute(visible_companies(user).with_only_columns(
        sa.func.count(Company.id), count_if(_short_of_visits(window)),
        *(count_if(Company.goal_status == code) for code in GOAL_STATUSES),
    )).one()
    total, unvisited, *goals = (int(v or 0) for v in row)
    return CompanyCounts(total, unvisited, dict(zip(GOAL_STATUSES, goals)))


def escort_companies(user: User, window: VisitWindow) -> sa.Select:
    """Rows (Company, last_visited_on, open_problems, visited_in_window) for the escort's companies,
    least recently visited first — one statement with correlated subqueries."""
    open_problems = (sa.select(sa.func.count(Ticket.id))
                     .where(Ticket.company_id == Company.id, Ticket.status.in_(OPEN_STATES))
                     .correlate(Company).scalar_subquery())
    visited = sa.case((_short_of_visits(window), False), else_=True)
    return companies_with_last_visit(user).add_columns(open_problems.label("open_problems"),
                                                       visited.label("visited_in_window"))


def escort_unvisited(user: User, window: VisitWindow, limit: int = 50) -> sa.Select:
    """The escort's companies short of visits in the window: the head of /visits/unvisited."""
    return unvisited_companies(user, window).limit(limit)


# --------------------------------------------------------------------------- helper home

@dataclass
class HelperCounts:
    to_sign: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    extension_pending: int = 0
    co_owing: int = 0
    common_open: int = 0      # 共性问题 at the department, dispatched or in progress (each group once)
    common_overdue: int = 0   # … of which past their current deadline
    common_co_owing: int = 0  # 共性问题 naming the department as a 协办 co-department, its opinion still to come


def helper_counts(user: User, c: Clock) -> HelperCounts:
    """One statement over the problems at the helper's department (visible_tickets; index
    department_id+status), status dispatched or in_progress.

    to_sign = status dispatched; in_progress = status in_progress; overdue / due_soon as in
    open_counts; extension_pending = an ExtensionRequest with status 'pending' exists; co_owing (协办待办) =
    the department is an open co-department that has not yet given its opinion (app.tickets.queries);
    common_open / common_overdue = the department's 共性问题 dispatched or in progress / past their deadline
    (each group once; its members are not the department's problems until the group's reply);
    common_co_owing = 共性问题 dispatched or in progress naming the department as a co-department whose opinion
    is still to come (app.common_problems.queries.co_owing_condition).
    """
    from app.common_problems.queries import co_owing_condition as group_co_owing

    pending = sa.select(ExtensionRequest.ticket_id).where(ExtensionRequest.status == "pending")

    def groups(*conditions):  # the department's 共性问题, in the same statement (uncorrelated subqueries)
        return sa.select(sa.func.count()).select_from(CommonProblem).where(
            CommonProblem.department_id == user.department_id,
            CommonProblem.status.in_(("dispatched", "in_progress")), *conditions).scalar_subquery()

    row = db.session.execute(
        visible_tickets(user).where(Ticket.status.in_(("dispatched", "in_progress"))).with_only_columns(
            count_if(Ticket.status == "dispatched"), count_if(Ticket.status == "in_progress"),
            count_if(_overdue(c)), count_if(_due_soon(c)), count_if(Ticket.id.in_(pending)),
            count_if(co_owing_condition(user)), groups(), groups(CommonProblem.due_at < c.now),
            sa.select(sa.func.count()).select_from(CommonProblem).where(group_co_owing(user)).scalar_subquery(),
        )
    ).one()
    return HelperCounts(*(int(v or 0) for v in row))
