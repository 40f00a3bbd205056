"""The ranking metrics, computed in SQL (docs: /work/shared MONITORING.md, shown on the page).

Every board is a small fixed number of grouped queries, whatever the data size: one for the
entries, then one per metric family (each a GROUP BY with COUNT / SUM(CASE …) / AVG over
indexed columns). No metric loops over rows in Python.

Common rules
------------
* Period: local dates [start, end]; an event is in the period when
  start_utc <= event time < end_utc (see periods.py). A visit is in it when
  start <= visited_on <= end.
* "Closed" means status = 'closed' (rated 满意/基本满意, or closed automatically) with
  closed_at in the period. closed_at is also set on rejected/withdrawn tickets; those never count
  as closed. A ticket closed, reopened and closed again has only its last closed_at: it counts
  once, in the period of its last closing.
* On time (an escort's stage): accepted_on_time, escalated_on_time, or replied_on_time of a reply
  the escort gave itself (replied_from = 'accepted').
* On time (a ticket): replied_on_time is true — the last reply came at or before the deadline
  in force then (working days per the Chinese calendar and the admin's holidays, so a holiday
  inside a deadline moves it). On time (a dispatch record): signed_on_time / replied_on_time of
  that record.
* Satisfaction: rating in (satisfied, basically_satisfied) ÷ rated, over tickets with rated_at in
  the period. Only the last rating is kept, so a reopened ticket rated again counts once, with
  its last rating, in the period of that rating; an auto-closed ticket has no rating.
* Reopened: reopen_count > 0 (rated 不满意 at least once).
A rate whose denominator is zero is not applicable (None, shown as "—").
"""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.companies.models import Company, EscortAssignment
from app.core.db import utcnow
from app.extensions import db
from app.rankings.periods import Period
from app.reference.models import Department, Town
from app.tickets.models import DispatchRecord, Ticket, TicketCoDepartment
from app.visits.models import Visit

SATISFIED = ("satisfied", "basically_satisfied")
OVERDUE_STATES = ("dispatched", "in_progress")
# Problems the escort logs (at a visit, or for the company); portal and hotline ones are filed by others.
ESCORT_SOURCES = ("visit", "escort")


@dataclass(frozen=True)
class Ratio:
    """A rate kept as its two counts, so the page can show "2/3" next to 66.7%."""

    num: int = 0
    den: int = 0

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None


@dataclass
class Entry:
    """One row of a board: who, how many cases back the numbers, and the raw metrics.

    metrics values are Ratio (rates), int (counts) or float | None (averages).
    """

    id: int
    name: str
    cases: int = 0
    metrics: dict = field(default_factory=dict)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _closed_in(period: Period):
    return sa.and_(Ticket.status == "closed", period.holds(Ticket.closed_at))


def _rated_in(period: Period):
    return sa.and_(Ticket.rating.is_not(None), period.holds(Ticket.rated_at))


def _touched_in(period: Period):
    """The ids of the problems with a fact of the escort board in the period — created, accepted,
    escalated, replied, rated or closed then — each read through the index on its own time, so the board
    reads the period's few thousand problems instead of every problem of every year."""
    times = (Ticket.created_at, Ticket.accepted_at, Ticket.escort_escalated_at, Ticket.replied_at,
             Ticket.rated_at)
    arms = [sa.select(Ticket.id).where(period.holds(column)) for column in times]
    arms.append(sa.select(Ticket.id).where(_closed_in(period)))
    return sa.union(*arms).subquery("touched")


def _entries(stmt) -> dict[int, Entry]:
    return {row.id: Entry(row.id, row.name) for row in db.session.execute(stmt)}


def _avg(value) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- escorts

