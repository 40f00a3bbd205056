"""Ranking periods: a calendar month (default), a quarter, or a custom range of local dates.

A period is a pair of local (Asia/Shanghai) dates [start, end], both inclusive. Its UTC
bounds are start_utc = start_of_local_day(start) and end_utc = start_of_local_day(end + 1 day);
an event belongs to the period when start_utc <= event time < end_utc. Plain dates (a visit's
visited_on) belong when start <= date <= end.

Written forms (the `period` query parameter of the page and the API):
  "2026-11"                  the month
  "2026-Q4"                  the quarter
  "2026-11-01..2026-11-20"   a custom range (also given as start=…&end=…)
The previous period, for the rank change, has the same length and ends the day before.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.core.timeutil import local_today, start_of_local_day

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER_RE = re.compile(r"^(\d{4})-[Qq]([1-4])$")
RANGE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
YEAR_MIN, YEAR_MAX = 2000, 2100
MAX_CUSTOM_DAYS = 366


class PeriodError(ValueError):
    """A period the user wrote that cannot be used; `field` names the parameter at fault."""

    def __init__(self, message: str, field: str = "period"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "custom"
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
        return _("%(start)s 至 %(end)s", start=self.start.isoformat(), end=self.end.isoformat())

    def query_args(self) -> dict:
        """URL parameters that select this period again."""
        if self.kind == "custom":
            return {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.key}

    def previous(self) -> "Period":
        """The period of the same length just before: last month, last quarter, or the same number of days."""
        if self.kind == "month":
            return month(*_month_before(self.start.year, self.start.month))
        if self.kind == "quarter":
            year, q = self.start.year, (self.start.month - 1) // 3 + 1
            return quarter(year - 1, 4) if q == 1 else quarter(year, q - 1)
        end = self.start - timedelta(days=1)
        return Period("custom", end - timedelta(days=self.days - 1), end)


def _month_before(year: int, month_: int) -> tuple[int, int]:
    return (year - 1, 12) if month_ == 1 else (year, month_ - 1)


def month(year: int, month_: int) -> Period:
    start = date(year, month_, 1)
    after = date(year + 1, 1, 1) if month_ == 12 else date(year, month_ + 1, 1)
    return Period("month", start, after - timedelta(days=1))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period("quarter", start, after - timedelta(days=1))


def current_month(today: date | None = None) -> Period:
    today = today or local_today()
    return month(today.year, today.month)


def last_months(count: int, today: date | None = None) -> list[Period]:
    """The `count` months ending with the current one, oldest first."""
    periods = [current_month(today)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def _check_year(year: int, field: str) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodError(_("年份应在 %(low)d–%(high)d 之间。", low=YEAR_MIN, high=YEAR_MAX), field)


def _parse_date(text: str, field: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise PeriodError(_("日期格式应为 YYYY-MM-DD。"), field) from None
    _check_year(value.year, field)
    return value


def custom(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(_("结束日期不能早于开始日期。"), "end")
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise PeriodError(_("自定义区间最长 %(n)d 天。", n=MAX_CUSTOM_DAYS), "end")
    return Period("custom", start, end)


def parse_period(text: str) -> Period:
    """Read "YYYY-MM", "YYYY-Qn" or "YYYY-MM-DD..YYYY-MM-DD"; raises PeriodError."""
    text = (text or "").strip()
    if match := MONTH_RE.match(text):
        year, month_ = int(match[1]), int(match[2])
        _check_year(year, "period")
        if not 1 <= month_ <= 12:
            raise PeriodError(_("月份应在 1–12 之间。"))
        return month(year, month_)
    if match := QUARTER_RE.match(text):
        year = int(match[1])
        _check_year(year, "period")
        return quarter(year, int(match[2]))
    if match := RANGE_RE.match(text):
        return custom(_parse_date(match[1], "period"), _parse_date(match[2], "period"))
    raise PeriodError(_("统计期格式应为 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY-MM-DD..YYYY-MM-DD（自定义）。"))


def period_from_args(args, today: date | None = None) -> Period:
    """The period a request asks for: `period`, or `start` and `end`, or else the current month."""
    text = (args.get("period") or "").strip()
    start, end = (args.get("start") or "").strip(), (args.get("end") or "").strip()
    if text:
        return parse_period(text)
    if start or end:
        if not start:
            raise PeriodError(_("请填写开始日期。"), "start")
        if not end:
            raise PeriodError(_("请填写结束日期。"), "end")
        return custom(_parse_date(start, "start"), _parse_date(end, "end"))
    return current_month(today)
