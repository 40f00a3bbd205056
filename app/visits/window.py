"""The visit window: the period in which each assigned company must be visited.

Configured with the settings ``visits.window`` ("month" — calendar month, the
default — "quarter", "half_year" or "year") and ``visits.per_window`` (visits
needed in each window, default 1).
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.core.settings import get_settings, register_defaults

# window kind → length in calendar months (windows start in January)
WINDOW_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}

register_defaults({"visits.window": "month", "visits.per_window": 1})


@dataclass(frozen=True)
class VisitWindow:
    kind: str
    start: date  # first day in the window
    end: date    # first day after the window
    required: int

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)d年%(m)d月", y=self.start.year, m=self.start.month)
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度", y=self.start.year, q=(self.start.month - 1) // 3 + 1)
        if self.kind == "half_year":
            return _("%(y)d年上半年", y=self.start.year) if self.start.month == 1 else _("%(y)d年下半年", y=self.start.year)
        return _("%(y)d年", y=self.start.year)


def window_containing(day: date, kind: str = "month", required: int = 1) -> VisitWindow:
    """The calendar window of `kind` that contains `day`."""
    months = WINDOW_MONTHS.get(kind, 1)
    kind = kind if kind in WINDOW_MONTHS else "month"
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    after = first_month - 1 + months  # months since January of day.year, 0-based, of the next window
    end = date(day.year + after // 12, after % 12 + 1, 1)
    return VisitWindow(kind, start, end, max(1, int(required)))


def current_window(today: date) -> VisitWindow:
    """The window in force on `today`, from the settings (one query)."""
    values = get_settings(["visits.window", "visits.per_window"])
    try:
        required = int(values["visits.per_window"])
    except (TypeError, ValueError):
        required = 1
    return window_containing(today, str(values["visits.window"] or "month"), required)
