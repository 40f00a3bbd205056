"""Each category's goal as a measurable indicator with the date it was reached (DESIGN, second round).

| category      | indicator given with an update                     | reached when                        |
|---------------|----------------------------------------------------|-------------------------------------|
| `upgrade`     | 入库日期 (entered_on) and 年主营业务收入 (revenue, 万元) | revenue ≥ 2,000 万元 with a date    |
| `specialized` | the tier reached (tier) and its date (tier_on)      | a step up the ladder, on that date  |
| `spin_off`    | the new entity's registration/operation date        | on that date                        |
| `new_force`,  | the year (year) and its revenue growth in % (growth) | growth ≥ the admin's yearly target, |
| `eaglet`      |                                                    | on the update's date                |

The yearly report counts the companies with an update whose reached_on falls in the year; a company
counts once per year however many steps it made.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.companies.models import CATEGORIES, SPECIALIZED_TIERS, Company, CompanyGoalUpdate
from app.core.settings import get_settings, register_defaults
from app.extensions import db

ABOVE_SCALE_REVENUE = Decimal("2000")  # 万元: 规上 = annual main-business revenue ≥ 20 million yuan
TIER_ORDER = ["", "tech_sme", "innovative_sme", "specialized_sme", "little_giant"]
TARGET_KEYS = {"new_force": "goals.target.new_force", "eaglet": "goals.target.eaglet"}
register_defaults({"goals.target.new_force": 20, "goals.target.eaglet": 30})

INDICATOR_TEXT = {
    "upgrade": _l("入库：年主营业务收入达到 2,000 万元并进入统计库（规上），以入库日期为达成日期。"),
    "specialized": _l("梯度：科技型/创新型中小企业 → 专精特新中小企业 → 专精特新“小巨人”，每升一级记一次达成，以认定日期为达成日期。"),
    "spin_off": _l("落地：新主体完成注册或投产，以注册/投产日期为达成日期。"),
    "new_force": _l("跑在前：当年营业收入增长率达到管理员设定的年度目标。"),
    "eaglet": _l("跑腾飞：当年营业收入增长率达到管理员设定的年度目标。"),
}


def targets() -> dict:
    """The admin's yearly revenue-growth targets (%), per category that has one (one query)."""
    values = get_settings(TARGET_KEYS.values())
    return {category: int(values[key]) for category, key in TARGET_KEYS.items()}


@dataclass
class Measured:
    indicator: dict
    reached_on: date | None


def measure(company: Company, data: dict, *, progress_on: date, target: int | None = None) -> Measured:
    """The indicator values for the company's category from `data` (validated form data) and whether
    they reach the goal. Values of other categories are ignored."""
    category = company.category
    if category == "upgrade":
        revenue, entered_on = data.get("revenue"), data.get("entered_on")
        indicator = {"revenue": None if revenue is None else str(revenue),
                     "entered_on": entered_on.isoformat() if entered_on else None}
        reached = entered_on if (entered_on and revenue is not None and revenue >= ABOVE_SCALE_REVENUE) else None
        return Measured(indicator, reached)
    if category == "specialized":
        tier, tier_on = data.get("tier") or "", data.get("tier_on")
        before = company.specialized_tier or ""
        indicator = {"tier": tier, "tier_before": before, "tier_on": tier_on.isoformat() if tier_on else None}
        step_up = tier in TIER_ORDER and TIER_ORDER.index(tier) > TIER_ORDER.index(before if before in TIER_ORDER else "")
        return Measured(indicator, tier_on if (step_up and tier_on) else None)
    if category == "spin_off":
        entity_on = data.get("entity_on")
        return Measured({"entity_on": entity_on.isoformat() if entity_on else None}, entity_on)
    growth, year = data.get("growth"), data.get("year")
    indicator = {"year": year, "growth": None if growth is None else str(growth), "target": target}
    reached = progress_on if (growth is not None and target is not None and growth >= target) else None
    return Measured(indicator, reached)


def indicator_text(category: str, indicator: dict | None) -> str:
    """One line for the history table: the values given with an update."""
    from flask_babel import gettext as _

    if not indicator:
        return "—"
    if category == "upgrade":
        return _("入库日期 %(on)s，年主营业务收入 %(revenue)s 万元", on=indicator.get("entered_on") or "—",
                 revenue=indicator.get("revenue") or "—")
    if category == "specialized":
        return _("梯度 %(before)s → %(tier)s（%(on)s）", before=str(SPECIALIZED_TIERS.get(indicator.get("tier_before") or "", "—")),
                 tier=str(SPECIALIZED_TIERS.get(indicator.get("tier") or "", "—")), on=indicator.get("tier_on") or "—")
    if category == "spin_off":
        return _("新主体注册/投产日期 %(on)s", on=indicator.get("entity_on") or "—")
    return _("%(year)s 年营收增长 %(growth)s%%（目标 %(target)s%%）", year=indicator.get("year") or "—",
             growth=indicator.get("growth") or "—", target=indicator.get("target") if indicator.get("target") is not None else "—")


def goal_warnings(company: Company) -> list[str]:
    """Inconsistent records the escort should fix (shown on the company page and the escort's home)."""
    from flask_babel import gettext as _

    warnings = []
    if company.category == "upgrade" and company.is_above_scale and company.goal_reached_on is None:
        warnings.append(_("这家培育升规企业已标为规上企业，但没有记录入库日期和营收：请补录入库指标，或核对类别。"))
    if company.goal_status == "achieved" and company.goal_reached_on is None:
        warnings.append(_("目标已标为“已达成”，但没有达到目标的指标和日期：请补录指标。"))
    return warnings


def inconsistent_goal_condition():
    """The SQL form of goal_warnings (for lists and counts)."""
    return sa.and_(
        Company.goal_reached_on.is_(None),
        sa.or_(sa.and_(Company.category == "upgrade", Company.is_above_scale.is_(True)),
               Company.goal_status == "achieved"),
    )


def reached_in_year(year: int):
    """Companies with a goal reached in `year` (an EXISTS over their updates)."""
    return sa.exists().where(
        CompanyGoalUpdate.company_id == Company.id,
        CompanyGoalUpdate.reached_on >= date(year, 1, 1),
        CompanyGoalUpdate.reached_on <= date(year, 12, 31),
    )


def reached_this_year_by_category(companies: sa.Select, year: int) -> dict[str, int]:
    """How many of `companies` (a scoped select of Company) reached their goal in `year`, per category (1 query)."""
    scoped = companies.with_only_columns(Company.id).order_by(None).subquery()
    rows = db.session.execute(
        sa.select(Company.category, sa.func.count())
        .where(Company.id.in_(sa.select(scoped.c.id)), reached_in_year(year))
        .group_by(Company.category)
    ).all()
    counts = dict.fromkeys(CATEGORIES, 0)
    counts.update({category: n for category, n in rows})
    return counts
