"""Rankings over problems handled through the real actions: a holiday inside a deadline and a
reopened problem rated again. National Day 2026: 10-01..10-07 off, Saturday 10-10 a working day
(调休), Sunday 10-11 off (chinesecalendar)."""
import pytest

from app.rankings.metrics import Ratio
from app.rankings.periods import month
from app.rankings.scoring import compute_board
from tests.rankings.fixture import local
from tests.tickets.helpers import World

OCTOBER = month(2026, 10)
SEPTEMBER = month(2026, 9)


def handled(world, *, created, signed, replies, ratings):
    """Submit on `created` and dispatch at once, sign on `signed`, then alternate replies and ratings."""
    ticket = world.new_ticket(now=created)
    world.act(world.manager, ticket, "dispatch", now=created, department_id=world.department.id)
    world.act(world.helper, ticket, "sign", now=signed)
    for replied, (rated, rating) in zip(replies, ratings):
        world.act(world.helper, ticket, "reply", now=replied, message="已处理。")
        world.act(world.company_user, ticket, "rate", now=rated, rating=rating,
                  comment="" if rating != "unsatisfied" else "没有解决。")
    return ticket


@pytest.fixture
def world(make):
    return World(make)


def test_holiday_inside_a_deadline_and_a_reopened_ticket(world):
    # A: created Wed 09-30. Reply deadline = 5 working days after 09-30, skipping 10-01..10-07:
    #    10-08, 10-09, 10-10 (Sat, 调休 working), 10-12, 10-13 → due 10-13 23:59:59.
    #    Signed 10-08 (sign due: 1 working day → 10-08), replied 10-12: on time, though 12 calendar days later.
    #    Closed 10-12: working days in (09-30, 10-12] = 10-08, 10-09, 10-10, 10-12 = 4.
    a = handled(world, created=local(9, 30), signed=local(10, 8, 9), replies=[local(10, 12)],
                ratings=[(local(10, 12, 15), "satisfied")])
    # B: same start, replied 10-14: one working day late. Closed 10-14: 10-08 … 10-14 minus 10-11 = 6.
    b = handled(world, created=local(9, 30), signed=local(10, 8, 9), replies=[local(10, 14)],
                ratings=[(local(10, 14, 15), "basically_satisfied")])
    # C: created Mon 10-12 (sign due 10-13), signed and replied 10-13, rated 不满意 10-14 (reopened: new
    #    reply due 5 working days after 10-14 → 10-21), replied 10-15 on time, rated 满意 10-16.
    #    Closed: 10-13 … 10-16 = 4 working days.
    c = handled(world, created=local(10, 12), signed=local(10, 13, 9), replies=[local(10, 13), local(10, 15)],
                ratings=[(local(10, 14), "unsatisfied"), (local(10, 16), "satisfied")])
    assert (a.replied_on_time, a.close_working_days) == (True, 4)
    assert (b.replied_on_time, b.close_working_days) == (False, 6)
    assert (c.replied_on_time, c.close_working_days, c.reopen_count, c.rating) == (True, 4, 1, "satisfied")

    escorts = compute_board("escorts", OCTOBER)
    row = escorts.row_for(world.escort.id)
    m = row.entry.metrics
    # The company was assigned "now" (after October): no companies in October → not applicable.
    assert m["visit_coverage"].value is None
    # All three came from the portal and went straight to the department: the escort neither collected
    # nor handled any of them, so the department's time (B's late reply) is not held against the escort.
    assert m["problems_collected"] == 0
    assert m["on_time_handling"].value is None
    # C was rated twice in October but only its last rating is kept: 3 rated, all satisfied.
    assert m["satisfaction"] == Ratio(3, 3)
    assert m["avg_close_days"] is None and m["reopen_rate"].value is None  # the escort answered none itself
    assert row.entry.cases == 3
    september = compute_board("escorts", SEPTEMBER, compare=False).row_for(world.escort.id)
    assert september.entry.metrics["problems_collected"] == 0

    departments = compute_board("departments", OCTOBER)
    d = departments.row_for(world.department.id).entry.metrics
    # Three dispatch records, all signed in October on time (A and B: 10-08, due 10-08; C: 10-13, due 10-13).
    assert d["on_time_sign"] == Ratio(3, 3)
    # Replied in October: A on time, B late, C (its record keeps the last reply, 10-15, on time) → 2/3.
    assert d["on_time_reply"] == Ratio(2, 3)
    assert d["satisfaction"] == Ratio(3, 3)
    assert d["reopen_rate"] == Ratio(1, 3)
    # Dispatched in October: C only (A and B on 09-30); no returns → 0/1.
    assert d["return_rate"] == Ratio(0, 1)
    assert d["overdue_count"] == 0


def test_the_escort_is_timed_on_its_own_stages_only(world):
    """A portal problem accepted a day late and escalated on time, one the escort logs and escalates, and
    one the escort answers itself: 3 of 4 own stages on time; the department's late reply is not counted."""
    # Mon 10-12: submitted; accept due 1 working day later (10-13). Accepted 10-14: late. Then the escort's
    # step is due within its reply limit: escalated the same day, on time. Dispatched, signed, replied late.
    late = world.new_ticket(now=local(10, 12, 9))
    world.act(world.escort, late, "accept", now=local(10, 14, 10))
    world.act(world.escort, late, "escalate", now=local(10, 14, 11), reason="需要部门办理")
    world.act(world.manager, late, "dispatch", now=local(10, 14, 12), department_id=world.department.id)
    world.act(world.helper, late, "sign", now=local(10, 15, 9))
    world.act(world.helper, late, "reply", now=local(10, 30, 9), message="已处理。")
    assert late.accepted_on_time is False and late.escalated_on_time is True and late.replied_on_time is False
    # Logged by the escort (source escort), accepted at once, escalated on time.
    logged = world.new_ticket(by=world.escort, source="escort", now=local(10, 16, 9))
    if logged.status == "submitted":
        world.act(world.escort, logged, "accept", now=local(10, 16, 9, 5))
    world.act(world.escort, logged, "escalate", now=local(10, 16, 10), reason="需要部门办理")
    # A portal problem the escort accepts and answers itself, on time; the company is satisfied.
    own = world.new_ticket(now=local(10, 19, 9))
    world.act(world.escort, own, "accept", now=local(10, 19, 10))
    world.act(world.escort, own, "reply", now=local(10, 20, 10), message="已答复。")
    world.act(world.company_user, own, "rate", now=local(10, 20, 15), rating="satisfied")

    m = compute_board("escorts", OCTOBER).row_for(world.escort.id).entry.metrics
    assert m["problems_collected"] == 1  # only the one the escort logged
    # Stages: late's acceptance (late) and escalation (on time); logged's escalation (its acceptance, if any, is
    # not an acceptance clock: the escort filed it); own's acceptance and answer (on time) → 4/5.
    assert m["on_time_handling"] == Ratio(4, 5)
    assert m["avg_close_days"] == pytest.approx(own.close_working_days)
    assert m["reopen_rate"] == Ratio(0, 1)
