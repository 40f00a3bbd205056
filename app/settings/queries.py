"""Reads for the settings pages: overrides by year, the month grid, the coverage warning."""
import calendar
from dataclasses import dataclass
from datetime import date

import chinese_calendar
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.models import CalendarOverride
from app.core.settings import get_setting, register_defaults
from app.core.timeutil import local_today
from app.core.workdays import package_covers
from app.extensions import db

# Where a day's status comes from, in order of authority (see app/core/workdays.py).
SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "package"
SOURCE_WEEKEND = "weekend"
SOURCE_LABELS = {
    SOURCE_OVERRIDE: _l("人工设置"),
    SOURCE_PACKAGE: _l("chinesecalendar"),
    SOURCE_WEEKEND: _l("周末规则"),
}
# Short forms for the month grid's narrow cells (the legend under the grid spells them out).
SOURCE_SHORT = {
    SOURCE_OVERRIDE: _l("人工"),
    SOURCE_PACKAGE: _l("日历包"),
    SOURCE_WEEKEND: _l("周末规则"),
}

HOLIDAY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: _l("元旦"),
    chinese_calendar.Holiday.spring_festival.value: _l("春节"),
    chinese_calendar.Holiday.tomb_sweeping_day.value: _l("清明节"),
    chinese_calendar.Holiday.labour_day.value: _l("劳动节"),
    chinese_calendar.Holiday.dragon_boat_festival.value: _l("端午节"),
    chinese_calendar.Holiday.national_day.value: _l("国庆节"),
    chinese_calendar.Holiday.mid_autumn_festival.value: _l("中秋节"),
    chinese_calendar.Holiday.anti_fascist_70th_day.value: _l("抗战胜利纪念日"),
}

PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year


def overrides_for_year(year: int) -> sa.Select:
    """The overrides of one calendar year, in date order (at most 366 rows: no pagination)."""
    return (
        sa.select(CalendarOverride)
        .where(CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarOverride.day)
    )


def override_counts(years) -> dict[int, int]:
    """How many overrides each of `years` has, in one query."""
    years = list(years)
    if not years:
        return {}
    columns = [
        sa.func.count(sa.case((CalendarOverride.day.between(date(y, 1, 1), date(y, 12, 31)), 1))).label(f"y{y}")
        for y in years
    ]
    row = db.session.execute(sa.select(*columns)).one()
    return {y: int(n or 0) for y, n in zip(years, row)}


# Years whose official arrangement an admin has entered in one step (the bulk page). A single holiday
# entered by hand does not make a year complete, so the warning stays until the whole year is entered.
YEARS_ENTERED_KEY = "calendar.years_entered"
register_defaults({YEARS_ENTERED_KEY: []})


def years_entered() -> set[int]:
    return {int(y) for y in (get_setting(YEARS_ENTERED_KEY) or [])}


def uncovered_years(today: date | None = None) -> list[int]:
    """This year and next (Asia/Shanghai) when neither chinesecalendar nor the year's entered arrangement covers them.

    At most one cheap query (the settings row), and none while the package still covers both years.
    """
    today = today or local_today()
    candidates = [y for y in (today.year, today.year + 1) if not package_covers(y)]
    if not candidates:
        return []
    entered = years_entered()
    return [y for y in candidates if y not in entered]


def calendar_warning(today: date | None = None) -> str | None:
    """The admins' banner text when the current or next year has no holiday data, else None."""
    years = uncovered_years(today)
    if not years:
        return None
    return _(
        "%(years)s 年的法定节假日与调休安排尚未录入（chinesecalendar 数据只到 %(last)d 年），"
        "这些年份的工作日暂按周一至周五计算，时限可能算错。请在“工作日历”中录入。",
        years="、".join(str(y) for y in years),
        last=PACKAGE_LAST_YEAR,
    )


@dataclass(frozen=True)
class DayCell:
    day: date
    is_workday: bool
    source: str
    label: str
    is_today: bool

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def is_swapped_workday(self) -> bool:
        """调休上班: a Saturday or Sunday that is worked."""
        return self.is_workday and self.is_weekend

    @property
    def css(self) -> str:
        if self.is_swapped_workday:
            return "cal-swap"
        if self.is_workday:
            return "cal-work"
        return "cal-holiday" if not self.is_weekend or self.label else "cal-weekend"


def describe_day(day: date, override: CalendarOverride | None, today: date) -> DayCell:
    """A day's status and its origin, by the same rules as app.core.workdays.is_workday."""
    weekend = day.weekday() >= 5
    if override is not None:
        if override.is_workday:
            label = override.note or (_("调休上班") if weekend else _("上班"))
        else:
            label = override.note or _("休息")
        return DayCell(day, override.is_workday, SOURCE_OVERRIDE, label, day == today)
    if package_covers(day.year):
        workday = chinese_calendar.is_workday(day)
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        holiday = str(HOLIDAY_NAMES.get(name, name)) if name else ""
        if workday:
            label = _("%(name)s调休上班", name=holiday) if weekend else ""
        else:
            label = holiday
        return DayCell(day, workday, SOURCE_PACKAGE, label, day == today)
    return DayCell(day, not weekend, SOURCE_WEEKEND, "", day == today)


def month_grid(year: int, month: int, today: date | None = None) -> list[list[DayCell | None]]:
    """Weeks (Monday first) of one month; None pads the first and last week. One query."""
    today = today or local_today()
    last = calendar.monthrange(year, month)[1]
    rows = db.session.scalars(
        sa.select(CalendarOverride).where(CalendarOverride.day.between(date(year, month, 1), date(year, month, last)))
    ).all()
    by_day = {o.day: o for o in rows}
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([
            describe_day(d, by_day.get(d), today) if d.month == month else None for d in week
        ])
    return weeks
