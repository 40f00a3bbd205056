"""Bulk actions on the problem list (managers, admins): tick problems on the page, then 督办 (each through the
single supervise action, checked one by one; what was skipped is listed with the reason), 添加标签 and
导出所选. Other roles see no checkboxes and are refused; a bad request changes nothing and keeps the filters."""
import html
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.tickets import tags
from app.tickets.models import Ticket, TicketEvent, TicketTag
from tests.conftest import Browser
from tests.tickets.helpers import World


def text(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.get_data(as_text=True))


def browser_for(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def supervision(session, ticket) -> str | None:
    session.expire_all()
    return session.scalar(sa.select(Ticket.supervision).where(Ticket.id == ticket.id))


def tags_of(session, ticket) -> list[str]:
    return list(session.scalars(sa.select(TicketTag.name).where(TicketTag.ticket_id == ticket.id)
                                .order_by(TicketTag.name)))


@pytest.fixture
def world(make):
    return World(make)


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_supervises_the_ticked_problems_and_sees_what_was_skipped_and_why(world, make, app, role):
    open_one = world.ticket_in("dispatched")
    another = world.ticket_in("accepted")
    closed = world.ticket_in("closed")
    flagged = world.ticket_in("in_progress")
    world.act(world.manager, flagged, "supervise", level="flagged")
    b = browser_for(app, getattr(world, role))

    page = text(b.get("/tickets/?status="))
    assert 'id="bulk-form"' in page and 'id="bulk-all"' in page and "全选本页" in page
    assert page.count('name="ids"') == 4  # one box per problem on the page (desktop table)
    response = b.post("/tickets/bulk", {"op": "supervise", "level": "supervise", "back": "status=",
                                        "ids": [open_one.id, closed.id, flagged.id, another.id]},
                      form_page="/tickets/")
    page = text(response)
    assert "督办（督办）：成功 2 个，跳过 2 个。" in page
    assert f"{closed.number}：当前状态为“已办结”，不能督办" in page
    assert f"{flagged.number}：已是挂牌督办" in page
    assert supervision(make.session, open_one) == "supervise" and supervision(make.session, another) == "supervise"
    assert supervision(make.session, closed) is None and supervision(make.session, flagged) == "flagged"
    # The same action as on the problem's page: a timeline event each, by this manager.
    events = make.session.scalars(sa.select(TicketEvent.ticket_id).where(
        TicketEvent.kind == "supervise", TicketEvent.ticket_id != flagged.id)).all()
    assert sorted(events) == sorted([open_one.id, another.id])

    # Again at the same level: refused for each by the service's own rule, nothing changes.
    page = text(b.post("/tickets/bulk", {"op": "supervise", "level": "supervise", "ids": [open_one.id]},
                       form_page="/tickets/"))
    assert "成功 0 个，跳过 1 个。" in page and "只能提升督办级别" in page


def test_a_manager_tags_the_ticked_problems_and_one_with_ten_tags_is_skipped(world, make, app):
    first, second, full = world.ticket_in("submitted"), world.ticket_in("dispatched"), world.ticket_in("accepted")
    for i in range(10):
        tags.add_tag(world.manager, full, f"标签{i}")
    make.session.commit()
    b = browser_for(app, world.manager)
    page = text(b.post("/tickets/bulk", {"op": "tag", "tag": " 用电 ", "ids": [first.id, second.id, full.id]},
                       form_page="/tickets/"))
    assert "添加标签“用电”：成功 2 个，跳过 1 个。" in page and f"{full.number}：每个问题最多 10 个标签。" in page
    assert tags_of(make.session, first) == ["用电"] and tags_of(make.session, second) == ["用电"]
    assert "用电" not in tags_of(make.session, full)

    # A bad tag: the message, the typed tag and the ticked boxes are all still there; nothing is tagged.
    page = text(b.post("/tickets/bulk", {"op": "tag", "tag": "用电，融资", "ids": [first.id], "back": "tag=用电"},
                       form_page="/tickets/"), 400)
    assert "标签不能包含控制字符或逗号。" in page and 'value="用电，融资"' in page
    assert f'value="{first.id}" form="bulk-form" checked' in page
    assert 'name="tag" type="text" value="用电"' in page  # the list's own filter is kept too
    assert tags_of(make.session, first) == ["用电"]


def test_a_manager_exports_only_the_ticked_problems(world, make, app):
    picked, also, left = world.ticket_in("submitted"), world.ticket_in("closed"), world.ticket_in("dispatched")
    b = browser_for(app, world.manager)
    response = b.post("/tickets/bulk", {"op": "export", "ids": [also.id, picked.id]}, form_page="/tickets/")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and sorted(r[0] for r in rows[1:]) == sorted([picked.number, also.number])
    assert left.number not in {r[0] for r in rows}


def test_no_selection_too_many_or_no_csrf_change_nothing(world, make, app):
    ticket = world.ticket_in("dispatched")
    b = browser_for(app, world.manager)
    page = text(b.post("/tickets/bulk", {"op": "supervise", "level": "supervise", "back": "status=dispatched"},
                       form_page="/tickets/"), 400)
    assert "请先勾选要处理的问题。" in page and '<option selected value="dispatched">' in page
    page = text(b.post("/tickets/bulk", {"op": "supervise", "level": "supervise",
                                         "ids": [ticket.id] + list(range(10**6, 10**6 + 100))},
                       form_page="/tickets/"), 400)
    assert "一次最多选择 100 个问题。" in page
    assert text(b.post("/tickets/bulk", {"op": "close_all", "ids": [ticket.id]}, form_page="/tickets/"), 400)
    assert b.post("/tickets/bulk", {"op": "supervise", "level": "supervise", "ids": [ticket.id]},
                  csrf=False).status_code == 400
    assert supervision(make.session, ticket) is None


@pytest.mark.parametrize("role", ["escort", "helper", "company_user"])
def test_other_roles_get_no_checkboxes_and_are_refused(world, make, app, role):
    ticket = world.ticket_in("dispatched")
    b = browser_for(app, getattr(world, role))
    if role != "company_user":
        page = text(b.get("/tickets/"))
        assert ticket.number in page
        assert 'name="ids"' not in page and 'id="bulk-form"' not in page and "bulk_select.js" not in page
    form_page = "/portal/" if role == "company_user" else "/tickets/"
    for op in ("supervise", "tag", "export"):
        response = b.post("/tickets/bulk", {"op": op, "level": "supervise", "tag": "越权", "ids": [ticket.id]},
                          form_page=form_page)
        assert response.status_code == 403, op
    assert supervision(make.session, ticket) is None and tags_of(make.session, ticket) == []
