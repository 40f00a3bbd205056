"""Periods of local (Asia/Shanghai) dates, one type for the rankings' statistics periods and the visit window.

A period is [start, end], both inclusive. Its UTC bounds are start_utc = start_of_local_day(start) and
end_utc = start_of_local_day(end + 1 day): an event belongs to the period when start_utc <= event time <
end_utc, a plain date (a visit's visited_on) when start <= date <= end.

Calendar kinds start in January: "month", "quarter", "half_year", "year"; "custom" is any range.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.timeutil import start_of_local_day

# calendar kind → length in months
CALENDAR_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@dataclass(frozen=True)
class Period:
    kind: str  # a CALENDAR_MONTHS kind or "custom"
    start: date
    end: date  # inclusive

    @property
    def start_utc(self) -> datetime:
        return start_of_local_day(self.start)

    @property
    def end_utc(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return start_of_local_day(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)d年%(m)d月", y=self.start.year, m=self.start.month)
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度", y=self.start.year, q=(self.start.month - 1) // 3 + 1)
        if self.kind == "half_year":
            return _("%(y)d年上半年", y=self.start.year) if self.start.month == 1 else _("%(y)d年下半年", y=self.start.year)
        if self.kind == "year":
            return _("%(y)d年", y=self.start.year)
        return _("%(start)s 至 %(end)s", start=self.start.isoformat(), end=self.end.isoformat())

    def holds(self, column):
        """SQL: the UTC time in `column` lies in the period."""
        return sa.and_(column >= self.start_utc, column < self.end_utc)

    def holds_day(self, column):
        """SQL: the local date in `column` (a visit's visited_on) lies in the period."""
        return sa.and_(column >= self.start, column <= self.end)

    def query_args(self) -> dict:
        """URL parameters that select this period again."""
        if self.kind == "custom":
            return {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.key}

    def previous(self) -> "Period":
        """The period of the same length just before: last month, last quarter, or the same number of days."""
        if self.kind in CALENDAR_MONTHS:
            return calendar_period(self.start - timedelta(days=1), self.kind)
        end = self.start - timedelta(days=1)
        return Period("custom", end - timedelta(days=self.days - 1), end)


def calendar_period(day: date, kind: str = "month") -> Period:
    """The calendar period of `kind` that contains `day` (an unknown kind: the month)."""
    kind = kind if kind in CALENDAR_MONTHS else "month"
    months = CALENDAR_MONTHS[kind]
    first_month = (day.month - 1) // months * months + 1
    after = first_month - 1 + months  # months since January of day.year, 0-based, of the next period
    after_start = date(day.year + after // 12, after % 12 + 1, 1)
    return Period(kind, date(day.year, first_month, 1), after_start - timedelta(days=1))


def month(year: int, month_: int) -> Period:
    return calendar_period(date(year, month_, 1), "month")


def quarter(year: int, q: int) -> Period:
    return calendar_period(date(year, 3 * (q - 1) + 1, 1), "quarter")
