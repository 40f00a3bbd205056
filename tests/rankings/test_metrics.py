"""Every metric of every board on the hand-built district (tests/rankings/fixture.py), worked out on
paper next to each assertion, then the scores, ranks, yellow cards and rank changes."""
import pytest

from app.core.settings import set_setting
from app.rankings.metrics import Ratio, department_metrics, escort_metrics, town_metrics
from app.rankings.periods import month
from app.rankings.scoring import compute_board, escort_history
from tests.rankings.fixture import AFTER, JUNE, MAY, build, local


@pytest.fixture
def district(make):
    return build(make)


def by_id(entries):
    return {e.id: e for e in entries}


# ------------------------------------------------------------------ escorts

def test_escort_metrics_june(district):
    rows = by_id(escort_metrics(JUNE, now=AFTER))
    e = district.escorts
    assert e["E4"].id not in rows  # inactive escorts are not on the board

    e1 = rows[e["E1"].id]
    # Companies assigned during June: C1, C2 (since January) and C5 (until 06-10) = 3.
    # Visited by E1 in June: C5 (06-03), C1 (06-05 and 06-20, once); C2's visit was 05-31 → 2/3.
    assert e1.metrics["visit_coverage"] == Ratio(2, 3)
    # Logged by E1 (source visit/escort) in June: t2, t4 (06-01 01:00 local), t14 = 3. Not t3 (the
    # company filed it in the portal) nor t6 (hotline): E1 accepted those, did not collect them.
    assert e1.metrics["problems_collected"] == 3
    # E1's own stages finished in June: acceptances t3 (on time), t6 (late); escalations t2, t4, t6
    # (on time), t3 (late); its own answer to t14 (on time) → 5/7. t1's acceptance and escalation were
    # in May; the departments' signing and replies never count for the escort.
    assert e1.metrics["on_time_handling"] == Ratio(5, 7)
    # Rated in June: t1 满意, t2 基本满意 (its last rating, after a reopening), t14 满意 → 3/3; t6 has no rating.
    assert e1.metrics["satisfaction"] == Ratio(3, 3)
    # Only problems E1 answered itself count for its closing time: t14, 3 working days.
    assert e1.metrics["avg_close_days"] == pytest.approx(3.0)
    assert e1.metrics["reopen_rate"] == Ratio(0, 1)
    # Cases = tickets logged, handled or rated by E1 in June: t1 (rated), t2, t3, t4, t6, t14 = 6.
    assert e1.cases == 6

    e2 = rows[e["E2"].id]
    # Assigned during June: C3, and C5 from 06-10 (C4's assignment ended 05-20) = 2; visited: C3 (06-30) → 1/2.
    # E2's 07-01 visit is outside the period.
    assert e2.metrics["visit_coverage"] == Ratio(1, 2)
    # Logged in June: t7 (visit), t10 (filed for the company, later withdrawn: still collected) = 2; t8 came
    # from the portal.
    assert e2.metrics["problems_collected"] == 2
    # Stages: t8 accepted on time, t7 and t8 escalated on time → 3/3.
    assert e2.metrics["on_time_handling"] == Ratio(3, 3)
    # Rated in June: t7 满意, t8 不满意 (reopened, back in progress) → 1/2.
    assert e2.metrics["satisfaction"] == Ratio(1, 2)
    # E2 answered nothing itself: its closing time and reopen rate do not apply.
    assert e2.metrics["avg_close_days"] is None
    assert e2.metrics["reopen_rate"].value is None
    assert e2.cases == 3  # t7, t8, t10

    e3 = rows[e["E3"].id]
    # An escort with no companies is on the board with zeros and "not applicable".
    assert e3.metrics["visit_coverage"] == Ratio(0, 0) and e3.metrics["visit_coverage"].value is None
    assert e3.metrics["problems_collected"] == 0
    assert e3.metrics["on_time_handling"].value is None
    assert e3.metrics["satisfaction"].value is None
    assert e3.metrics["avg_close_days"] is None
    assert e3.cases == 0


def test_escort_metrics_may(district):
    rows = by_id(escort_metrics(MAY, now=AFTER))
    e1, e2 = rows[district.escorts["E1"].id], rows[district.escorts["E2"].id]
    # E1 in May: C1, C2, C5 assigned; visited C2 on 05-31 → 1/3. t1 came from the portal: nothing
    # collected; E1 accepted it late (05-20) and escalated it on time (05-21) → 1/2.
    assert e1.metrics["visit_coverage"] == Ratio(1, 3)
    assert e1.metrics["problems_collected"] == 0
    assert e1.metrics["on_time_handling"] == Ratio(1, 2)
    assert e1.cases == 1
    # E2 in May: C3 and C4 (until 05-20) assigned, none visited → 0/2. t9 (escalated in April) was closed
    # 05-15 by the department's reply, 满意: only the satisfaction is the escort's in May.
    assert e2.metrics["visit_coverage"] == Ratio(0, 2)
    assert e2.metrics["problems_collected"] == 0
    assert e2.metrics["on_time_handling"].value is None
    assert e2.metrics["satisfaction"] == Ratio(1, 1)
    assert e2.metrics["avg_close_days"] is None
    assert e2.cases == 1


