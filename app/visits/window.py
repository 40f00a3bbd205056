"""The visit window: the period in which each assigned company must be visited.

Configured with the settings ``visits.window`` ("month" — calendar month, the
default — "quarter", "half_year" or "year") and ``visits.per_window`` (visits
needed in each window, default 1). A window is a Period (app/core/periods.py):
its dates run from start to end, both inclusive.
"""
from dataclasses import dataclass
from datetime import date

from app.core.periods import Period, calendar_period
from app.core.settings import get_settings, register_defaults

register_defaults({"visits.window": "month", "visits.per_window": 1})


@dataclass(frozen=True)
class VisitWindow(Period):
    required: int = 1  # visits each company needs in the window


def window_containing(day: date, kind: str = "month", required: int = 1) -> VisitWindow:
    """The calendar window of `kind` that contains `day`."""
    period = calendar_period(day, kind)
    return VisitWindow(period.kind, period.start, period.end, max(1, int(required)))


def current_window(today: date) -> VisitWindow:
    """The window in force on `today`, from the settings (one query)."""
    values = get_settings(["visits.window", "visits.per_window"])
    try:
        required = int(values["visits.per_window"])
    except (TypeError, ValueError):
        required = 1
    return window_containing(today, str(values["visits.window"] or "month"), required)
