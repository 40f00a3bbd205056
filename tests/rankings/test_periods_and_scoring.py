"""Periods (bounds, previous period, parsing) and the scoring rules on small hand-made rows."""
from datetime import date, datetime, timezone

import pytest

from app.rankings.metrics import Entry, Ratio
from app.rankings.periods import PeriodError, last_months, month, parse_period, period_from_args, quarter
from app.rankings.scoring import BOARDS, RankingConfig, composite, normalise, score_board


def test_month_bounds_are_local_days_in_utc():
    june = parse_period("2026-06")
    assert (june.start, june.end, june.days) == (date(2026, 6, 1), date(2026, 6, 30), 30)
    # Shanghai is UTC+8: 06-01 00:00 local = 05-31 16:00Z; the end bound is 07-01 00:00 local.
    assert june.start_utc == datetime(2026, 5, 31, 16, tzinfo=timezone.utc)
    assert june.end_utc == datetime(2026, 6, 30, 16, tzinfo=timezone.utc)
    assert june.key == "2026-06" and june.query_args() == {"period": "2026-06"}


def test_previous_periods_have_the_same_length():
    assert parse_period("2026-01").previous() == month(2025, 12)
    assert parse_period("2026-03").previous() == month(2026, 2)
    assert parse_period("2026-Q1").previous() == quarter(2025, 4)
    assert parse_period("2026-q3").previous() == quarter(2026, 2)
    assert quarter(2026, 4).start == date(2026, 10, 1) and quarter(2026, 4).end == date(2026, 12, 31)
    custom = parse_period("2026-06-10..2026-06-19")
    assert custom.days == 10
    assert (custom.previous().start, custom.previous().end) == (date(2026, 5, 31), date(2026, 6, 9))
    assert custom.query_args() == {"start": "2026-06-10", "end": "2026-06-19"}


def test_period_from_args():
    assert period_from_args({}, today=date(2026, 11, 29)) == month(2026, 11)
    assert period_from_args({"start": "2026-01-01", "end": "2026-01-01"}).days == 1
    assert [p.key for p in last_months(3, date(2026, 1, 15))] == ["2025-11", "2025-12", "2026-01"]
    for args, field in [({"period": "2026-00"}, "period"), ({"start": "2026-01-01", "end": "2027-06-01"}, "end"),
                        ({"start": "x", "end": "2026-01-01"}, "start"),
                        ({"period": "2026-06-31..2026-07-01"}, "period")]:
        with pytest.raises(PeriodError) as info:
            period_from_args(args)
        assert info.value.field == field


def test_normalisation_rules():
    escorts, departments = BOARDS["escorts"], BOARDS["departments"]
    assert normalise(escorts.metric("satisfaction"), Ratio(3, 4)) == 75
    assert normalise(escorts.metric("satisfaction"), Ratio(0, 0)) is None
    assert normalise(escorts.metric("reopen_rate"), Ratio(1, 4)) == 75
    assert normalise(departments.metric("return_rate"), Ratio(3, 2)) == 0  # more returns than dispatches: capped
    assert normalise(escorts.metric("avg_close_days"), 5.0) == 75
    assert normalise(escorts.metric("avg_close_days"), 35.0) == 0
    assert normalise(escorts.metric("avg_close_days"), None) is None
    assert normalise(escorts.metric("problems_collected"), 3, board_max=4) == 75
    assert normalise(escorts.metric("problems_collected"), 0, board_max=0) is None
    assert normalise(departments.metric("overdue_count"), 3) == 70
    assert normalise(departments.metric("overdue_count"), 12) == 0
    # Only metrics that apply (and weigh more than 0) count: (80·1 + 40·3) / 4 = 50.
    assert composite({"a": 1, "b": 3, "c": 5, "d": 0}, {"a": 80, "b": 40, "c": None, "d": 100}) == 50.0
    assert composite({"a": 1}, {"a": None}) is None
    assert composite({"a": 2, "b": 1}, {"a": 100, "b": 0.15}) == 66.7  # 200.15 / 3 = 66.72 → 66.7