def test_escort_board_scores_ranks_and_yellow_card(district):
    board = compute_board("escorts", JUNE, now=AFTER)
    e = district.escorts
    e1, e2, e3 = (board.row_for(e[k].id) for k in ("E1", "E2", "E3"))
    # Default weights: coverage 20, collected 10, on-time 20, satisfaction 25, avg days 10, reopen 15.
    # E1: coverage 66.667, collected 3/3 (board max) = 100, on-time 5/7 = 71.429, satisfaction 100,
    #     days (1 − 3/20) × 100 = 85, reopen 100
    #     = (1333.33 + 1000 + 1428.57 + 2500 + 850 + 1500) / 100 = 86.12 → 86.1
    assert e1.scores["problems_collected"] == pytest.approx(100.0)
    assert e1.scores["avg_close_days"] == pytest.approx(85.0)
    assert e1.score == 86.1
    # E2: coverage 50, collected 2/3 = 66.667, on-time 100, satisfaction 50; days and reopen do not apply
    #     = (1000 + 666.67 + 2000 + 1250) / 75 = 65.56 → 65.6
    assert e2.score == 65.6
    assert (e1.rank, e2.rank) == (1, 2)
    assert [r.id for r in board.ranked] == [e1.id, e2.id]
    # June is over (now = 07-15): bottom 10% of 2 ranked entries, rounded up = 1: E2 gets the yellow card.
    assert not board.provisional and board.card_quota == 1
    assert (e1.yellow_card, e2.yellow_card) == (False, True)
    # E3 has 0 cases (< 3): no score at all (样本不足), shown apart, unranked, no card.
    assert e3 in board.unranked and e3.rank is None and not e3.yellow_card
    assert e3.score is None and e3.sample_too_small
    # In May both had 1 case (< 3): not ranked then, so no previous rank now.
    assert (e1.previous_rank, e2.previous_rank) == (None, None)
    assert board.previous_period == MAY


def test_the_running_period_is_provisional_and_gives_no_yellow_card(district):
    board = compute_board("escorts", JUNE, now=local(6, 30, 23))
    assert board.provisional and board.card_quota == 0
    assert [r.rank for r in board.ranked] == [1, 2] and not any(r.yellow_card for r in board.rows)


def test_rank_change_against_the_previous_month(district, db_session):
    set_setting("rankings.min_cases", 1)
    db_session.commit()
    board = compute_board("escorts", JUNE, now=AFTER)
    e1, e2 = board.row_for(district.escorts["E1"].id), board.row_for(district.escorts["E2"].id)
    # May with minimum 1 case. Nobody collected anything: that metric does not apply.
    #   E1: coverage 33.33 (w20), on-time 1/2 = 50 (w20) = (666.67 + 1000) / 40 = 41.7
    #   E2: coverage 0 (w20), satisfaction 100 (w25) = 2500 / 45 = 55.6   → May: E2 first, E1 second.
    may = compute_board("escorts", MAY, now=AFTER, compare=False)
    assert may.row_for(e1.id).score == 41.7 and may.row_for(e2.id).score == 55.6
    assert (e1.rank, e1.previous_rank, e1.rank_change) == (1, 2, 1)
    assert (e2.rank, e2.previous_rank, e2.rank_change) == (2, 1, -1)
    assert board.row_for(district.escorts["E3"].id).ranked is False  # 0 cases is below even 1


# ------------------------------------------------------------------ departments