def escort_metrics(period: Period, *, now: datetime | None = None) -> list[Entry]:
    """陪跑员榜: one row per active escort, escorts without companies included (3 queries).

    Only what the escort controls (DESIGN, second round): the problems the escort logged and the
    escort's own stages, never the company's own filings nor the department's handling time.

    visit_coverage = companies assigned to the escort during the period (an EscortAssignment with
        started_at < end_utc and (ended_at IS NULL or ended_at > start_utc)) that this escort
        visited at least once in the period (Visit.escort_id = escort, start <= visited_on <= end)
        ÷ those companies. No companies → not applicable.
    problems_collected = tickets with escort_id = escort, source 'visit' or 'escort' (logged by the
        escort at a visit or on the company's behalf; portal and hotline filings are not collected
        by the escort) and start_utc <= created_at < end_utc.
    on_time_handling = the escort's own stages finished in the period and on time ÷ those stages:
        * accepting a portal/hotline problem: accepted_at in the period, accepted_on_time;
        * escalating it to the task force: escort_escalated_at in the period, escalated_on_time;
        * answering it directly: replied_from = 'accepted' (the escort's reply, not a department's)
          and replied_at in the period, replied_on_time.
        Dispatch, signing and the department's reply are the department's time and never count here.
    satisfaction = the escort's tickets rated in the period with rating 满意 or 基本满意
        ÷ the escort's tickets rated in the period (last rating only).
    avg_close_days = AVG(close_working_days) over the escort's tickets closed in the period that
        the escort answered directly (replied_from = 'accepted'): the whole time was the escort's,
        less the working days the clock was paused (close_working_days leaves out paused_working_days).
    Every on-time flag (here and on the department board) is judged against deadlines that a resume
    moved on by the paused working days, so paused time never counts against anyone.
    reopen_rate = of those directly answered tickets closed in the period, the share with
        reopen_count > 0 (the escort's own answers that the company rejected at least once).
    cases = the escort's tickets logged, handled (a stage above) or rated in the period (each once).
    """
    entries = _entries(
        sa.select(User.id, User.name)
        .where(User.role == Role.ESCORT, User.active.is_(True))
        .order_by(User.name, User.id)
    )

    assignment = EscortAssignment
    visited = (
        sa.exists()
        .where(
            Visit.company_id == assignment.company_id,
            Visit.escort_id == assignment.escort_id,
            period.holds_day(Visit.visited_on),
        )
    )
    coverage = db.session.execute(
        sa.select(
            assignment.escort_id.label("escort_id"),
            sa.func.count(sa.distinct(assignment.company_id)).label("companies"),
            sa.func.count(sa.distinct(sa.case((visited, assignment.company_id)))).label("visited"),
        )
        .where(
            assignment.started_at < period.end_utc,
            sa.or_(assignment.ended_at.is_(None), assignment.ended_at > period.start_utc),
        )
        .group_by(assignment.escort_id)
    )
    coverage_by_escort = {row.escort_id: row for row in coverage}

    logged = sa.and_(period.holds(Ticket.created_at), Ticket.source.in_(ESCORT_SOURCES))
    accepted = sa.and_(period.holds(Ticket.accepted_at), Ticket.source.not_in(ESCORT_SOURCES),
                       Ticket.accepted_on_time.is_not(None))
    escalated = sa.and_(period.holds(Ticket.escort_escalated_at), Ticket.escalated_on_time.is_not(None))
    answered = sa.and_(Ticket.replied_from == "accepted", period.holds(Ticket.replied_at),
                       Ticket.replied_on_time.is_not(None))
    closed_own = sa.and_(_closed_in(period), Ticket.replied_from == "accepted")
    rated = _rated_in(period)
    touched = _touched_in(period)
    tickets = db.session.execute(
        sa.select(
            Ticket.escort_id.label("escort_id"),
            _count_if(logged).label("collected"),
            (_count_if(accepted) + _count_if(escalated) + _count_if(answered)).label("stages"),
            (_count_if(sa.and_(accepted, Ticket.accepted_on_time.is_(True)))
             + _count_if(sa.and_(escalated, Ticket.escalated_on_time.is_(True)))
             + _count_if(sa.and_(answered, Ticket.replied_on_time.is_(True)))).label("stages_on_time"),
            _count_if(rated).label("rated"),
            _count_if(sa.and_(rated, Ticket.rating.in_(SATISFIED))).label("satisfied"),
            _count_if(closed_own).label("closed_own"),
            sa.func.avg(sa.case((closed_own, Ticket.close_working_days))).label("avg_close_days"),
            _count_if(sa.and_(closed_own, Ticket.reopen_count > 0)).label("reopened"),
            sa.func.count().label("cases"),
        )
        .select_from(touched)
        .join(Ticket, Ticket.id == touched.c.id)
        .where(Ticket.escort_id.is_not(None), sa.or_(logged, accepted, escalated, answered, rated, closed_own))
        .group_by(Ticket.escort_id)
    )
    tickets_by_escort = {row.escort_id: row for row in tickets}

    for escort_id, entry in entries.items():
        cov = coverage_by_escort.get(escort_id)
        t = tickets_by_escort.get(escort_id)
        entry.cases = int(t.cases) if t else 0
        entry.metrics = {
            "visit_coverage": Ratio(int(cov.visited), int(cov.companies)) if cov else Ratio(),
            "problems_collected": int(t.collected) if t else 0,
            "on_time_handling": Ratio(int(t.stages_on_time), int(t.stages)) if t else Ratio(),
            "satisfaction": Ratio(int(t.satisfied), int(t.rated)) if t else Ratio(),
            "avg_close_days": _avg(t.avg_close_days) if t else None,
            "reopen_rate": Ratio(int(t.reopened), int(t.closed_own)) if t else Ratio(),
        }
    return list(entries.values())


