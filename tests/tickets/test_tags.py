"""Tags (标签) on problems, used like staff use them: add and remove on the problem's page, filter the list,
the tag page with counts; companies and staff outside the problem's scope cannot touch them."""
import html
import re

import sqlalchemy as sa

from app.core.models import AuditLog
from app.tickets.models import TicketTag
from tests.tickets.helpers import World


def text(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.get_data(as_text=True))


def numbers(page: str) -> set[str]:
    return set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', page))


def tags_of(session, ticket) -> list[str]:
    return list(session.scalars(sa.select(TicketTag.name).where(TicketTag.ticket_id == ticket.id)
                                .order_by(TicketTag.name)))


def test_staff_tag_a_problem_and_find_it_by_the_tag(make, browser):
    world = World(make)
    labour = world.new_ticket(title="一线用工缺口大")
    other = world.new_ticket(title="融资担保难")
    assert browser.login(world.manager.username).status_code == 302
    page = f"/tickets/{labour.id}"
    assert "暂无标签。" in text(browser.get(page))
    # Full-width letters, spaces and capitals are normalised: "ＡＢＣ  用工" is "abc 用工".
    response = browser.post(f"{page}/tags", {"name": "  ＡＢＣ  用工 "}, form_page=page)
    assert response.status_code == 302
    assert "已添加标签“abc 用工”。" in text(browser.follow(response))
    browser.post(f"{page}/tags", {"name": "招工"}, form_page=page)
    browser.post(f"{page}/tags", {"name": "abc 用工"}, form_page=page)  # again: no second row
    assert tags_of(make.session, labour) == ["abc 用工", "招工"]

    listed = text(browser.get("/tickets/?tag=招工"))
    assert numbers(listed) == {labour.number}
    assert 'value="招工"' in listed  # the condition stays in the box
    assert numbers(text(browser.get("/tickets/?tag=ABC 用工"))) == {labour.number}  # normalised like the tag
    assert numbers(text(browser.get("/tickets/?tag=招工&status=submitted"))) == {labour.number}
    assert numbers(text(browser.get("/tickets/?tag=招工&status=closed"))) == set()
    assert numbers(text(browser.get("/tickets/?tag=招工&q=融资"))) == set()
    assert numbers(text(browser.get("/tickets/"))) == {labour.number, other.number}

    counts = text(browser.get("/tickets/tags"))
    assert re.search(r">招工</a></td><td class=\"text-end\">1<", counts)

    response = browser.post(f"{page}/tags/remove", {"name": "招工"}, form_page=page)
    assert "已删除标签“招工”。" in text(browser.follow(response))
    assert tags_of(make.session, labour) == ["abc 用工"]
    assert numbers(text(browser.get("/tickets/?tag=招工"))) == set()
    actions = make.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "tickets", AuditLog.object_id == labour.id,
        AuditLog.action.like("ticket_tag_%"), AuditLog.actor_id == world.manager.id)).all()
    assert sorted(actions) == ["ticket_tag_add", "ticket_tag_add", "ticket_tag_remove"]


def test_bad_tags_are_refused_in_chinese_and_keep_the_typed_text(make, browser):
    world = World(make)
    ticket = world.new_ticket()
    assert browser.login(world.escort.username).status_code == 302
    page = f"/tickets/{ticket.id}"
    body = text(browser.post(f"{page}/tags", {"name": "   "}, form_page=page), 400)
    assert "请填写标签。" in body
    long = "研发费用加计扣除政策兑现问题需要跨部门协调"  # 21 characters
    body = text(browser.post(f"{page}/tags", {"name": long}, form_page=page), 400)
    assert "标签最多 20 个字。" in body and f'value="{long}"' in body
    body = text(browser.post(f"{page}/tags", {"name": "x" * 500}, form_page=page), 400)
    assert "标签最多 20 个字。" in body
    assert "不能包含控制字符或逗号" in text(browser.post(f"{page}/tags", {"name": "用工，融资"}, form_page=page), 400)
    for i in range(10):
        browser.post(f"{page}/tags", {"name": f"标签{i}"}, form_page=page)
    assert "每个问题最多 10 个标签。" in text(browser.post(f"{page}/tags", {"name": "再一个"}, form_page=page), 409)
    assert "该问题没有这个标签。" in text(browser.post(f"{page}/tags/remove", {"name": "没有"}, form_page=page), 404)
    # Without the CSRF token nothing is written.
    assert browser.post(f"{page}/tags", {"name": "无令牌"}, csrf=False).status_code == 400
    assert "无令牌" not in tags_of(make.session, ticket)
    assert len(tags_of(make.session, ticket)) == 10


def test_companies_and_staff_outside_the_scope_cannot_see_or_touch_tags(make, app, login_as):
    world = World(make)
    ticket = world.new_ticket()
    world.act(world.manager, ticket, "dispatch", department_id=world.department.id)
    from app.tickets import tags

    tags.add_tag(world.manager, ticket, "内部标签")
    make.session.commit()
    from tests.conftest import Browser

    company = Browser(app.test_client())
    assert company.login(world.company_user.username).status_code == 302
    assert company.post(f"/tickets/{ticket.id}/tags", {"name": "企业加的"},
                        form_page="/portal/").status_code in (403, 404)
    assert company.post(f"/tickets/{ticket.id}/tags/remove", {"name": "内部标签"},
                        form_page="/portal/").status_code in (403, 404)
    assert company.get("/tickets/tags").status_code == 403
    assert "内部标签" not in company.get(f"/portal/problems/{ticket.id}").get_data(as_text=True)

    other = Browser(app.test_client())
    assert other.login(world.other_helper.username).status_code == 302
    assert other.post(f"/tickets/{ticket.id}/tags", {"name": "外部门"}, form_page="/tickets/").status_code == 404
    assert other.post(f"/tickets/{ticket.id}/tags/remove", {"name": "内部标签"},
                      form_page="/tickets/").status_code == 404
    assert "内部标签" not in other.get("/tickets/tags").get_data(as_text=True)  # counts are scoped
    assert numbers(text(other.get("/tickets/?tag=内部标签"))) == set()
    assert tags_of(make.session, ticket) == ["内部标签"]

    helper = Browser(app.test_client())
    assert helper.login(world.helper.username).status_code == 302
    assert "内部标签" in text(helper.get("/tickets/tags"))
    response = helper.post(f"/tickets/{ticket.id}/tags", {"name": "部门加的"}, form_page=f"/tickets/{ticket.id}")
    assert response.status_code == 302
    assert tags_of(make.session, ticket) == ["内部标签", "部门加的"]
