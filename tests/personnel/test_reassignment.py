"""Moving companies between escorts: history kept, visibility moves at once, bulk and one-step hand-over."""
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.companies.models import Company
from app.core.models import AuditLog
from app.personnel.services import MODE_ROUND_ROBIN, Refused, deactivate_staff, plan_reassignment
from tests.personnel.helpers import assignments, fresh_company, fresh_user, text


def test_reassignment_keeps_history_and_moves_visibility_at_once(login_as, make, db_session):
    old_browser, old = login_as(Role.ESCORT, name="老陪跑员")
    new_browser, new = login_as(Role.ESCORT, name="新陪跑员")
    company = make.company(escort=old, name="杭州移交测试有限公司")
    url = f"/companies/{company.id}"
    assert "杭州移交测试有限公司" in text(old_browser.get("/companies/"))
    assert "更新目标进度" in text(old_browser.get(url))
    assert new_browser.get(url).status_code == 404

    manager_browser, manager = login_as(Role.MANAGER)
    response = manager_browser.post(f"/staff/reassign?escort_id={old.id}", {
        "company_ids": [company.id], "all_matching": "selected", "mode": "one", "target_id": new.id,
        "reason": "片区调整",
    })
    assert response.status_code == 302
    assert "已调整 1 家企业的陪跑员" in text(manager_browser.follow(response))

    # The new escort sees and works on it at once.
    assert "杭州移交测试有限公司" in text(new_browser.get("/companies/"))
    page = text(new_browser.get(url))
    assert "更新目标进度" in page and "新建企业账号" in page
    # The old one lost it at once: gone from the list, every working page is a 404,
    # and the company page is only the read-only history of a company once served.
    assert "杭州移交测试有限公司" not in text(old_browser.get("/companies/"))
    for path in (f"{url}/edit",):
        assert old_browser.get(path).status_code == 404
    for path in (f"{url}/goal", f"{url}/accounts"):
        assert old_browser.post(path, {"goal_status": "achieved"}, form_page="/auth/password").status_code == 404
    past = text(old_browser.get(url))
    assert "曾陪跑（只读）" in past and "更新目标进度" not in past and "新建企业账号" not in past

    rows = assignments(db_session, company)
    assert [(a.escort_id, a.ended_at is None) for a in rows] == [(old.id, False), (new.id, True)]
    assert rows[1].reason == "片区调整" and rows[1].assigned_by_id == manager.id
    assert fresh_company(db_session, company).escort_id == new.id
    history = text(manager_browser.get(url))
    assert "老陪跑员" in history and "新陪跑员" in history and "片区调整" in history


def test_bulk_reassign_all_matching_by_town_in_one_step(login_as, make, db_session):
    town, other_town = make.town(name="所前镇"), make.town(name="河上镇")
    a, b_, target = make.user(role=Role.ESCORT), make.user(role=Role.ESCORT), make.user(role=Role.ESCORT)
    here = [make.company(escort=a, town=town), make.company(escort=b_, town=town), make.company(town=town)]
    elsewhere = make.company(escort=a, town=other_town)
    browser, _ = login_as(Role.MANAGER)
    page = text(browser.get(f"/staff/reassign?town_id={town.id}"))
    assert "全部符合筛选条件的企业（共3家）" in page
    response = browser.post(f"/staff/reassign?town_id={town.id}", {
        "all_matching": "all", "mode": "one", "target_id": target.id, "reason": "所前镇统一由一人负责",
    })
    assert response.status_code == 302
    db_session.expire_all()
    assert {fresh_company(db_session, c).escort_id for c in here} == {target.id}
    assert fresh_company(db_session, elsewhere).escort_id == a.id
    assert len(assignments(db_session, here[0])) == 2


def test_all_matching_without_a_filter_is_refused(login_as, make, db_session):
    a, target = make.user(role=Role.ESCORT), make.user(role=Role.ESCORT)
    company = make.company(escort=a)
    browser, _ = login_as(Role.MANAGER)
    response = browser.post("/staff/reassign", {"all_matching": "all", "mode": "one", "target_id": target.id, "reason": "x"})
    assert "未设置任何筛选条件时不能“全部移交”" in text(response)
    assert fresh_company(db_session, company).escort_id == a.id