# --------------------------------------------------------------------------- departments

def department_metrics(period: Period, *, now: datetime | None = None) -> list[Entry]:
    """部门榜: one row per active department (3 queries).

    Dispatch records (one per dispatch of a problem to a department):
    on_time_sign = records with start_utc <= signed_at < end_utc and signed_on_time true
        ÷ records signed in the period.
    on_time_reply = records replied in the period with replied_on_time true
        ÷ records replied in the period (a record replied again after a reopening keeps its
        last reply).
    return_rate = records with returned_at in the period ÷ records with dispatched_at in the
        period (two cohorts: a problem dispatched last month and returned this month counts in
        this month's numerator only).
    Tickets whose current department_id is the department:
    satisfaction = rated in the period with 满意/基本满意 ÷ rated in the period.
    reopen_rate = closed in the period with reopen_count > 0 ÷ closed in the period.
    overdue_count = tickets in 'dispatched' or 'in_progress' with due_at < min(end_utc, now).
    协办 (co-departments): each co-department's own timeliness is its own. Its rows
    (ticket_co_departments, one per dispatch naming it, of a problem or of a common problem — counted once
    for the group) count in on_time_sign (signed_at / signed_on_time) and on_time_reply (its opinion: opinion_at / opinion_on_time) like dispatch
    records, in overdue_count while its sign or opinion is past due on an open, unpaused problem,
    and in cases; never in return_rate (a co-department does not return the problem).
    共性问题 (common problems): a group's dispatch is one dispatch record (counted once in the rates and
    cases above); while the group is dispatched or in progress past its deadline it counts once in
    overdue_count (its members run no clock of their own); each member's rating counts in satisfaction
    and reopen_rate, as the member's own ticket (department_id set by the group's reply).
    cases = the department's dispatch records and co-department rows dispatched, signed, replied
        (opinion given) or returned in the period, or overdue now (each row once; a late group once).
    """
    now = now or utcnow()
    entries = _entries(
        sa.select(Department.id, Department.name)
        .where(Department.active.is_(True))
        .order_by(Department.name, Department.id)
    )

    cutoff = min(period.end_utc, now)
    record = _department_records(period, cutoff)
    dispatched = sa.and_(record.c.lead == 1, period.holds(record.c.dispatched_at))
    signed = period.holds(record.c.signed_at)
    replied = period.holds(record.c.replied_at)
    returned = period.holds(record.c.returned_at)
    co_overdue = record.c.co_overdue == 1
    records = db.session.execute(
        sa.select(
            record.c.department_id.label("department_id"),
            _count_if(signed).label("signed"),
            _count_if(sa.and_(signed, record.c.signed_on_time.is_(True))).label("signed_on_time"),
            _count_if(replied).label("replied"),
            _count_if(sa.and_(replied, record.c.replied_on_time.is_(True))).label("replied_on_time"),
            _count_if(returned).label("returned"),
            _count_if(dispatched).label("dispatched"),
            _count_if(co_overdue).label("co_overdue"),
            sa.func.count().label("cases"),
        )
        .where(sa.or_(dispatched, signed, replied, returned, co_overdue))
        .group_by(record.c.department_id)
    )
    records_by_department = {row.department_id: row for row in records}

    closed = _closed_in(period)
    rated = _rated_in(period)
    overdue = sa.and_(Ticket.status.in_(OVERDUE_STATES), Ticket.due_at < cutoff)
    # The problems rated or closed in the period or late now, each read through its own index (rather than
    # every problem of every year: 100 ms at 200,000 problems on SQLite, twice a board).
    touched = sa.union(sa.select(Ticket.id).where(rated), sa.select(Ticket.id).where(closed),
                       sa.select(Ticket.id).where(overdue)).subquery("touched")
    tickets = db.session.execute(
        sa.select(
            Ticket.department_id.label("department_id"),
            _count_if(rated).label("rated"),
            _count_if(sa.and_(rated, Ticket.rating.in_(SATISFIED))).label("satisfied"),
            _count_if(closed).label("closed"),
            _count_if(sa.and_(closed, Ticket.reopen_count > 0)).label("reopened"),
            _count_if(overdue).label("overdue"),
        )
        .select_from(touched)
        .join(Ticket, Ticket.id == touched.c.id)
        .where(Ticket.department_id.is_not(None), sa.or_(rated, closed, overdue))
        .group_by(Ticket.department_id)
    )
    tickets_by_department = {row.department_id: row for row in tickets}

    for department_id, entry in entries.items():
        r = records_by_department.get(department_id)
        t = tickets_by_department.get(department_id)
        entry.cases = int(r.cases) if r else 0
        entry.metrics = {
            "on_time_sign": Ratio(int(r.signed_on_time), int(r.signed)) if r else Ratio(),
            "on_time_reply": Ratio(int(r.replied_on_time), int(r.replied)) if r else Ratio(),
            "satisfaction": Ratio(int(t.satisfied), int(t.rated)) if t else Ratio(),
            "return_rate": Ratio(int(r.returned), int(r.dispatched)) if r else Ratio(),
            "reopen_rate": Ratio(int(t.reopened), int(t.closed)) if t else Ratio(),
            "overdue_count": (int(t.overdue) if t else 0) + (int(r.co_overdue) if r else 0),
        }
    return list(entries.values())


