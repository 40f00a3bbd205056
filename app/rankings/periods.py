"""Ranking periods: a calendar month (default), a quarter, or a custom range of local dates, as
app/core/periods.py's Period (the type the visit window is too; its docstring says which events belong).

Written forms (the `period` query parameter of the page and the API):
  "2026-11"                  the month
  "2026-Q4"                  the quarter
  "2026-11-01..2026-11-20"   a custom range (also given as start=…&end=…)
The previous period, for the rank change, has the same length and ends the day before.
"""
import re
from datetime import date

from flask_babel import gettext as _

from app.core.periods import Period, month, quarter
from app.core.timeutil import local_today

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
