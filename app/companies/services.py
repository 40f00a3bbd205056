"""Writes about companies. Each function flushes and audits; the caller commits."""
from app.companies import goals
import sqlalchemy as sa

from app.companies.models import GOAL_STATUSES, Company, CompanyFormerName, CompanyGoalUpdate, EscortAssignment
from app.companies.uscc import normalize
from app.core import audit
from app.core.db import utcnow
from app.core.timeutil import local_today
from app.extensions import db

# The only fields a company form or API call may set; escort changes go through assign_escort.
EDITABLE_FIELDS = (
    "name", "uscc", "town_id", "industry_id", "category", "specialized_tier", "is_above_scale",
    "annual_revenue", "employees", "address", "contact_name", "contact_phone",
)


def _apply(company: Company, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            if field == "uscc":
                value = normalize(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(company, field, value)


def create_company(actor, data: dict, *, escort=None, reason: str = "") -> Company:
    """A new company, optionally assigned to an escort at once."""
    company = Company()
    _apply(company, data)
    db.session.add(company)
    db.session.flush()
    audit.record("company_created", company, actor=actor, after=audit.snapshot(company, EDITABLE_FIELDS))
    if escort is not None:
        assign_escort(actor, company, escort, reason or "初始分配")
    return company


def update_company(actor, company: Company, data: dict) -> Company:
    """Save the editable fields; a new name keeps the old one as a former name (曾用名, dated today)."""
    before = audit.snapshot(company, EDITABLE_FIELDS)
    _apply(company, data)
    if company.name != before["name"]:
        _keep_former_name(actor, company, before["name"], new_name=company.name)
    db.session.flush()
    after = audit.snapshot(company, EDITABLE_FIELDS)
    changed = {k for k in EDITABLE_FIELDS if before[k] != after[k]}
    if changed:
        audit.record(
            "company_updated", company, actor=actor,
            before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
        )
    return company


MAX_FORMER_NAMES = 20


def _former_rows(company: Company) -> list[CompanyFormerName]:
    return list(db.session.scalars(sa.select(CompanyFormerName).where(CompanyFormerName.company_id == company.id)))


def _keep_former_name(actor, company: Company, old_name: str, *, new_name: str) -> None:
    """Record `old_name` as a former name (dated today); a former name that is the name again is dropped."""
    rows = _former_rows(company)
    for row in rows:
        if row.name == new_name:
            db.session.delete(row)
    if old_name and old_name != new_name and all(row.name != old_name for row in rows):
        db.session.add(CompanyFormerName(company_id=company.id, name=old_name, until=local_today(),
                                         created_by_id=getattr(actor, "id", None)))


def set_former_names(actor, company: Company, names: list[str]) -> None:
    """Make the company's former names exactly `names` (already checked by the form): names kept keep
    their dates, the others are removed, new ones are added without a date. Audited when it changes."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    rows = _former_rows(company)
    before = sorted(row.name for row in rows)
    for row in rows:
        if row.name not in wanted:
            db.session.delete(row)
    have = {row.name for row in rows}
    for name in wanted:
        if name not in have:
            db.session.add(CompanyFormerName(company_id=company.id, name=name, created_by_id=getattr(actor, "id", None)))
    db.session.flush()
    if sorted(wanted) != before:
        audit.record("company_former_names", company, actor=actor, before={"former_names": before},
                     after={"former_names": sorted(wanted)})


def assign_escort(actor, company: Company, escort, reason: str) -> EscortAssignment | None:
    """Make `escort` the company's current escort, closing the previous assignment.

    Returns the new assignment, or None when the escort is already current.
    """
    if company.escort_id == (escort.id if escort else None):
        return None
    now = utcnow()
    current = db.session.scalars(
        db.select(EscortAssignment).where(
            EscortAssignment.company_id == company.id, EscortAssignment.ended_at.is_(None)
        )
    ).first()
    if current is not None:
        current.ended_at = now
        db.session.flush()  # the one-current index must see the old row closed first
    before = {"escort_id": company.escort_id}
    company.escort_id = escort.id if escort else None
    assignment = None
    if escort is not None:
        assignment = EscortAssignment(
            company_id=company.id, escort_id=escort.id, started_at=now,
            reason=reason.strip(), assigned_by_id=getattr(actor, "id", None),
        )
        db.session.add(assignment)
    db.session.flush()
    audit.record("escort_assigned", company, actor=actor, before=before,
                 after={"escort_id": company.escort_id}, message=reason[:200])
    return assignment


GOAL_FIELDS = ("goal_status", "goal_updated_on", "goal_note", "goal_reached_on", "is_above_scale",
               "annual_revenue", "specialized_tier")


def record_goal_update(actor, company: Company, *, status: str, on, note: str, indicator: dict | None = None):
    """Record one progress update on the company's category goal; every update is kept.

    `indicator` carries the category's values (see app/companies/goals.py). When they reach the goal the
    update gets its reached date, the company its goal_reached_on (the latest such date) and the facts that
    follow: 规上 and the revenue for `upgrade`, the new tier for `specialized`. The caller checks
    can_update_goal. Returns the new CompanyGoalUpdate.
    """
    if status not in GOAL_STATUSES:
        raise ValueError(f"unknown goal status {status!r}")
    indicator = indicator or {}
    target = goals.targets().get(company.category)
    measured = goals.measure(company, indicator, progress_on=on, target=target)
    before = audit.snapshot(company, GOAL_FIELDS)
    if measured.reached_on is not None:
        if company.category == "upgrade":
            company.is_above_scale = True
            company.annual_revenue = indicator["revenue"]
        elif company.category == "specialized":
            company.specialized_tier = indicator["tier"]
        if company.goal_reached_on is None or measured.reached_on > company.goal_reached_on:
            company.goal_reached_on = measured.reached_on
    company.goal_status = status
    company.goal_updated_on = on
    company.goal_note = (note or "").strip()[:500]
    update = CompanyGoalUpdate(company_id=company.id, actor_id=actor.id, created_at=utcnow(), status=status,
                               progress_on=on, note=(note or "").strip(), indicator=measured.indicator,
                               reached_on=measured.reached_on)
    db.session.add(update)
    db.session.flush()
    audit.record("goal_updated", company, actor=actor, before=before, after={
        **audit.snapshot(company, GOAL_FIELDS), "indicator": measured.indicator,
        "reached_on": measured.reached_on.isoformat() if measured.reached_on else None})
    return update