def _department_records(period: Period, cutoff: datetime):
    """The lead departments' dispatch records and the co-departments' rows (协办) as one set of rows:
    department, dispatched_at, signed_at/on time, replied_at/on time (a co-department's opinion),
    returned_at (lead only), lead (1/0), co_overdue (1: a co-department's sign or opinion is past due
    at `cutoff` on an open, unpaused problem; or a common problem's row, one per late group: its lead
    department's sign or reply is past due at `cutoff`).

    Only the lead records with a time in the period (dispatched, signed, replied or returned then — all the
    board counts of them), each time read through its own index: every dispatch record of every year was
    read before (56–140 ms at 200,000 problems on SQLite, twice a board)."""
    from app.common_problems.models import CommonProblem  # common problems build on tickets

    record, co = DispatchRecord, TicketCoDepartment
    lead = sa.select(
        record.department_id, record.dispatched_at, record.signed_at, record.signed_on_time, record.replied_at,
        record.replied_on_time, record.returned_at, sa.literal(1).label("lead"), sa.literal(0).label("co_overdue")
    ).where(sa.or_(*(period.holds(column) for column in (record.dispatched_at, record.signed_at, record.replied_at,
                                                          record.returned_at))))

    # A row helps a problem or a common problem (共性问题: counted once, like its lead's dispatch record).
    open_subject = sa.or_(sa.and_(Ticket.status.in_(OVERDUE_STATES), Ticket.paused_at.is_(None)),
                          CommonProblem.status.in_(OVERDUE_STATES))
    late = sa.and_(
        co.ended_at.is_(None), open_subject,
        sa.or_(sa.and_(co.signed_at.is_(None), co.sign_due_at < cutoff),
               sa.and_(co.opinion_at.is_(None), co.opinion_due_at < cutoff)))
    helping = (
        sa.select(co.department_id, co.dispatched_at, co.signed_at, co.signed_on_time, co.opinion_at,
                  co.opinion_on_time, sa.null(), sa.literal(0), sa.case((late, 1), else_=0))
        .outerjoin(Ticket, Ticket.id == co.ticket_id)
        .outerjoin(CommonProblem, CommonProblem.id == co.common_problem_id)
    )
    late_groups = sa.select(
        CommonProblem.department_id, sa.null(), sa.null(), sa.null(), sa.null(), sa.null(), sa.null(), sa.literal(0),
        sa.literal(1)).where(CommonProblem.status.in_(OVERDUE_STATES), CommonProblem.due_at < cutoff,
                             CommonProblem.department_id.is_not(None))
    return sa.union_all(lead, helping, late_groups).subquery("department_records")


