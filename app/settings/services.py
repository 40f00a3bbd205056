"""Writes to system settings: calendar overrides and SLA limits. Flush and audit; the caller commits."""
import re
from dataclasses import dataclass, fields
from datetime import date, timedelta

from flask_babel import gettext as _

from app.core import audit
from app.core.models import CalendarOverride
from app.core.settings import set_setting
from app.core.workdays import forget_overrides
from app.extensions import db
from app.settings.queries import YEARS_ENTERED_KEY, overrides_for_year, years_entered
from app.tickets import deadlines
from app.settings.sla import KEY_PREFIX, SLA, get_sla

OVERRIDE_FIELDS = ("day", "is_workday", "note")
NOTE_MAX = 100
YEAR_MIN, YEAR_MAX = 2000, 2100
BULK_MAX_LINES = 400

# Allowed range of each SLA limit, in working days (the form and the service share it).
SLA_RANGES = {f.name: (1, 60) for f in fields(SLA)}
SLA_RANGES["extension_notice_days"] = (0, 30)


# --- calendar overrides -----------------------------------------------------------------------

def save_override(actor, override: CalendarOverride | None, *, day: date, is_workday: bool, note: str = ""):
    """Create or change the override of one day (the form has checked the day is free)."""
    created = override is None
    plans = deadlines.plan_recompute({day} if created or override.day == day else {day, override.day})
    if created:
        override = CalendarOverride()
        db.session.add(override)
    before = None if created else audit.snapshot(override, OVERRIDE_FIELDS)
    override.day = day
    override.is_workday = bool(is_workday)
    override.note = (note or "").strip()[:NOTE_MAX]
    db.session.flush()
    audit.record(
        f"calendar_override_{'created' if created else 'updated'}", override, actor=actor,
        before=before, after=audit.snapshot(override, OVERRIDE_FIELDS),
    )
    forget_overrides()
    override.moved_tickets = deadlines.apply_recompute(actor, plans, reason=_recompute_reason([day]))
    return override


def delete_override(actor, override: CalendarOverride) -> None:
    """Remove an override: the day falls back to chinesecalendar or the weekend rule. Returns how many
    open problems' deadlines moved."""
    plans = deadlines.plan_recompute({override.day})
    day = override.day
    audit.record("calendar_override_deleted", override, actor=actor,
                 before=audit.snapshot(override, OVERRIDE_FIELDS))
    db.session.delete(override)
    db.session.flush()
    forget_overrides()
    return deadlines.apply_recompute(actor, plans, reason=_recompute_reason([day]))


def _recompute_reason(days) -> str:
    return _("工作日历调整（%(days)s），期限按新日历重新计算。", days="、".join(sorted(d.isoformat() for d in days)))


@dataclass(frozen=True)
class OverrideEntry:
    day: date
    is_workday: bool
    note: str
    line: int


HOLIDAY_WORDS = {"休", "休息", "休息日", "假", "放假", "节假日", "假日"}
WORKDAY_WORDS = {"班", "上班", "工作日", "补班", "调休上班"}
_LINE_RE = re.compile(r"^(?P<start>[0-9/-]+)\s*(?:(?:\.\.|~|～|至)\s*(?P<end>[0-9/-]+))?(?P<rest>.*)$")
_DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def _parse_date(text: str) -> date | None:
    match = _DATE_RE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_override_lines(text: str, year: int) -> tuple[list[OverrideEntry], list[str]]:
    """Read pasted lines such as "2027-01-01 休 元旦", "2027-02-06 班", "2027-10-01..2027-10-07 休 国庆节".

    Every line is checked; the result is either entries (no errors) or the errors, each naming
    its line, so the caller can apply all or nothing. Blank lines and lines starting with # are skipped.
    """
    entries: list[OverrideEntry] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    lines = (text or "").replace("\u3000", " ").splitlines()
    if len(lines) > BULK_MAX_LINES:
        return [], [_("一次最多录入 %(max)d 行，请分批粘贴。", max=BULK_MAX_LINES)]
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().replace("，", " ").replace(",", " ").replace("\t", " ")
        if not line or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            errors.append(_("第%(n)d行：格式不正确，应为“日期 休/班 备注”，例如“2027-01-01 休 元旦”。", n=number))
            continue
        start = _parse_date(match["start"])
        end = _parse_date(match["end"]) if match["end"] else start
        bad = match["start"] if start is None else (match["end"] if end is None else None)
        if bad is not None:
            if _DATE_RE.match(bad):
                errors.append(_("第%(n)d行：日期“%(text)s”不存在。", n=number, text=bad))
            else:
                errors.append(_("第%(n)d行：日期“%(text)s”无效，请写成 2027-01-01 的格式。", n=number, text=bad))
            continue
        if end < start:
            errors.append(_("第%(n)d行：起始日期晚于结束日期。", n=number))
            continue
        if start.year != year or end.year != year:
            errors.append(_("第%(n)d行：日期不在 %(year)d 年内。", n=number, year=year))
            continue
        words = match["rest"].strip().split(maxsplit=1)
        if not words:
            errors.append(_("第%(n)d行：缺少类型，请在日期后写“休”（放假）或“班”（上班）。", n=number))
            continue
        kind, note = words[0], (words[1].strip() if len(words) > 1 else "")
        if kind == "调休":
            errors.append(_("第%(n)d行：“调休”含义不明确，请写“休”（放假）或“班”（调休上班）。", n=number))
            continue
        if kind not in HOLIDAY_WORDS and kind not in WORKDAY_WORDS:
            errors.append(_("第%(n)d行：无法识别类型“%(kind)s”，请写“休”（放假）或“班”（上班）。", n=number, kind=kind))
            continue
        if len(note) > NOTE_MAX:
            errors.append(_("第%(n)d行：备注不能超过 %(max)d 个字。", n=number, max=NOTE_MAX))
            continue
        day, duplicate = start, None
        days = []
        while day <= end:
            if day in seen:
                duplicate = day
                break
            days.append(day)
            day += timedelta(days=1)
        if duplicate is not None:
            errors.append(_("第%(n)d行：%(day)s 已在第%(first)d行出现。", n=number, day=duplicate.isoformat(),
                            first=seen[duplicate]))
            continue
        for day in days:
            seen[day] = number
            entries.append(OverrideEntry(day, kind in WORKDAY_WORDS, note, number))
    if not errors and not entries:
        errors.append(_("没有可录入的内容。"))
    return ([] if errors else entries), errors


