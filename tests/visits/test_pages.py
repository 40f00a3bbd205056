"""The visit pages as an escort uses them on a phone, and who may open what."""
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import local_today
from app.tickets.models import Ticket
from app.visits.models import Visit, VisitPhoto
from tests.visits.helpers import PDF, PNG, log_visit, text


@pytest.fixture
def escort_world(make, login_as):
    b, escort = login_as("escort")
    company = make.company(escort=escort, name="杭州萧山精密机械有限公司")
    return b, escort, company


def form_fields(**extra) -> dict:
    data = {
        "visited_on": local_today().isoformat(), "mode": "on_site", "participants": "总经理王强",
        "summary": "走访车间，二季度订单增长。", "company_status": "产值稳定", "next_step": "协调用工",
    }
    for i in range(3):
        data.update({f"problems-{i}-title": "", f"problems-{i}-category": "", f"problems-{i}-description": ""})
    data.update(extra)
    return data


def count(session, model, *where):
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_escort_logs_a_visit_with_two_problems_from_the_company_page(escort_world, db_session):
    b, escort, company = escort_world
    page = text(b.get(f"/companies/{company.id}"))
    assert f'href="/visits/new?company_id={company.id}"' in page and "记录走访" in page
    form = text(b.get(f"/visits/new?company_id={company.id}"))
    # Phone-first: viewport set, one column, one empty problem row and "＋ 添加问题", big controls.
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in form
    assert "visit-form-wrap" in form and "form-control-lg" in form and "btn-lg w-100" in form
    assert len(re.findall(r'name="problems-\d+-title"', form)) == 1 and "＋ 添加问题" in form
    assert f'value="{local_today().isoformat()}"' in form
    assert re.search(r'id="mode-0"[^>]*checked|checked[^>]*id="mode-0"', form)  # 实地走访 preselected
    # Required fields marked, optional ones say so; the date rule sits by the date, not below the save button.
    for name in ("visited_on", "summary", "problems-0-title", "problems-0-category"):
        assert re.search(rf'<label[^>]*for="{name}">[^<]*<span class="text-danger required-mark"', form), name
    for name in ("problems-0-description", "photos", "participants", "company_status", "next_step"):
        assert re.search(rf'<label[^>]*for="{name}">[^<]*<span class="fw-normal text-muted optional-mark">（可选）', form), name
    assert form.index("最多补记 90 天内的走访") < form.index('id="mode-fieldset"') < form.index('name="submit"')
    # Participants, company status and next step are folded under 更多, closed while empty.
    more = form[form.index('<details class="mb-3 more-fields"'):form.index("</details>", form.index("more-fields"))]
    assert 'name="participants"' in more and 'name="next_step"' in more and "more-fields\" open" not in form
    # The draft script is the app's own file.
    assert '<script src="/static/js/visit_form.js" defer></script>' in form
    data = form_fields(**{
        "problems-0-title": "技术工人招聘难", "problems-0-category": "labour", "problems-0-description": "缺数控工20人。",
        "problems-2-title": "厂房租金补贴未兑现", "problems-2-category": "policy", "problems-2-description": "去年的补贴未到账。",
        "problems-2-urgent": "y",
    })
    response = b.post(f"/visits/new?company_id={company.id}", data)
    assert response.status_code == 302
    detail = text(b.follow(response))
    assert "走访记录已保存，提出的 2 个问题已生成工单。" in detail
    visit = db_session.scalars(sa.select(Visit).where(Visit.company_id == company.id)).one()
    tickets = db_session.scalars(sa.select(Ticket).where(Ticket.visit_id == visit.id).order_by(Ticket.id)).all()
    assert [(t.title, t.source, t.urgency) for t in tickets] == [
        ("技术工人招聘难", "visit", "ordinary"), ("厂房租金补贴未兑现", "visit", "urgent")]
    for t in tickets:
        assert t.number in detail and f'href="/tickets/{t.id}"' in detail
    assert "走访车间，二季度订单增长。" in detail and "实地走访" in detail