# --------------------------------------------------------------------------- towns

def town_metrics(period: Period, *, now: datetime | None = None) -> list[Entry]:
    """镇街榜: one row per active town (3 queries).

    visit_coverage = companies of the town (Company.town_id, the current town) with at least one
        visit (by anyone) with start <= visited_on <= end ÷ companies of the town.
    closure_rate = tickets of the town's companies created in the period that have status
        'closed' and closed_at < end_utc ÷ tickets of the town's companies created in the period.
        (A ticket created in the period and closed after it is not closed "by end_utc".)
    cases = companies of the town.
    """
    entries = _entries(
        sa.select(Town.id, Town.name).where(Town.active.is_(True)).order_by(Town.name, Town.id)
    )

    visited = (
        sa.exists()
        .where(Visit.company_id == Company.id, period.holds_day(Visit.visited_on))
    )
    companies = db.session.execute(
        sa.select(
            Company.town_id.label("town_id"),
            sa.func.count().label("companies"),
            _count_if(visited).label("visited"),
        ).group_by(Company.town_id)
    )
    companies_by_town = {row.town_id: row for row in companies}

    closed_by_end = sa.and_(Ticket.status == "closed", Ticket.closed_at < period.end_utc)
    tickets = db.session.execute(
        sa.select(
            Company.town_id.label("town_id"),
            sa.func.count().label("created"),
            _count_if(closed_by_end).label("closed"),
        )
        .select_from(Ticket)
        .join(Company, Company.id == Ticket.company_id)
        .where(period.holds(Ticket.created_at))
        .group_by(Company.town_id)
    )
    tickets_by_town = {row.town_id: row for row in tickets}

    for town_id, entry in entries.items():
        c = companies_by_town.get(town_id)
        t = tickets_by_town.get(town_id)
        entry.cases = int(c.companies) if c else 0
        entry.metrics = {
            "visit_coverage": Ratio(int(c.visited), int(c.companies)) if c else Ratio(),
            "closure_rate": Ratio(int(t.closed), int(t.created)) if t else Ratio(),
        }
    return list(entries.values())