def town_rows(*scores):
    """Town entries whose coverage gives exactly `scores` (closure not applicable), 3 cases each."""
    return [Entry(i, f"镇{i}", cases=3, metrics={"visit_coverage": Ratio(s, 100), "closure_rate": Ratio()})
            for i, s in enumerate(scores, start=1)]


def cards(board):
    return {row.name: (row.rank, row.yellow_card) for row in board.rows}


def config(yellow=None, min_cases=3):
    return RankingConfig({"towns": {"visit_coverage": 50, "closure_rate": 50}}, min_cases, yellow)


def test_ties_share_a_rank_and_a_tie_is_never_split_by_the_cards():
    board = score_board(BOARDS["towns"], month(2026, 6), town_rows(90, 80, 70, 70), config())
    # Auto: ceil(10% of 4) = 1 card; 镇3 and 镇4 tie for last place: the card cannot go to one of them
    # only, nor to both (that would exceed the quota), so nobody is carded.
    assert cards(board) == {"镇1": (1, False), "镇2": (2, False), "镇3": (3, False), "镇4": (3, False)}
    # With two cards the whole tie fits: both are carded.
    two = score_board(BOARDS["towns"], month(2026, 6), town_rows(90, 80, 70, 70), config(yellow=2))
    assert cards(two) == {"镇1": (1, False), "镇2": (2, False), "镇3": (3, True), "镇4": (3, True)}
    # Ties share a rank and the next rank skips: 1, 2, 2, 4.
    ranks = score_board(BOARDS["towns"], month(2026, 6), town_rows(90, 80, 80, 10), config(yellow=0))
    assert [r.rank for r in ranks.ranked] == [1, 2, 2, 4]
    # Groups from the bottom while each fits: quota 3 cards 镇4 (alone), then 镇2+镇3 (2 more) = 3.
    three = score_board(BOARDS["towns"], month(2026, 6), town_rows(90, 80, 80, 10), config(yellow=3))
    assert [r.name for r in three.rows if r.yellow_card] == ["镇2", "镇3", "镇4"]


def test_four_towns_tied_at_zero_at_the_start_of_a_month_get_no_card():
    rows = town_rows(0, 0, 0, 0)
    running = score_board(BOARDS["towns"], month(2026, 6), rows, config(yellow=1), provisional=True)
    assert running.card_quota == 0 and not any(r.yellow_card for r in running.rows)
    # Even once the month is closed, a tie of everyone is rank 1 for all: nobody is carded.
    closed = score_board(BOARDS["towns"], month(2026, 6), rows, config(yellow=1))
    assert {r.rank for r in closed.rows} == {1} and not any(r.yellow_card for r in closed.rows)


def test_yellow_card_count_setting_and_the_first_place():
    rows = town_rows(*range(100, 0, -5))  # 20 towns, all different
    auto = score_board(BOARDS["towns"], month(2026, 6), rows, config())
    assert [r.name for r in auto.rows if r.yellow_card] == ["镇19", "镇20"]  # ceil(20 × 10%) = 2
    three = score_board(BOARDS["towns"], month(2026, 6), rows, config(yellow=3))
    assert [r.name for r in three.rows if r.yellow_card] == ["镇18", "镇19", "镇20"]
    none = score_board(BOARDS["towns"], month(2026, 6), rows, config(yellow=0))
    assert not any(r.yellow_card for r in none.rows)
    # A single ranked entry, or everyone tied for first, is never carded.
    assert cards(score_board(BOARDS["towns"], month(2026, 6), town_rows(10), config())) == {"镇1": (1, False)}
    assert not any(r.yellow_card for r in score_board(BOARDS["towns"], month(2026, 6), town_rows(5, 5), config()).rows)


def test_entries_with_too_few_cases_are_set_apart():
    rows = town_rows(90, 10, 50)
    rows[1].cases = 2
    board = score_board(BOARDS["towns"], month(2026, 6), rows, config())
    assert [r.name for r in board.ranked] == ["镇1", "镇3"] and [r.name for r in board.unranked] == ["镇2"]
    assert board.row_for(2).rank is None and not board.row_for(2).yellow_card
    assert board.row_for(2).score is None and board.row_for(2).sample_too_small  # 样本不足: no score at all
    assert board.row_for(3).yellow_card  # the last *ranked* entry gets the card