def test_department_metrics_june(district):
    rows = by_id(department_metrics(JUNE, now=AFTER))
    dept = district.departments
    assert dept["D3"].id not in rows  # inactive

    d1 = rows[dept["D1"].id]
    # Signed in June: r2 (late), r7, r8 (on time) → 2/3; r1 was signed 05-22.
    assert d1.metrics["on_time_sign"] == Ratio(2, 3)
    # Replied in June: r1 (06-02, on time; dispatched in May), r2 (late), r7 (on time), r8 (late) → 2/4.
    assert d1.metrics["on_time_reply"] == Ratio(2, 4)
    # Tickets now with D1 rated in June: t1 满意, t2 基本满意, t7 满意, t8 不满意 → 3/4.
    assert d1.metrics["satisfaction"] == Ratio(3, 4)
    # Returned in June: r3a = 1; dispatched in June: r2, r3a, r7, r8 = 4 → 1/4.
    assert d1.metrics["return_rate"] == Ratio(1, 4)
    # Closed in June: t1, t2, t7; reopened among them: t2 → 1/3.
    assert d1.metrics["reopen_rate"] == Ratio(1, 3)
    # t8 is in progress but due 07-05: not overdue by the period's end.
    assert d1.metrics["overdue_count"] == 0
    assert d1.cases == 5  # r1, r2, r3a, r7, r8

    d2 = rows[dept["D2"].id]
    # Signed in June: r3b, r6 (on time), r4 (late) → 2/3. r11 was signed 07-01 00:30 local: July.
    assert d2.metrics["on_time_sign"] == Ratio(2, 3)
    assert d2.metrics["on_time_reply"] == Ratio(2, 2)  # r3b, r6
    # Nothing of D2 was rated in June (t6 closed automatically without a rating) → not applicable.
    assert d2.metrics["satisfaction"] == Ratio(0, 0)
    # No returns; dispatched in June: r3b, r4, r6, r11 (06-30 22:00 local) = 4 → 0/4.
    assert d2.metrics["return_rate"] == Ratio(0, 4)
    assert d2.metrics["reopen_rate"] == Ratio(0, 1)  # t6
    # t4 in progress, due 06-20 23:59:59 < end of June → 1; t11 due 07-07 → no.
    assert d2.metrics["overdue_count"] == 1
    assert d2.cases == 4

    d4 = rows[dept["D4"].id]
    assert d4.cases == 0 and d4.metrics["overdue_count"] == 0 and d4.metrics["on_time_sign"].value is None


def test_overdue_count_of_the_running_period_stops_at_now(district):
    # Mid-June: t4 (due 06-20) is not overdue yet on 06-15.
    rows = by_id(department_metrics(JUNE, now=local(6, 15)))
    assert rows[district.departments["D2"].id].metrics["overdue_count"] == 0
    rows = by_id(department_metrics(JUNE, now=local(6, 21, 9)))
    assert rows[district.departments["D2"].id].metrics["overdue_count"] == 1


def test_department_board_scores(district):
    board = compute_board("departments", JUNE, now=AFTER)
    d1 = board.row_for(district.departments["D1"].id)
    d2 = board.row_for(district.departments["D2"].id)
    d4 = board.row_for(district.departments["D4"].id)
    # Weights: sign 15, reply 25, satisfaction 25, return 10, reopen 10, overdue 15.
    # D1: 66.667·15 + 50·25 + 75·25 + (1 − 1/4)·100·10 + (1 − 1/3)·100·10 + (1 − 0/10)·100·15
    #     = 1000 + 1250 + 1875 + 750 + 666.67 + 1500 = 7041.67 / 100 = 70.4
    assert d1.score == 70.4
    # D2: satisfaction does not apply → divide by 75:
    #     1000 + 2500 + 1000 + 1000 + (1 − 1/10)·100·15 = 6850 / 75 = 91.33 → 91.3
    assert d2.scores["satisfaction"] is None and d2.scores["overdue_count"] == pytest.approx(90.0)
    assert d2.score == 91.3
    assert (d2.rank, d1.rank) == (1, 2)
    assert (d2.yellow_card, d1.yellow_card) == (False, True)
    # D4 did nothing: 0 cases → no score (its overdue score alone used to give it 100.0), shown apart.
    assert d4 in board.unranked and d4.score is None and d4.sample_too_small


# ------------------------------------------------------------------ towns

def test_town_metrics_and_board(district):
    rows = by_id(town_metrics(JUNE, now=AFTER))
    t = district.towns
    assert t["T4"].id not in rows
    t1, t2, t3 = rows[t["T1"].id], rows[t["T2"].id], rows[t["T3"].id]
    # T1 = C1, C2, C5; visited in June (by anyone): C1, C5 → 2/3.
    assert t1.metrics["visit_coverage"] == Ratio(2, 3)
    # Created in June by T1 companies: t2 (closed 06-12), t3, t4, t6 (closed 06-25), t8, t14 (closed 06-15) → 3/6.
    assert t1.metrics["closure_rate"] == Ratio(3, 6)
    assert t1.cases == 3
    # T2 = C3, C4; C3 visited 06-30 → 1/2. Created in June: t7 (closed 06-20), t10 (withdrawn),
    # t11 (open), t12 (closed 07-02: after the period's end) → 1/4.
    assert t2.metrics["visit_coverage"] == Ratio(1, 2)
    assert t2.metrics["closure_rate"] == Ratio(1, 4)
    assert t2.cases == 2
    # T3 = C6, C7, C8, none visited; t13 open → 0/1.
    assert t3.metrics["visit_coverage"] == Ratio(0, 3)
    assert t3.metrics["closure_rate"] == Ratio(0, 1)

    board = compute_board("towns", JUNE, now=AFTER)
    b1, b2, b3 = (board.row_for(t[k].id) for k in ("T1", "T2", "T3"))
    # Weights 50/50. T1 = (66.667 + 50) / 2 = 58.3; T3 = 0. T2 has 2 companies (< 3): no score, apart.
    assert (b1.score, b2.score, b3.score) == (58.3, None, 0.0)
    # Ranked: T1 first, T3 second with the yellow card.
    assert b2 in board.unranked
    assert (b1.rank, b3.rank) == (1, 2) and b3.yellow_card and not b1.yellow_card
    # May: T1 coverage 1/3 (C2 on 05-31), t1 created 05-20 but closed 06-03, after May → 0/1:
    # (33.333 + 0) / 2 = 16.7; T3 0/3 and no problems → 0.0. Same order: both keep their place.
    may = compute_board("towns", MAY, now=AFTER, compare=False)
    assert (may.row_for(t["T1"].id).score, may.row_for(t["T3"].id).score) == (16.7, 0.0)
    assert (b1.previous_rank, b3.previous_rank, b1.rank_change, b3.rank_change) == (1, 2, 0, 0)


