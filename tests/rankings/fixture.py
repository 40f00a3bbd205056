"""A small district built by hand for the ranking tests: every expected number is worked out
on paper in test_metrics.py. The period under test is June 2026 (local dates 06-01..06-30,
UTC bounds 2026-05-31T16:00Z ≤ t < 2026-06-30T16:00Z); the previous period is May 2026.

People and places
  escorts  甲 (E1), 乙 (E2), 丙 (E3, never had a company), 丁 (E4, inactive: not on the board)
  towns    一镇 (T1: C1 C2 C5), 二镇 (T2: C3 C4), 三镇 (T3: C6 C7 C8), 四镇 (T4, inactive)
  depts    部门一 (D1), 部门二 (D2), 部门三 (D3, inactive), 部门四 (D4, no work at all)
Assignments
  C1, C2 → E1 since 2026-01-01;  C5 → E1 2026-01-01 … 2026-06-10 10:00, then E2;
  C3 → E2 since 2026-01-01;      C4 → E2 2026-01-01 … 2026-05-20 (ended before June), now nobody.
Visits (escort → company, local date)
  E1→C2 05-31 · E1→C5 06-03 · E1→C1 06-05 · E1→C1 06-20 · E2→C3 06-30 · E2→C3 07-01
Tickets (company, collector, department, local times)
  t1  C1 E1 D1 created 05-20, closed 06-03 on time, 10 wd, 满意 06-03          (crosses the boundary)
  t2  C1 E1 D1 created 06-02, closed 06-12 late,   8 wd, 基本满意 06-12, reopened once
  t3  C2 E1 D2 created 06-05, replied (open)
  t4  C2 E1 D2 created 2026-05-31T17:00Z = 06-01 01:00 local, in progress, due 06-20 (overdue)
  t5  C1 E1 —  created 2026-06-30T16:30Z = 07-01 00:30 local (July), submitted
  t6  C5 E1 D2 created 06-08, closed automatically 06-25 on time, 12 wd, no rating
  t7  C3 E2 D1 created 06-10, closed 06-20 on time, 6 wd, 满意 06-20
  t8  C5 E2 D1 created 06-11, rated 不满意 06-18 → back in progress (reopened), due 07-05
  t9  C3 E2 D1 created 04-10, closed 05-15 on time, 20 wd, 满意 05-15           (May only)
  t10 C3 E2 —  created 06-15, withdrawn 06-16 (closed_at set, but not "closed")
  t11 C4 —  D2 created 06-30 21:00, in progress, due 07-07
  t12 C4 —  —  created 06-25, closed 07-02 (after the period), 满意 07-02
  t13 C6 E4 —  created 06-05, submitted
  t14 C2 E1 —  created 06-10, answered by E1 itself 06-12 on time, closed 06-15, 3 wd, 满意 06-15
Sources and the escort's own stages (accepted / escalated, each on time or late)
  logged by the escort (visit/escort): t2 t4 t7 t9 t10 t14 (t10: filed for the company, then withdrawn)
  portal/hotline: t1 (accepted 05-20 late, escalated 05-21), t3 (accepted 06-05, escalated 06-05 late),
                  t5, t6 (hotline: accepted 06-08 late, escalated 06-08), t8 (accepted and escalated 06-11)
  escalated on time by the escort: t2 06-02, t4 06-01, t7 06-10, t9 04-10
Dispatch records (department: dispatched / signed / replied / returned)
  r1  t1  D1  05-21 / 05-22 on time / 06-02 on time
  r2  t2  D1  06-02 / 06-04 late    / 06-11 late
  r3a t3  D1  06-05 / —             / —              / returned 06-06
  r3b t3  D2  06-07 / 06-07 on time / 06-09 on time
  r4  t4  D2  06-01 / 06-03 late    / —
  r6  t6  D2  06-08 / 06-09 on time / 06-16 on time
  r7  t7  D1  06-10 / 06-10 on time / 06-17 on time
  r8  t8  D1  06-11 / 06-12 on time / 06-14 late
  r9  t9  D1  04-12 / 04-13 on time / 05-10 on time
  r11 t11 D2  06-30 22:00 / 2026-06-30T16:30Z = 07-01 00:30 local, on time
  r13 t13 D3  06-06 (inactive department)
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from app.companies.models import EscortAssignment
from app.core.timeutil import LOCAL_TZ, end_of_local_day
from app.rankings.periods import month
from app.tickets.models import DispatchRecord, Ticket
from app.visits.models import Visit

JUNE = month(2026, 6)
MAY = month(2026, 5)
# After the period: the overdue cut-off is the period's end, not "now".
AFTER = datetime(2026, 7, 15, 2, 0, tzinfo=timezone.utc)


def local(m: int, d: int, h: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in 2026, as aware UTC."""
    return datetime(2026, m, d, h, minute, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def utc(m: int, d: int, h: int, minute: int = 0) -> datetime:
    return datetime(2026, m, d, h, minute, tzinfo=timezone.utc)


@dataclass
class District:
    escorts: dict = field(default_factory=dict)
    towns: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    companies: dict = field(default_factory=dict)
    tickets: dict = field(default_factory=dict)


def build(make) -> District:
    s = make.session
    d = District()
    d.escorts = {
        "E1": make.user(role="escort", name="陪跑员甲"),
        "E2": make.user(role="escort", name="陪跑员乙"),
        "E3": make.user(role="escort", name="陪跑员丙"),
        "E4": make.user(role="escort", name="陪跑员丁", active=False),
    }
    d.towns = {
        "T1": make.town(name="一镇"), "T2": make.town(name="二镇"), "T3": make.town(name="三镇"),
        "T4": make.town(name="四镇", active=False),
    }
    d.departments = {
        "D1": make.department(name="部门一"), "D2": make.department(name="部门二"),
        "D3": make.department(name="部门三", active=False), "D4": make.department(name="部门四"),
    }
    town_of = {"C1": "T1", "C2": "T1", "C5": "T1", "C3": "T2", "C4": "T2", "C6": "T3", "C7": "T3", "C8": "T3"}
    d.companies = {key: make.company(town=d.towns[t], name=f"企业{key}") for key, t in town_of.items()}
    e, c = d.escorts, d.companies
    jan1 = local(1, 1, 9)
    assignments = [
        ("C1", "E1", jan1, None), ("C2", "E1", jan1, None),
        ("C5", "E1", jan1, local(6, 10)), ("C5", "E2", local(6, 10), None),
        ("C3", "E2", jan1, None), ("C4", "E2", jan1, local(5, 20)),
    ]
    for company, escort, started, ended in assignments:
        s.add(EscortAssignment(company_id=c[company].id, escort_id=e[escort].id, started_at=started,
                               ended_at=ended, reason="测试"))
        if ended is None:
            c[company].escort_id = e[escort].id
    for escort, company, day in [("E1", "C2", date(2026, 5, 31)), ("E1", "C5", date(2026, 6, 3)),
                                 ("E1", "C1", date(2026, 6, 5)), ("E1", "C1", date(2026, 6, 20)),
                                 ("E2", "C3", date(2026, 6, 30)), ("E2", "C3", date(2026, 7, 1))]:
        s.add(Visit(company_id=c[company].id, escort_id=e[escort].id, visited_on=day, mode="on_site",
                    summary="走访"))
    s.commit()

    dept = d.departments
    specs = {
        "t1": dict(company="C1", escort="E1", dept="D1", created=local(5, 20), status="closed", closed=local(6, 3),
                   on_time=True, days=10, rating="satisfied", rated=local(6, 3), source="portal",
                   accepted=(local(5, 20, 15), False), escalated=(local(5, 21, 9), True)),
        "t2": dict(company="C1", escort="E1", dept="D1", created=local(6, 2), status="closed", closed=local(6, 12),
                   on_time=False, days=8, rating="basically_satisfied", rated=local(6, 12), reopens=1, source="visit",
                   escalated=(local(6, 2, 11), True)),
        "t3": dict(company="C2", escort="E1", dept="D2", created=local(6, 5), status="replied", on_time=True,
                   source="portal", accepted=(local(6, 5, 11), True), escalated=(local(6, 5, 12), False)),
        "t4": dict(company="C2", escort="E1", dept="D2", created=utc(5, 31, 17), status="in_progress",
                   due=end_of_local_day(date(2026, 6, 20)), escalated=(local(6, 1, 8), True)),
        "t5": dict(company="C1", escort="E1", dept=None, created=utc(6, 30, 16, 30), status="submitted",
                   due=end_of_local_day(date(2026, 7, 2)), source="portal"),
        "t6": dict(company="C5", escort="E1", dept="D2", created=local(6, 8), status="closed", closed=local(6, 25),
                   on_time=True, days=12, auto=True, source="hotline", accepted=(local(6, 8, 12), False),
                   escalated=(local(6, 8, 14), True)),
        "t7": dict(company="C3", escort="E2", dept="D1", created=local(6, 10), status="closed", closed=local(6, 20),
                   on_time=True, days=6, rating="satisfied", rated=local(6, 20), source="visit",
                   escalated=(local(6, 10, 9), True)),
        "t8": dict(company="C5", escort="E2", dept="D1", created=local(6, 11), status="in_progress", on_time=False,
                   rating="unsatisfied", rated=local(6, 18), reopens=1, due=end_of_local_day(date(2026, 7, 5)),
                   source="portal", accepted=(local(6, 11, 11), True), escalated=(local(6, 11, 12), True)),
        "t9": dict(company="C3", escort="E2", dept="D1", created=local(4, 10), status="closed", closed=local(5, 15),
                   on_time=True, days=20, rating="satisfied", rated=local(5, 15), escalated=(local(4, 10, 11), True)),
        "t10": dict(company="C3", escort="E2", dept=None, created=local(6, 15), status="withdrawn",
                    closed=local(6, 16)),
        "t11": dict(company="C4", escort=None, dept="D2", created=local(6, 30, 21), status="in_progress",
                    due=end_of_local_day(date(2026, 7, 7))),
        "t12": dict(company="C4", escort=None, dept=None, created=local(6, 25), status="closed", closed=local(7, 2),
                    on_time=True, days=5, rating="satisfied", rated=local(7, 2)),
        "t13": dict(company="C6", escort="E4", dept=None, created=local(6, 5), status="submitted",
                    due=end_of_local_day(date(2026, 6, 8))),
        "t14": dict(company="C2", escort="E1", dept=None, created=local(6, 10), status="closed", closed=local(6, 15),
                    on_time=True, days=3, rating="satisfied", rated=local(6, 15), source="visit",
                    answered=local(6, 12)),
    }
    for n, (key, spec) in enumerate(specs.items(), start=1):
        ticket = Ticket(
            number=f"XS-2026-9{n:05d}", company_id=c[spec["company"]].id, title=f"问题{key}", description="描述",
            category="other", source=spec.get("source", "escort"), status=spec["status"],
            escort_id=e[spec["escort"]].id if spec["escort"] else None,
            department_id=dept[spec["dept"]].id if spec["dept"] else None,
            created_at=spec["created"], updated_at=spec["created"], due_at=spec.get("due"),
            closed_at=spec.get("closed"), replied_on_time=spec.get("on_time"), close_working_days=spec.get("days"),
            rating=spec.get("rating"), rated_at=spec.get("rated"), reopen_count=spec.get("reopens", 0),
            auto_closed=spec.get("auto", False),
        )
        if "accepted" in spec:
            ticket.accepted_at, ticket.accepted_on_time = spec["accepted"]
        if "escalated" in spec:
            ticket.escalated_at, ticket.escalated_on_time = spec["escalated"]
            ticket.escort_escalated_at = ticket.escalated_at
        if "answered" in spec:  # the escort's own reply, no department involved
            ticket.replied_from, ticket.replied_at = "accepted", spec["answered"]
        elif spec["dept"] and spec["status"] in ("replied", "closed"):
            ticket.replied_from = "in_progress"
        s.add(ticket)
        d.tickets[key] = ticket
    s.commit()

    t = d.tickets
    records = [
        ("t1", "D1", local(5, 21), local(5, 22), True, local(6, 2), True, None),
        ("t2", "D1", local(6, 2), local(6, 4), False, local(6, 11), False, None),
        ("t3", "D1", local(6, 5), None, None, None, None, local(6, 6)),
        ("t3", "D2", local(6, 7), local(6, 7, 15), True, local(6, 9), True, None),
        ("t4", "D2", local(6, 1, 9), local(6, 3), False, None, None, None),
        ("t6", "D2", local(6, 8), local(6, 9), True, local(6, 16), True, None),
        ("t7", "D1", local(6, 10), local(6, 10, 15), True, local(6, 17), True, None),
        ("t8", "D1", local(6, 11), local(6, 12), True, local(6, 14), False, None),
        ("t9", "D1", local(4, 12), local(4, 13), True, local(5, 10), True, None),
        ("t11", "D2", local(6, 30, 22), utc(6, 30, 16, 30), True, None, None, None),
        ("t13", "D3", local(6, 6), None, None, None, None, None),
    ]
    for ticket, department, dispatched, signed, signed_ok, replied, replied_ok, returned in records:
        s.add(DispatchRecord(
            ticket_id=t[ticket].id, department_id=dept[department].id, dispatched_at=dispatched,
            sign_due_at=dispatched + timedelta(days=1), reply_due_at=dispatched + timedelta(days=7),
            signed_at=signed, signed_on_time=signed_ok, replied_at=replied, replied_on_time=replied_ok,
            returned_at=returned,
        ))
    s.commit()
    return d
