"""Working days per the Chinese calendar.

Order of authority for a day: an admin's CalendarOverride, then the
chinesecalendar package (statutory holidays and 调休 swapped workdays for the
years it knows), then the plain rule Monday–Friday. A year is "covered" when
the package knows it or admins have entered overrides for it; an uncovered
coming year is shown to admins as a warning.
"""
from bisect import bisect_right
from datetime import date, datetime, timedelta

import chinese_calendar
import sqlalchemy as sa
from flask import g, has_app_context

from app.core.models import CalendarOverride
from app.core.timeutil import end_of_local_day, local_date
from app.extensions import db

_PACKAGE_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)


def package_covers(year: int) -> bool:
    return year in _PACKAGE_YEARS


def _overrides() -> dict[date, bool]:
    """All overrides, loaded once per request (the table holds a few dozen rows a year)."""
    if has_app_context() and "workday_overrides" in g:
        return g.workday_overrides
    rows = db.session.execute(sa.select(CalendarOverride.day, CalendarOverride.is_workday)).all()
    result = {day: is_workday for day, is_workday in rows}
    if has_app_context():
        g.workday_overrides = result
    return result


def forget_overrides() -> None:
    """Call after overrides change so the next lookup reads them again."""
    if has_app_context():
        g.pop("workday_overrides", None)
        g.pop("workday_years", None)


# Years already worked out, by (year, that year's overrides): the list depends on nothing else, and
# building it (365 calendar lookups) would otherwise cost every request that shows working days.
_BUILT_YEARS: dict[tuple, list[int]] = {}


def _request_years() -> dict:
    """The years worked out for this request ({} outside one: looked up each time)."""
    return g.setdefault("workday_years", {}) if has_app_context() else {}


def _year_workdays(year: int, cache: dict | None = None) -> list[int]:
    """Sorted ordinals of the year's working days, looked up once per request per year (cache: the request's
    years, when the caller already has them: a list page counts working days for each of fifty problems, and
    reaching flask.g was two thirds of a count)."""
    if cache is None:
        cache = _request_years()
    if year not in cache:
        overrides = tuple(sorted((d, w) for d, w in _overrides().items() if d.year == year))
        key = (year, overrides)
        if key not in _BUILT_YEARS:
            day, end = date(year, 1, 1), date(year + 1, 1, 1)
            ordinals = []
            while day < end:
                if is_workday(day):
                    ordinals.append(day.toordinal())
                day += timedelta(days=1)
            if len(_BUILT_YEARS) > 256:
                _BUILT_YEARS.clear()
            _BUILT_YEARS[key] = ordinals
        cache[year] = _BUILT_YEARS[key]
    return cache[year]


def _workdays_up_to(day: date, cache: dict | None = None) -> int:
    """Working days from 1 Jan of day's year through day, inclusive."""
    return bisect_right(_year_workdays(day.year, cache), day.toordinal())


def is_workday(day: date) -> bool:
    overrides = _overrides()
    if day in overrides:
        return overrides[day]
    if package_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def year_is_covered(year: int) -> bool:
    if package_covers(year):
        return True
    return any(day.year == year for day in _overrides())


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n=0: start itself if a workday, else the next one)."""
    day = start
    if n == 0:
        while not is_workday(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def deadline_after(start: datetime, n: int) -> datetime:
    """End (23:59:59 local) of the n-th working day after the local day of `start`."""
    return end_of_local_day(add_working_days(local_date(start), n))


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    years = _request_years()
    count = _workdays_up_to(end, years) - _workdays_up_to(start, years)
    for year in range(start.year, end.year):  # whole years between add up year by year
        count += len(_year_workdays(year, years))
    return count


def overdue_working_days(due_at: datetime, now: datetime) -> int:
    """How many working days past its deadline something is (0 when not overdue)."""
    if now <= due_at:
        return 0
    # Past the deadline counts as at least one day even over a weekend.
    return max(working_days_between(local_date(due_at), local_date(now)), 1)
