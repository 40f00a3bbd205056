"""Time in the district's zone. Stored times are UTC; people see Asia/Shanghai."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def local_today() -> date:
    return now_utc().astimezone(LOCAL_TZ).date()


def to_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ)


def local_date(value: datetime) -> date:
    return to_local(value).date()


def end_of_local_day(day: date) -> datetime:
    """The last moment of a local calendar day, as an aware UTC datetime."""
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(timezone.utc)


def start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(timezone.utc)
