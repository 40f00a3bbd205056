"""Goals measured, with history: each category's indicator and reached date, every update kept with who
and when, the yearly count per category on the dashboard (linking to the firms), and inconsistent
records flagged to the escort."""
import html
import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.models import Role
from app.companies.models import Company, CompanyGoalUpdate
from app.core.timeutil import local_today


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squash(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def post_goal(browser, company, **fields):
    url = f"/companies/{company.id}"
    data = {"goal_status": "in_progress", "goal_updated_on": local_today().isoformat(), **fields}
    return browser.post(f"{url}/goal", {k: str(v) for k, v in data.items()}, form_page=url)


def fresh(db_session, company) -> Company:
    db_session.expire_all()
    return db_session.get(Company, company.id)


def updates(db_session, company) -> list[CompanyGoalUpdate]:
    return db_session.scalars(sa.select(CompanyGoalUpdate).where(CompanyGoalUpdate.company_id == company.id)
                              .order_by(CompanyGoalUpdate.id)).all()


def test_upgrade_every_update_is_kept_and_entering_the_database_is_the_goal(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    company = make.company(escort=escort, category="upgrade", name="杭州升规测试有限公司")
    today = local_today()
    assert post_goal(browser, company, goal_note="已对接统计部门，准备申报").status_code == 302
    # Revenue below 2,000 万元 with a date: recorded, not reached.
    post_goal(browser, company, goal_note="营收未达标", entered_on=today.isoformat(), revenue="1800")
    assert fresh(db_session, company).goal_reached_on is None
    entered = today - timedelta(days=3)
    response = post_goal(browser, company, goal_status="achieved", goal_note="已入库",
                         entered_on=entered.isoformat(), revenue="2350.50")
    assert "已达到目标" in text(browser.follow(response))
    stored = fresh(db_session, company)
    assert (stored.goal_reached_on, stored.is_above_scale, float(stored.annual_revenue)) == (entered, True, 2350.5)
    rows = updates(db_session, company)
    assert [(u.status, u.note, u.reached_on) for u in rows] == [
        ("in_progress", "已对接统计部门，准备申报", None), ("in_progress", "营收未达标", None),
        ("achieved", "已入库", entered)]
    assert all(u.actor_id == escort.id for u in rows)
    # The page shows the whole history: the first note is not erased by the later ones.
    page = squash(text(browser.get(f"/companies/{company.id}")))
    assert "已对接统计部门，准备申报" in page and "营收未达标" in page and "已入库" in page
    assert f"入库日期 {entered.isoformat()}，年主营业务收入 2350.50 万元" in page
    # One without the other is refused.
    response = post_goal(browser, company, entered_on=today.isoformat())
    assert "目标进度未保存" in text(response) and "填写入库日期时请同时填写年主营业务收入" in text(response)
    assert len(updates(db_session, company)) == 3


def test_specialized_ladder_spin_off_and_yearly_targets(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    ladder = make.company(escort=escort, category="specialized", specialized_tier="tech_sme")
    day = local_today() - timedelta(days=1)
    post_goal(browser, ladder, tier="specialized_sme", tier_on=day.isoformat())
    stored = fresh(db_session, ladder)
    assert (stored.specialized_tier, stored.goal_reached_on) == ("specialized_sme", day)
    post_goal(browser, ladder, tier="tech_sme", tier_on=day.isoformat())  # not a step up
    assert updates(db_session, ladder)[-1].reached_on is None
    assert fresh(db_session, ladder).specialized_tier == "specialized_sme"

    spin = make.company(escort=escort, category="spin_off")
    post_goal(browser, spin, entity_on=day.isoformat())
    assert fresh(db_session, spin).goal_reached_on == day

    # new_force / eaglet: the admin's yearly revenue-growth target (20% by default).
    fast = make.company(escort=escort, category="new_force")
    post_goal(browser, fast, year=day.year, growth="15")
    assert fresh(db_session, fast).goal_reached_on is None
    assert updates(db_session, fast)[-1].indicator["target"] == 20
    # The administrator sets this year's target (the escort may not).
    assert browser.get("/admin/settings/goals").status_code == 403
    admin_browser, _admin = login_as(Role.ADMIN)
    assert admin_browser.get("/admin/settings/goals").status_code == 200
    response = admin_browser.post("/admin/settings/goals", {"new_force": "12", "eaglet": "30"})
    assert "年度目标已保存。" in text(admin_browser.follow(response))
    assert admin_browser.post("/admin/settings/goals", {"new_force": "-1", "eaglet": "30"}).status_code == 400
    post_goal(browser, fast, year=day.year, growth="15", goal_updated_on=day.isoformat())
    assert fresh(db_session, fast).goal_reached_on == day
    assert updates(db_session, fast)[-1].indicator == {"year": day.year, "growth": "15", "target": 12}


def test_the_dashboard_counts_firms_that_reached_their_goal_this_year(login_as, make, db_session):
    browser, manager = login_as(Role.MANAGER)
    year = local_today().year
    upgraded = [make.company(category="upgrade", name=f"杭州入库{i}有限公司") for i in range(2)]
    waiting = make.company(category="upgrade", name="杭州未入库有限公司")
    last_year = make.company(category="upgrade", name="杭州去年入库有限公司")
    for company in upgraded:
        post_goal(browser, company, goal_status="achieved", entered_on=local_today().isoformat(), revenue="2100")
    # Two steps in one year count the company once.
    post_goal(browser, upgraded[0], goal_status="achieved", entered_on=local_today().isoformat(), revenue="2600")
    db_session.add(CompanyGoalUpdate(company_id=last_year.id, status="achieved", progress_on=date(year - 1, 6, 1),
                                     reached_on=date(year - 1, 6, 1), indicator={}))
    db_session.commit()
    page = squash(text(browser.get("/dashboard")))
    assert f"{year}年目标达成" in page and re.search(r"培育升规企业 · 跑入库 2 家", page), page
    raw = browser.get("/dashboard").get_data(as_text=True)
    assert f'href="/companies/?category=upgrade&amp;reached_year={year}"' in raw
    listed = text(browser.get(f"/companies/?category=upgrade&reached_year={year}"))
    assert all(c.name in listed for c in upgraded) and waiting.name not in listed and last_year.name not in listed
    assert f"只显示 {year} 年达到目标的企业" in listed


def test_inconsistent_records_are_flagged_to_the_escort(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    already = make.company(escort=escort, category="upgrade", is_above_scale=True, name="杭州已规上有限公司")
    claimed = make.company(escort=escort, category="eaglet", goal_status="achieved", name="杭州只标达成有限公司")
    fine = make.company(escort=escort, category="upgrade", name="杭州正常企业有限公司")
    page = text(browser.get(f"/companies/{already.id}"))
    assert "这家培育升规企业已标为规上企业，但没有记录入库日期和营收" in page
    assert "目标已标为“已达成”，但没有达到目标的指标和日期" in text(browser.get(f"/companies/{claimed.id}"))
    assert "goal-warning" not in text(browser.get(f"/companies/{fine.id}"))
    home = text(browser.get("/home"))
    assert "2 家企业的目标记录需要核对" in home
    listed = text(browser.get("/companies/?goal_check=1"))
    assert already.name in listed and claimed.name in listed and fine.name not in listed
    # Recording the 入库 clears the flag.
    post_goal(browser, already, goal_status="achieved", entered_on=local_today().isoformat(), revenue="2001")
    assert "1 家企业的目标记录需要核对" in text(browser.get("/home"))