def apply_overrides(actor, year: int, entries: list[OverrideEntry], *, replace: bool = False) -> dict[str, int]:
    """Write validated entries for one year: new days are added, listed days updated.

    With `replace`, the year's overrides not listed are deleted. Returns counts per outcome.
    """
    existing = {o.day: o for o in db.session.scalars(overrides_for_year(year))}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    touched = {e.day for e in entries
               if e.day not in existing or existing[e.day].is_workday != e.is_workday}
    if replace:
        listed = {e.day for e in entries}
        touched |= {day for day in existing if day not in listed}
    plans = deadlines.plan_recompute(touched)
    for entry in entries:
        override = existing.pop(entry.day, None)
        if override is not None and override.is_workday == entry.is_workday and override.note == entry.note:
            counts["unchanged"] += 1
            continue
        before = None if override is None else audit.snapshot(override, OVERRIDE_FIELDS)
        if override is None:
            override = CalendarOverride(day=entry.day)
            db.session.add(override)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        override.is_workday = entry.is_workday
        override.note = entry.note
        db.session.flush()
        audit.record(
            f"calendar_override_{'created' if before is None else 'updated'}", override, actor=actor,
            before=before, after=audit.snapshot(override, OVERRIDE_FIELDS), message="bulk paste",
        )
    if replace:
        for override in existing.values():
            audit.record("calendar_override_deleted", override, actor=actor,
                         before=audit.snapshot(override, OVERRIDE_FIELDS), message="bulk paste (replace)")
            db.session.delete(override)
            counts["deleted"] += 1
    db.session.flush()
    forget_overrides()
    entered = years_entered()
    if year not in entered:
        set_setting(YEARS_ENTERED_KEY, sorted(entered | {year}))
    counts["moved"] = deadlines.apply_recompute(actor, plans, reason=_recompute_reason(touched)) if touched else 0
    return counts


# --- SLA limits -------------------------------------------------------------------------------

def save_sla(actor, values: dict) -> list[str]:
    """Store the SLA limits that changed (whitelisted, range-checked); returns the changed names."""
    current = get_sla()
    before, after = {}, {}
    for f in fields(SLA):
        if f.name not in values or values[f.name] is None:
            continue
        value = int(values[f.name])
        low, high = SLA_RANGES[f.name]
        if not low <= value <= high:
            raise ValueError(f"{f.name}={value} outside {low}..{high}")
        if value != getattr(current, f.name):
            before[f.name] = getattr(current, f.name)
            after[f.name] = value
            set_setting(KEY_PREFIX + f.name, value)
    if after:
        db.session.flush()
        audit.record("sla_updated", actor=actor, before=before, after=after)
    return list(after)



def save_goal_targets(actor, values: dict) -> list[str]:
    """Store the yearly revenue-growth targets (%) per category that has one; later updates are measured
    against them (earlier ones keep the target they were measured with). Returns the changed keys."""
    from app.companies.goals import TARGET_KEYS, targets

    current = targets()
    before, after = {}, {}
    for category, key in TARGET_KEYS.items():
        value = int(values[category])
        if value != current[category]:
            before[key], after[key] = current[category], value
            set_setting(key, value)
    if after:
        db.session.flush()
        audit.record("goal_targets_updated", actor=actor, before=before, after=after)
    return list(after)