# ------------------------------------------------------------------ history and query counts

def test_escort_history_per_month(district, count_queries):
    from datetime import date

    escort = district.escorts["E1"]
    assert escort.id  # loaded before counting (the commit expired it)
    with count_queries() as q:
        history = escort_history(escort, months=3, today=date(2026, 6, 15), now=AFTER)
    # One settings query, then the escort board's 3 queries per month.
    assert q.count == 1 + 3 * 3
    assert [p.period for p in history] == [month(2026, 4), MAY, JUNE]
    april, may, june = history
    assert not may.ranked and may.rank is None  # 1 case in May
    assert (june.score, june.rank, june.ranked_count, june.yellow_card) == (86.1, 1, 2, False)
    e2_june = escort_history(district.escorts["E2"], months=1, today=date(2026, 6, 15), now=AFTER)[0]
    assert (e2_june.rank, e2_june.yellow_card) == (2, True)


@pytest.mark.parametrize("board_key", ["escorts", "departments", "towns"])
def test_each_board_runs_a_fixed_number_of_queries(make, count_queries, board_key):
    from app.rankings.scoring import load_config

    config = load_config()
    with count_queries() as small:
        compute_board(board_key, JUNE, config=config, now=AFTER)
    build(make)
    with count_queries() as large:
        compute_board(board_key, JUNE, config=config, now=AFTER)
    # 3 queries for June and 3 for May, whatever the number of entries.
    assert small.count == large.count == 6, large.statements


def _plans_of(compute, marker: str):
    """The SQLite plans (EXPLAIN QUERY PLAN steps) of the statements holding `marker` that compute() runs, and
    what it returned."""
    import sqlalchemy as sa

    from app.extensions import db

    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if marker in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        result = compute()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    plans = [[row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
             for statement, parameters in seen]
    return plans, result


def _sqlite_only():
    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL chooses its own by its statistics")


def test_the_escort_board_reads_the_period_s_problems_by_index_not_every_problem(district, app):
    """The board's problems are those with a fact in the period: read through one index per time (created,
    accepted, escalated, replied, rated, closed; migration 0034), never by walking every problem of every year."""
    _sqlite_only()
    (plan,), entries = _plans_of(lambda: escort_metrics(JUNE, now=AFTER), "GROUP BY tickets.escort_id")
    assert by_id(entries)[district.escorts["E1"].id].metrics["problems_collected"] == 3  # the same numbers as above
    assert not any(step.startswith("SCAN tickets") for step in plan), plan
    for index in ("ix_tickets_created", "ix_tickets_accepted_at", "ix_tickets_escort_escalated_at",
                  "ix_tickets_replied_at", "ix_tickets_rated_at", "ix_tickets_status_closed"):
        assert any(index in step for step in plan), (index, plan)


def test_the_department_board_reads_the_period_s_records_and_problems_by_index(district, app):
    """The department board's dispatch records are those with a time in the period and its problems those rated
    or closed in it or late now, each read through its own index — not every record and problem of every year."""
    _sqlite_only()
    plans, entries = _plans_of(lambda: department_metrics(JUNE, now=AFTER), "GROUP BY")
    rows = by_id(entries)
    assert rows and all(row.metrics for row in rows.values())
    assert len(plans) == 2
    for plan, indexes in zip(plans, (
            ("ix_dispatch_records_dispatched_at", "ix_dispatch_records_signed_at", "ix_dispatch_records_replied_at",
             "ix_dispatch_records_returned_at"),
            ("ix_tickets_rated", "ix_tickets_status_closed", "(status=? AND due_at<?)")), strict=True):
        assert not any(step.startswith(("SCAN tickets", "SCAN dispatch_records")) for step in plan), plan
        for index in indexes:
            assert any(index in step for step in plan), (index, plan)
