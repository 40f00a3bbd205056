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
    assert m["problems_collected"] == 1  # C; A and B were created in September
    assert m["on_time_closure"] == Ratio(2, 3)  # A, C on time; B late
    # C was rated twice in October but only its last rating is kept: 3 rated, all satisfied.
    assert m["satisfaction"] == Ratio(3, 3)
    assert m["avg_close_days"] == pytest.approx((4 + 6 + 4) / 3)
    assert m["reopen_rate"] == Ratio(1, 3)  # C
    assert row.entry.cases == 3
    september = compute_board("escorts", SEPTEMBER, compare=False).row_for(world.escort.id)
    assert september.entry.metrics["problems_collected"] == 2  # A and B
    assert september.entry.metrics["on_time_closure"].value is None

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