def test_add_problem_button_adds_a_row_and_keeps_what_was_typed(escort_world, db_session):
    b, escort, company = escort_world
    data = form_fields(**{"problems-0-title": "融资需求", "problems-0-category": "financing",
                          "problems-0-description": "需要500万流动资金贷款。", "add_problem": "再添加一个问题"})
    data["summary"] = "与财务总监座谈。"
    response = b.post(f"/visits/new?company_id={company.id}", data)
    page = text(response)
    assert response.status_code == 200
    assert len(re.findall(r'name="problems-\d+-title"', page)) == 4
    assert "与财务总监座谈。" in page and 'value="融资需求"' in page and "需要500万流动资金贷款。" in page
    assert re.search(r'id="problems-3-title"[^>]*autofocus|autofocus[^>]*id="problems-3-title"', page)
    assert count(db_session, Visit) == 0  # adding a row saves nothing


def test_half_filled_problem_row_shows_the_row_and_keeps_the_text(escort_world, db_session):
    b, escort, company = escort_world
    data = form_fields(**{"problems-0-title": "物流成本高", "problems-1-title": "用地指标", "problems-1-category": "land",
                          "problems-1-description": "扩建需要20亩。"})
    response = b.post(f"/visits/new?company_id={company.id}", data)
    page = text(response)
    assert response.status_code == 400
    # A title and a category are all a problem needs (the description defaults to the title).
    assert "第1个问题：请选择问题类别。" in page and "第1个问题：请描述遇到的问题。" not in page
    assert 'value="物流成本高"' in page and "扩建需要20亩。" in page
    assert count(db_session, Visit) == 0 and count(db_session, Ticket) == 0