def test_bulk_reassign_needs_a_reason_and_a_target(login_as, make, db_session):
    a, target = make.user(role=Role.ESCORT), make.user(role=Role.ESCORT)
    company = make.company(escort=a)
    browser, _ = login_as(Role.MANAGER)
    url = f"/staff/reassign?escort_id={a.id}"
    page = text(browser.post(url, {"company_ids": [company.id], "mode": "one", "target_id": target.id, "reason": ""}))
    assert "请填写调整原因。" in page
    page = text(browser.post(url, {"company_ids": [company.id], "mode": "one", "target_id": 0, "reason": "x"}))
    assert "请选择接手的陪跑员。" in page
    page = text(browser.post(url, {"company_ids": [company.id], "mode": "round_robin", "reason": "x"}))
    assert "请至少勾选一位陪跑员。" in page
    page = text(browser.post(url, {"mode": "one", "target_id": target.id, "reason": "x"}))
    assert "请至少选择一家企业。" in page
    assert fresh_company(db_session, company).escort_id == a.id


def test_an_inactive_escort_cannot_receive_companies(login_as, make, db_session):
    a = make.user(role=Role.ESCORT)
    gone = make.user(role=Role.ESCORT, active=False)
    company = make.company(escort=a)
    browser, _ = login_as(Role.MANAGER)
    page = text(browser.post(f"/staff/reassign?escort_id={a.id}", {
        "company_ids": [company.id], "mode": "one", "target_id": gone.id, "reason": "x"}))
    assert "请选择接手的陪跑员。" in page
    assert fresh_company(db_session, company).escort_id == a.id


def test_selected_companies_outside_the_filter_are_refused(login_as, make, db_session):
    a, other, target = make.user(role=Role.ESCORT), make.user(role=Role.ESCORT), make.user(role=Role.ESCORT)
    mine, not_mine = make.company(escort=a), make.company(escort=other)
    browser, _ = login_as(Role.MANAGER)
    form_page = text(browser.get(f"/staff/reassign?escort_id={a.id}"))
    assert f'id="target-{a.id}"' not in form_page and f'id="target-{target.id}"' in form_page  # not to oneself
    page = text(browser.post(f"/staff/reassign?escort_id={a.id}", {
        "company_ids": [mine.id, not_mine.id], "mode": "one", "target_id": target.id, "reason": "x"}))
    assert "部分所选企业已不在当前筛选结果中" in page
    assert fresh_company(db_session, mine).escort_id == a.id
    assert fresh_company(db_session, not_mine).escort_id == other.id


def test_escorts_cannot_reassign(login_as, make, db_session):
    browser, escort = login_as(Role.ESCORT)
    other = make.user(role=Role.ESCORT)
    company = make.company(escort=escort)
    response = browser.post("/staff/reassign", {
        "company_ids": [company.id], "mode": "one", "target_id": other.id, "reason": "x"}, form_page="/auth/password")
    assert response.status_code == 403
    assert fresh_company(db_session, company).escort_id == escort.id


# ---------------------------------------------------------------- departing escort


def test_deactivating_an_escort_with_companies_is_refused_until_reassigned(login_as, make, db_session):
    escort = make.user(role=Role.ESCORT, name="要离开的陪跑员")
    companies = [make.company(escort=escort) for _ in range(2)]
    browser, manager = login_as(Role.MANAGER)
    page = text(browser.get(f"/staff/{escort.id}/deactivate"))
    assert "名下还有 2 家企业" in page
    assert "移交企业并停用" in page

    # A plain deactivation (no hand-over chosen) changes nothing.
    response = browser.post(f"/staff/{escort.id}/deactivate", {"reason": "离职"})
    assert response.status_code == 200
    assert "请选择接手的陪跑员。" in text(response)
    assert fresh_user(db_session, escort).active is True
    assert {fresh_company(db_session, c).escort_id for c in companies} == {escort.id}

    # Neither does the service.
    with pytest.raises(Refused, match="名下还有 2 家企业"):
        deactivate_staff(fresh_user(db_session, manager), fresh_user(db_session, escort))
    assert fresh_user(db_session, escort).active is True


def test_departing_escort_hands_everything_to_one_escort_in_one_step(login_as, make, db_session):
    escort_browser, escort = login_as(Role.ESCORT)
    target = make.user(role=Role.ESCORT)
    companies = [make.company(escort=escort) for _ in range(3)]
    browser, _ = login_as(Role.MANAGER)
    response = browser.post(f"/staff/{escort.id}/deactivate", {"mode": "one", "target_id": target.id, "reason": "调任"})
    assert response.status_code == 302
    assert "已将 3 家企业移交，并停用" in text(browser.follow(response))
    assert fresh_user(db_session, escort).active is False
    assert {fresh_company(db_session, c).escort_id for c in companies} == {target.id}
    for c in companies:
        rows = assignments(db_session, c)
        assert [a.escort_id for a in rows] == [escort.id, target.id]
        assert rows[0].ended_at is not None and rows[1].reason == "调任"
    assert escort_browser.get("/companies/").headers["Location"].startswith("/auth/login")


