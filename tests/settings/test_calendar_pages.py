"""The calendar admin pages: coverage warning, single overrides, bulk paste, month grid, access."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.core.models import AuditLog, CalendarOverride
from app.core.workdays import add_working_days, forget_overrides
from app.settings import queries, views

TODAY = date(2026, 11, 29)  # 2026 is in chinesecalendar, 2027 is not
WARNING = "2027 年的法定节假日与调休安排尚未录入"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(queries, "local_today", lambda: TODAY)
    monkeypatch.setattr(views, "local_today", lambda: TODAY)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _overrides(db_session, year):
    db_session.expire_all()
    return db_session.scalars(
        sa.select(CalendarOverride).where(CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarOverride.day)
    ).all()


def test_warning_stays_until_the_year_is_entered_in_one_step(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    page = admin.get("/companies/")
    assert page.status_code == 200
    assert WARNING in _text(page)
    assert "/admin/settings/calendar/bulk" in _text(page)

    # One holiday entered by hand does not make 2027 complete: the warning stays.
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-01-01", "kind": "holiday", "note": "元旦"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/settings/calendar?year=2027&month=1"
    page = admin.follow(response)
    assert "已保存 2027-01-01 的设置" in _text(page)
    assert WARNING in _text(page)

    # The year's arrangement entered in one step clears it.
    response = admin.post("/admin/settings/calendar/bulk", {"year": "2027", "lines": GOOD_2027})
    assert response.status_code == 302
    page = admin.follow(response)
    assert "2027 年已录入" in _text(page)
    assert WARNING not in _text(page)
    assert WARNING not in _text(admin.get("/companies/"))


def test_a_bulk_entry_that_fails_validation_leaves_the_warning(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    response = admin.post("/admin/settings/calendar/bulk", {"year": "2027", "lines": "元旦 放假 2027-13-40"})
    assert response.status_code == 200
    assert WARNING in _text(admin.get("/companies/"))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ESCORT, Role.HELPER])
def test_warning_is_not_shown_to_other_roles(login_as, role):
    b, _ = login_as(role)
    page = b.get("/auth/profile")
    assert page.status_code == 200
    assert WARNING not in _text(page)


def test_warning_also_names_the_current_year_when_it_is_uncovered(app, db_session):
    with app.test_request_context():
        assert queries.calendar_warning(date(2025, 6, 1)) is None  # 2025 and 2026 in the package
        assert "2027 年" in queries.calendar_warning(date(2026, 1, 5))
        message = queries.calendar_warning(date(2027, 3, 1))
    assert "2027、2028 年" in message


def test_warning_costs_one_query_for_admins_and_none_for_others(login_as, count_queries):
    admin, _ = login_as(Role.ADMIN)
    manager, _ = login_as(Role.MANAGER)
    for b, expected in ((admin, 1), (manager, 0)):
        b.get("/auth/profile")
        with count_queries() as q:
            assert b.get("/auth/profile").status_code == 200
        assert sum("FROM settings" in s for s in q.statements) == expected


SETTINGS_PAGES = [
    ("get", "/admin/settings/sla"),
    ("get", "/admin/settings/calendar/new"),
    ("get", "/admin/settings/calendar/bulk"),
    ("post", "/admin/settings/sla"),
    ("post", "/admin/settings/calendar/bulk"),
]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ESCORT, Role.HELPER, Role.COMPANY])
@pytest.mark.parametrize("method,url", SETTINGS_PAGES)
def test_non_admins_get_403_on_settings_pages(login_as, role, method, url):
    b, _ = login_as(role)
    if method == "get":
        response = b.get(url)
    else:
        response = b.post(url, {"year": "2027", "lines": "2027-01-01 休"}, form_page="/auth/profile")
    assert response.status_code == 403


@pytest.mark.parametrize("role,status", [
    (Role.ADMIN, 200), (Role.MANAGER, 200), (Role.ESCORT, 403), (Role.HELPER, 403), (Role.COMPANY, 403),
])
def test_calendar_page_is_readable_by_admins_and_managers(login_as, role, status):
    b, _ = login_as(role)
    response = b.get("/admin/settings/calendar?year=2026&month=10")
    assert response.status_code == status
    if role == Role.MANAGER:
        assert "新增条目" not in _text(response) and "批量录入" not in _text(response)


def test_manager_cannot_edit_or_delete_an_override(login_as, make, db_session):
    override = CalendarOverride(day=date(2027, 1, 1), is_workday=False, note="元旦")
    make._commit(override)
    manager, _ = login_as(Role.MANAGER)
    assert manager.get(f"/admin/settings/calendar/{override.id}/edit").status_code == 403
    response = manager.post(f"/admin/settings/calendar/{override.id}/delete", form_page="/auth/profile")
    assert response.status_code == 403
    assert len(_overrides(db_session, 2027)) == 1


def test_anonymous_is_sent_to_login(browser):
    response = browser.get("/admin/settings/calendar")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_month_grid_shows_workdays_holidays_swaps_and_sources(login_as):
    admin, _ = login_as(Role.ADMIN)
    admin.post("/admin/settings/calendar/new", {"day": "2026-10-09", "kind": "holiday", "note": "区里统一放假"})
    text = _text(admin.get("/admin/settings/calendar?year=2026&month=10"))
    assert "2026年10月" in text

    def cell(day):
        match = re.search(rf'<td class="([^"]*)"\s+data-day="{day}"[^>]*>(.*?)</td>', text, re.S)
        assert match, day
        return match.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2))).strip()

    assert cell("2026-10-01") == ("cal-holiday", "1 休 国庆节 日历包")
    assert cell("2026-10-08") == ("cal-work", "8 工作日 日历包")
    assert cell("2026-10-09") == ("cal-holiday cal-by-override", "9 休 区里统一放假 人工")
    assert cell("2026-10-10") == ("cal-swap", "10 班 国庆节调休上班 日历包")
    assert cell("2026-10-11") == ("cal-weekend", "11 休 日历包")

    text = _text(admin.get("/admin/settings/calendar?year=2027&month=1"))
    assert cell("2027-01-01") == ("cal-work", "1 工作日 周末规则")
    assert cell("2027-01-02") == ("cal-weekend", "2 休 周末规则")


def test_add_edit_delete_an_override_is_audited(login_as, db_session):
    admin, user = login_as(Role.ADMIN)
    admin.post("/admin/settings/calendar/new", {"day": "2027-02-06", "kind": "workday", "note": "春节调休"})
    [override] = _overrides(db_session, 2027)
    assert (override.day, override.is_workday, override.note) == (date(2027, 2, 6), True, "春节调休")

    # a day that is not a date, or far away, is refused
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-13-01", "kind": "holiday"})
    assert response.status_code == 200 and "invalid-feedback" in _text(response)
    response = admin.post("/admin/settings/calendar/new", {"day": "1999-05-01", "kind": "holiday"})
    assert response.status_code == 200 and "请填写 2000–2100 年之间的日期" in _text(response)

    # the same day again is refused with a clear message
    response = admin.post("/admin/settings/calendar/new", {"day": "2027-02-06", "kind": "holiday"})
    assert response.status_code == 200 and "这一天已有设置" in _text(response)

    edit_url = f"/admin/settings/calendar/{override.id}/edit"
    form = _text(admin.get(edit_url))
    assert 'value="2027-02-06"' in form and "春节调休" in form
    response = admin.post(edit_url, {"day": "2027-02-06", "kind": "holiday", "note": "改为放假"})
    assert response.status_code == 302
    [override] = _overrides(db_session, 2027)
    assert (override.is_workday, override.note) == (False, "改为放假")

    response = admin.post(f"/admin/settings/calendar/{override.id}/delete", form_page="/admin/settings/calendar?year=2027")
    assert response.status_code == 302
    assert "已删除 2027-02-06 的设置" in _text(admin.follow(response))
    assert _overrides(db_session, 2027) == []

    actions = db_session.scalars(
        sa.select(AuditLog.action).where(AuditLog.actor_id == user.id, AuditLog.object_type == "calendar_overrides")
        .order_by(AuditLog.id)
    ).all()
    assert actions == ["calendar_override_created", "calendar_override_updated", "calendar_override_deleted"]


GOOD_2027 = """# 2027 年放假安排
2027-01-01 休 元旦
2027-02-06 班 春节调休
2027-02-10..2027-02-16 休 春节
2027-10-01～2027-10-07 休 国庆节
2027-10-09 班
"""


def test_bulk_paste_writes_all_lines(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    response = admin.post("/admin/settings/calendar/bulk", {"year": "2027", "lines": GOOD_2027})
    assert response.status_code == 302
    page = _text(admin.follow(response))
    assert "2027 年已录入：新增 17 条" in page
    assert WARNING not in page
    rows = _overrides(db_session, 2027)
    assert len(rows) == 17
    assert {(r.day, r.is_workday) for r in rows} >= {(date(2027, 2, 6), True), (date(2027, 10, 7), False),
                                                     (date(2027, 10, 9), True)}
    forget_overrides()
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)


def test_bulk_paste_with_a_bad_line_writes_nothing(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    lines = ("2027-01-01 休 元旦\n2027-02-30 休\n2027-10-01..2027-10-07 休\n2027-10-09 调休\n2026-12-31 休\n"
             "2027-10-05 休\n2027/10/11 放假 周一\n27-10-12 休\n2027-10-13\n2027-10-20..2027-10-18 休\n国庆 休")
    response = admin.post("/admin/settings/calendar/bulk", {"year": "2027", "lines": lines})
    assert response.status_code == 200
    text = _text(response)
    assert "第2行：日期“2027-02-30”不存在" in text
    assert "第4行：“调休”含义不明确" in text
    assert "第5行：日期不在 2027 年内" in text
    assert "第6行：2027-10-05 已在第3行出现" in text
    assert "第8行：日期“27-10-12”无效，请写成 2027-01-01 的格式" in text
    assert "第9行：缺少类型" in text
    assert "第10行：起始日期晚于结束日期" in text
    assert "第11行：格式不正确" in text
    assert "第1行" not in text and "第3行：" not in text and "第7行" not in text  # valid lines pass
    assert _overrides(db_session, 2027) == []
    assert WARNING in text


def test_bulk_paste_replace_drops_unlisted_days(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    admin.post("/admin/settings/calendar/bulk", {"year": "2027", "lines": GOOD_2027})
    response = admin.post("/admin/settings/calendar/bulk",
                          {"year": "2027", "lines": "2027-01-01 休 元旦\n2027-01-04 班", "replace": "y"})
    assert "新增 1 条，更新 0 条，未变 1 条，删除 16 条" in _text(admin.follow(response))
    assert [(r.day, r.is_workday) for r in _overrides(db_session, 2027)] == [
        (date(2027, 1, 1), False), (date(2027, 1, 4), True)]
