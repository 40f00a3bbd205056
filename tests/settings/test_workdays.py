"""Working-day arithmetic on real chinesecalendar data (2026) and on admins' overrides (2027)."""
from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest

from app.core import workdays
from app.core.timeutil import LOCAL_TZ
from app.core.workdays import (
    add_working_days, deadline_after, forget_overrides, is_workday, overdue_working_days,
    working_days_between, year_is_covered,
)
from app.settings import services
from app.settings.queries import SOURCE_OVERRIDE, SOURCE_PACKAGE, SOURCE_WEEKEND, month_grid


def local(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=LOCAL_TZ)


@pytest.fixture
def ctx(db_session):
    forget_overrides()
    yield db_session
    forget_overrides()


def test_package_data_is_what_these_tests_assume():
    # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (调休); Spring Festival 02-15..02-23 off,
    # Saturdays 02-14 and 02-28 worked. If a new chinesecalendar release changes this, the tests below must too.
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 12)] == [
        False, False, False, False, False, False, False, True, True, True, False]
    assert date(2026, 10, 10).weekday() == 5
    assert [chinese_calendar.is_workday(date(2026, 2, d)) for d in range(14, 25)] == [
        True, False, False, False, False, False, False, False, False, False, True]
    assert chinese_calendar.is_workday(date(2026, 2, 28)) and date(2026, 2, 28).weekday() == 5
    assert workdays.package_covers(2026) and not workdays.package_covers(2027)


def test_national_day_2026(ctx):
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # the Saturday 调休 counts
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert is_workday(date(2026, 10, 10)) and not is_workday(date(2026, 10, 11))


def test_deadline_spanning_national_day_counts_the_swapped_saturday(ctx):
    # Dispatched 2026-09-29 10:00 with 5 working days: 09-30, 10-08, 10-09, 10-10 (Sat, 调休), 10-12.
    due = deadline_after(local(2026, 9, 29, 10), 5)
    assert due == local(2026, 10, 12, 23, 59, 59).astimezone(timezone.utc)
    # Mid-autumn (09-25..27) and National Day together: 1 working day from Thursday 09-24 is Monday 09-28.
    assert deadline_after(local(2026, 9, 24, 16), 1) == local(2026, 9, 28, 23, 59, 59)
    # A UTC instant late on 09-30 is already 10-01 in Shanghai: the count starts from the local day.
    assert deadline_after(datetime(2026, 9, 30, 17, 0, tzinfo=timezone.utc), 1) == local(2026, 10, 8, 23, 59, 59)


def test_spring_festival_2026(ctx):
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Saturday worked before the holiday
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)  # Saturday worked after it
    assert add_working_days(date(2026, 2, 27), 2) == date(2026, 3, 2)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_working_days_between_is_exact(ctx):
    assert working_days_between(date(2026, 9, 30), date(2026, 9, 30)) == 0
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    # agrees with add_working_days for every n over a stretch crossing both 2026 holidays
    start = date(2026, 9, 20)
    for n in range(1, 30):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_overdue_working_days_is_exact(ctx):
    due = deadline_after(local(2026, 9, 29, 9), 1)  # end of 09-30
    assert overdue_working_days(due, due) == 0
    assert overdue_working_days(due, due - timedelta(hours=3)) == 0
    assert overdue_working_days(due, local(2026, 10, 1, 0, 0, 1)) == 1  # past it, during the holiday: at least 1
    assert overdue_working_days(due, local(2026, 10, 7, 18)) == 1
    assert overdue_working_days(due, local(2026, 10, 8, 9)) == 1
    assert overdue_working_days(due, local(2026, 10, 9, 9)) == 2
    assert overdue_working_days(due, local(2026, 10, 10, 9)) == 3  # 调休 Saturday counts
    assert overdue_working_days(due, local(2026, 10, 11, 9)) == 3  # Sunday does not
    assert overdue_working_days(due, local(2026, 10, 12, 9)) == 4


def test_override_beats_the_package(ctx):
    assert is_workday(date(2026, 10, 9))
    services.save_override(None, None, day=date(2026, 10, 9), is_workday=False, note="区里统一放假")
    assert not is_workday(date(2026, 10, 9))
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 10)
    # and the other way round: a package holiday made a working day
    services.save_override(None, None, day=date(2026, 10, 7), is_workday=True, note="值班")
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 7)


def test_overrides_cover_2027(ctx):
    assert not year_is_covered(2027)
    # without data 2027 falls back to Monday–Friday
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 1)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    entries, errors = _parse("2027-01-01 休 元旦\n2027-10-01..2027-10-07 休 国庆节\n2027-10-09 班 国庆调休", 2027)
    assert errors == []
    services.apply_overrides(None, 2027, entries)
    assert year_is_covered(2027)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert add_working_days(date(2027, 10, 8), 1) == date(2027, 10, 9)  # the Saturday 班
    assert add_working_days(date(2027, 10, 9), 1) == date(2027, 10, 11)
    assert working_days_between(date(2027, 9, 30), date(2027, 10, 11)) == 3


def test_month_grid_agrees_with_is_workday_and_names_the_source(ctx, app):
    services.save_override(None, None, day=date(2026, 10, 9), is_workday=False, note="区里统一放假")
    with app.test_request_context():
        grid = {cell.day: cell for week in month_grid(2026, 10) for cell in week if cell}
        grid_2027 = {cell.day: cell for week in month_grid(2027, 1) for cell in week if cell}
    assert len(grid) == 31
    for cells in (grid, grid_2027):
        for day, cell in cells.items():
            assert cell.is_workday == is_workday(day), day
    assert grid[date(2026, 10, 9)].source == SOURCE_OVERRIDE and grid[date(2026, 10, 9)].label == "区里统一放假"
    assert grid[date(2026, 10, 1)].source == SOURCE_PACKAGE and grid[date(2026, 10, 1)].label == "国庆节"
    assert grid[date(2026, 10, 10)].is_swapped_workday and "调休" in grid[date(2026, 10, 10)].label
    assert grid_2027[date(2027, 1, 2)].source == SOURCE_WEEKEND and not grid_2027[date(2027, 1, 2)].is_workday


def _parse(text, year):
    from flask import current_app

    with current_app.test_request_context():
        return services.parse_override_lines(text, year)