def test_departing_escort_round_robin_spreads_evenly_starting_with_the_least_loaded(login_as, make, db_session):
    escort = make.user(role=Role.ESCORT, name="离开者")
    busy = make.user(role=Role.ESCORT, name="忙碌者")
    idle = make.user(role=Role.ESCORT, name="空闲者")
    make.company(escort=busy)
    companies = [make.company(escort=escort, name=f"轮流企业{i}") for i in range(5)]
    browser, _ = login_as(Role.MANAGER)
    response = browser.post(f"/staff/{escort.id}/deactivate", {
        "mode": "round_robin", "target_ids": [busy.id, idle.id], "reason": "离岗"})
    assert response.status_code == 302
    owners = [fresh_company(db_session, c).escort_id for c in companies]
    assert owners == [idle.id, busy.id, idle.id, busy.id, idle.id]
    assert fresh_user(db_session, escort).active is False


def test_departing_escort_cannot_be_their_own_successor(login_as, make, db_session):
    escort = make.user(role=Role.ESCORT)
    company = make.company(escort=escort)
    browser, _ = login_as(Role.MANAGER)
    page = text(browser.get(f"/staff/{escort.id}/deactivate"))
    assert f'value="{escort.id}"' not in page
    response = browser.post(f"/staff/{escort.id}/deactivate", {"mode": "one", "target_id": escort.id, "reason": "x"})
    assert response.status_code == 200
    assert fresh_user(db_session, escort).active is True
    assert fresh_company(db_session, company).escort_id == escort.id


def test_round_robin_plan_differs_by_at_most_one(make):
    targets = [make.user(role=Role.ESCORT) for _ in range(3)]
    companies = [Company(id=i, name=f"企业{i:02d}") for i in range(10)]
    plan = plan_reassignment(companies, targets, MODE_ROUND_ROBIN)
    shares = [sum(1 for _c, t in plan if t is target) for target in targets]
    assert sorted(shares) == [3, 3, 4]
    assert [c.name for c, _t in plan] == sorted(c.name for c in companies)


def test_reassignment_is_audited(login_as, make, db_session):
    a, target = make.user(role=Role.ESCORT), make.user(role=Role.ESCORT)
    company = make.company(escort=a)
    browser, manager = login_as(Role.MANAGER)
    browser.post(f"/staff/reassign?escort_id={a.id}", {
        "company_ids": [company.id], "mode": "one", "target_id": target.id, "reason": "审计"})
    db_session.expire_all()
    actions = db_session.scalars(sa.select(AuditLog.action).where(AuditLog.actor_id == manager.id)).all()
    assert "escort_assigned" in actions and "companies_reassigned" in actions


# ---------------------------------------------------------------- workload


def test_workload_counts_current_companies_per_active_escort(login_as, make, count_queries):
    busy = make.user(role=Role.ESCORT, name="工作量多")
    light = make.user(role=Role.ESCORT, name="工作量少")
    make.user(role=Role.ESCORT, name="已离岗", active=False)
    for _ in range(7):
        make.company(escort=busy)
    make.company(escort=light, goal_status="achieved")
    make.company()  # unassigned
    browser, _ = login_as(Role.MANAGER)
    response = browser.get("/staff/workload")
    page = text(response)
    assert "工作量多" in page and "工作量少" in page and "已离岗" not in page
    assert page.index("工作量多") < page.index("工作量少")  # busiest first
    assert "偏多" in page and "偏少" in page
    assert "尚有 1 家企业未分配陪跑员" in page
    with count_queries() as q:
        browser.get("/staff/workload")
    make.company(escort=make.user(role=Role.ESCORT))
    with count_queries() as q2:
        browser.get("/staff/workload")
    assert q.count == q2.count


def test_unassigned_companies_can_be_assigned_in_bulk(login_as, make, db_session):
    target = make.user(role=Role.ESCORT)
    orphans = [make.company() for _ in range(2)]
    browser, _ = login_as(Role.MANAGER)
    assert all(c.name in text(browser.get("/staff/reassign?escort_id=-1")) for c in orphans)
    response = browser.post("/staff/reassign?escort_id=-1", {
        "all_matching": "all", "mode": "one", "target_id": target.id, "reason": "首次分配"})
    assert response.status_code == 302
    assert {fresh_company(db_session, c).escort_id for c in orphans} == {target.id}