def test_photo_refusal_keeps_the_typed_text_and_saves_nothing(escort_world, db_session):
    b, escort, company = escort_world
    data = form_fields(**{"problems-0-title": "审批慢", "problems-0-category": "approval",
                          "problems-0-description": "环评审批三个月未批。"})
    data["summary"] = "现场查看新生产线。"
    data["photos"] = [(io.BytesIO(PNG), "车间.png"), (io.BytesIO(PDF), "合同.pdf")]
    response = b.post(f"/visits/new?company_id={company.id}", data, content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 400
    assert "“合同.pdf”不是照片：只能上传 JPG 或 PNG 图片。" in page
    assert "请重新选择照片" in page
    assert "现场查看新生产线。" in page and 'value="审批慢"' in page and "环评审批三个月未批。" in page
    assert count(db_session, Visit) == 0 and count(db_session, Ticket) == 0 and count(db_session, VisitPhoto) == 0


def test_photo_with_wrong_content_is_refused(escort_world, db_session):
    b, escort, company = escort_world
    data = form_fields(photos=[(io.BytesIO(PDF), "现场.jpg")])
    response = b.post(f"/visits/new?company_id={company.id}", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "“现场.jpg”的内容与扩展名不符" in text(response)
    assert count(db_session, Visit) == 0


def test_photos_are_stored_shown_and_permission_checked(escort_world, app, make, login_as, db_session):
    b, escort, company = escort_world
    data = form_fields(photos=[(io.BytesIO(PNG), "车间.png")])
    response = b.post(f"/visits/new?company_id={company.id}", data, content_type="multipart/form-data")
    assert response.status_code == 302
    visit = db_session.scalars(sa.select(Visit)).one()
    photo = db_session.scalars(sa.select(VisitPhoto)).one()
    assert photo.filename == "车间.png" and photo.content_type == "image/png" and photo.stored_name != "车间.png"
    url = f"/visits/{visit.id}/photos/{photo.id}"
    assert url in text(b.get(f"/visits/{visit.id}"))
    shown = b.client.get(url)
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert b.client.get(url + "?download=1").headers["Content-Disposition"].startswith("attachment")
    manager_browser, _manager = login_as("manager")
    assert manager_browser.client.get(url).status_code == 200
    other_browser, _other = login_as("escort")
    assert other_browser.get(url).status_code == 404
    helper_browser, _helper = login_as("helper")
    assert helper_browser.get(url).status_code == 404
    assert b.get(f"/visits/{visit.id}/photos/{photo.id + 999}").status_code == 404


@pytest.mark.parametrize("role,status", [("escort", 200), ("manager", 200), ("admin", 200), ("helper", 403),
                                         ("company", 403)])
def test_visit_list_access(login_as, role, status):
    b, _user = login_as(role)
    assert b.get("/visits/").status_code == status
    assert b.get("/visits/unvisited").status_code == status
    assert b.client.get("/visits/export.xlsx").status_code == status


@pytest.mark.parametrize("role,status", [("other_escort", 404), ("manager", 403), ("admin", 403), ("helper", 404),
                                         ("company", 404)])
def test_only_the_current_escort_opens_the_visit_form(make, login_as, role, status):
    escort = make.user(role="escort")
    company = make.company(escort=escort)
    b, _user = login_as("escort" if role == "other_escort" else role)
    assert b.get(f"/visits/new?company_id={company.id}").status_code == status
    response = b.post(f"/visits/new?company_id={company.id}", form_fields(), form_page="/auth/login")
    assert response.status_code == status


def test_company_page_shows_the_button_only_to_the_current_escort(make, login_as):
    escort = make.user(role="escort")
    company = make.company(escort=escort)
    b, _manager = login_as("manager")
    page = text(b.get(f"/companies/{company.id}"))
    assert "/visits/new?company_id=" not in page
    assert f"/visits/?company_id={company.id}" in page  # the visits of this company


def test_visit_scope_in_list_and_detail(make, login_as, db_session):
    b, escort = login_as("escort")
    mine = make.company(escort=escort, name="我的企业甲")
    other_escort = make.user(role="escort")
    theirs = make.company(escort=other_escort, name="别人的企业乙")
    today = local_today()
    my_visit = log_visit(db_session, escort, mine, on=today, summary="我的走访摘要")
    their_visit = log_visit(db_session, other_escort, theirs, on=today, summary="别人的走访摘要")
    page = text(b.get("/visits/"))
    assert "我的走访摘要" in page and "别人的走访摘要" not in page
    assert b.get(f"/visits/{my_visit.id}").status_code == 200
    assert b.get(f"/visits/{their_visit.id}").status_code == 404
    manager_browser, _m = login_as("manager")
    page = text(manager_browser.get("/visits/"))
    assert "我的走访摘要" in page and "别人的走访摘要" in page
    filtered = text(manager_browser.get(f"/visits/?escort_id={other_escort.id}"))
    assert "别人的走访摘要" in filtered and "我的走访摘要" not in filtered


def test_escort_keeps_read_access_to_visits_they_made_after_handover(make, login_as, db_session):
    from app.companies.services import assign_escort

    b, escort = login_as("escort")
    company = make.company(escort=escort)
    visit = log_visit(db_session, escort, company, on=local_today())
    assign_escort(None, company, make.user(role="escort"), "调整分工")
    db_session.commit()
    page = b.get(f"/visits/{visit.id}")
    assert page.status_code == 200
    assert "再记录一次走访" not in text(page)
    assert b.get(f"/visits/new?company_id={company.id}").status_code == 404


def test_list_filters_by_mode_and_date(escort_world, db_session):
    b, escort, company = escort_world
    today = local_today()
    log_visit(db_session, escort, company, on=today, mode="phone", summary="电话回访订单情况")
    log_visit(db_session, escort, company, on=today - timedelta(days=20), today=today, summary="二十天前实地走访")
    assert "电话回访订单情况" not in text(b.get("/visits/?mode=on_site"))
    recent = text(b.get(f"/visits/?date_from={(today - timedelta(days=5)).isoformat()}"))
    assert "电话回访订单情况" in recent and "二十天前实地走访" not in recent
    bad = b.get("/visits/?date_from=2026-02-31")
    assert bad.status_code == 200 and "日期格式应为 YYYY-MM-DD。" in text(bad)


def test_nav_has_visits_for_staff_who_visit(login_as):
    b, _escort = login_as("escort")
    assert 'href="/visits/"' in text(b.get("/visits/"))
    helper, _h = login_as("helper")
    assert 'href="/visits/"' not in text(helper.get("/companies/"))


def test_new_without_company_lists_the_escorts_companies(escort_world, make):
    b, escort, company = escort_world
    make.company(escort=make.user(role="escort"), name="不是我的企业")
    page = text(b.get("/visits/new"))
    assert company.name in page and "不是我的企业" not in page and "从未走访" in page
