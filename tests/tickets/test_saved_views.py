"""Saved views (保存的视图) of the problem list, used as staff use them: filter, save from the list's header,
open the chip, rename and delete on 我的视图; a bad name keeps the filters and the typed name; a view is only
filters (the list still applies the viewer's scope) and only its owner sees, renames or deletes it."""
import html
import re
from urllib.parse import parse_qsl

import sqlalchemy as sa

from app.tickets import tags
from app.tickets.models import SavedView
from tests.conftest import Browser
from tests.tickets.helpers import World


def text(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return html.unescape(response.get_data(as_text=True))


def numbers(page: str) -> set[str]:
    return set(re.findall(r'class="ticket-number"><a [^>]+>([^<]+)<', page))


def chips(page: str) -> list[str]:
    return re.findall(r'class="btn btn-sm rounded-pill saved-view-chip[^"]*"\s+href="[^"]*" title="[^"]*">([^<]+)</a>',
                      page)


def saved_query(page: str) -> str:
    return re.search(r'<input id="save-view-query" name="query" type="hidden" value="([^"]*)"', page).group(1)


def views_of(session, user) -> list[tuple[str, str]]:
    session.expire_all()
    return [(v.name, v.query) for v in session.scalars(
        sa.select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name))]


def browser_for(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def test_an_escort_saves_the_current_filters_and_opens_them_from_the_header(make, app):
    world = World(make)
    labour = world.new_ticket(title="一线用工缺口大")
    world.new_ticket(title="融资担保难")
    tags.add_tag(world.escort, labour, "招工")
    make.session.commit()
    b = browser_for(app, world.escort)

    listed = "/tickets/?q=用工&tag=招工&status=&after=zzz"
    page = text(b.get(listed))
    assert numbers(page) == {labour.number}
    query = saved_query(page)
    assert dict(parse_qsl(query)) == {"q": "用工", "tag": "招工"}  # empty conditions and paging dropped
    response = b.post("/tickets/saved-views", {"name": " 招工问题 ", "query": query}, form_page=listed)
    assert response.status_code == 302
    assert views_of(make.session, world.escort) == [("招工问题", "q=%E7%94%A8%E5%B7%A5&tag=%E6%8B%9B%E5%B7%A5")]

    opened = text(b.follow(response))
    assert "已保存视图“招工问题”。" in opened
    assert numbers(opened) == {labour.number}
    assert chips(opened) == ["招工问题"] and "btn-secondary active" in opened  # the view now shown is marked
    everything = text(b.get("/tickets/"))
    assert chips(everything) == ["招工问题"] and "btn-secondary active" not in everything
    assert len(numbers(everything)) == 2


def test_a_bad_name_says_why_and_keeps_the_filters_and_the_typed_name(make, app):
    world = World(make)
    world.new_ticket()
    b = browser_for(app, world.manager)
    listed = "/tickets/?tag=用电&status=submitted"
    query = saved_query(text(b.get(listed)))

    page = text(b.post("/tickets/saved-views", {"name": "   ", "query": query}, form_page=listed), 400)
    assert "请填写视图名称。" in page
    assert 'name="tag" type="text" value="用电"' in page and '<option selected value="submitted">' in page
    long = "很长的视图名称" * 5
    page = text(b.post("/tickets/saved-views", {"name": long, "query": query}, form_page=listed), 400)
    assert "视图名称最多 30 个字。" in page and f'value="{long}"' in page
    assert b.post("/tickets/saved-views", {"name": "待受理", "query": query}, form_page=listed).status_code == 302
    page = text(b.post("/tickets/saved-views", {"name": "待受理", "query": "status=closed"}, form_page=listed), 400)
    assert "已有名为“待受理”的视图，请换一个名称。" in page
    assert '<option selected value="closed">' in page  # the conditions being saved are the ones kept
    assert b.post("/tickets/saved-views", {"name": "无令牌", "query": query}, csrf=False).status_code == 400
    assert views_of(make.session, world.manager) == [("待受理", "status=submitted&tag=%E7%94%A8%E7%94%B5")]


def test_a_view_is_only_filters_the_viewer_scope_still_applies(make, app):
    world = World(make)
    mine = world.new_ticket(title="用电增容")
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    from app.tickets import services
    from app.tickets.services import NewTicket

    theirs = services.submit_ticket(other_escort, other_company, NewTicket("用电增容慢", "三个月。", "energy",
                                                                           source="escort"))
    make.session.commit()
    manager = browser_for(app, world.manager)
    assert manager.post("/tickets/saved-views", {"name": "用电", "query": "q=用电"}, form_page="/tickets/").status_code == 302
    assert numbers(text(manager.get("/tickets/?q=用电"))) == {mine.number, theirs.number}
    # The same conditions in the escort's own view show only the escort's companies' problems.
    escort = browser_for(app, world.escort)
    assert escort.post("/tickets/saved-views", {"name": "用电", "query": "q=用电"}, form_page="/tickets/").status_code == 302
    page = text(escort.get("/tickets/?q=用电"))
    assert numbers(page) == {mine.number} and chips(page) == ["用电"]


def test_only_the_owner_sees_renames_or_deletes_a_view(make, app):
    world = World(make)
    owner = browser_for(app, world.manager)
    assert owner.post("/tickets/saved-views", {"name": "超期", "query": "overdue=y"}, form_page="/tickets/").status_code == 302
    assert owner.post("/tickets/saved-views", {"name": "督办", "query": "supervised=y"},
                      form_page="/tickets/").status_code == 302
    view = make.session.scalars(sa.select(SavedView).where(SavedView.name == "超期")).one()

    other = browser_for(app, make.user(role="manager"))
    assert chips(text(other.get("/tickets/"))) == []
    assert "超期" not in text(other.get("/tickets/saved-views"))
    assert other.post(f"/tickets/saved-views/{view.id}/rename", {"name": "我的"},
                      form_page="/tickets/saved-views").status_code == 404
    assert other.post(f"/tickets/saved-views/{view.id}/delete", form_page="/tickets/saved-views").status_code == 404
    company = browser_for(app, world.company_user)
    assert company.post("/tickets/saved-views", {"name": "企业", "query": ""}, form_page="/portal/").status_code == 403
    assert company.get("/tickets/saved-views").status_code == 403

    manage = "/tickets/saved-views"
    page = text(owner.post(f"/tickets/saved-views/{view.id}/rename", {"name": "督办"}, form_page=manage), 400)
    assert "已有名为“督办”的视图，请换一个名称。" in page and 'value="督办"' in page
    response = owner.post(f"/tickets/saved-views/{view.id}/rename", {"name": "超期未办"}, form_page=manage)
    assert response.status_code == 302 and "视图已重命名为“超期未办”。" in text(owner.follow(response))
    response = owner.post(f"/tickets/saved-views/{view.id}/delete", form_page=manage)
    assert response.status_code == 302 and "已删除视图“超期未办”。" in text(owner.follow(response))
    assert views_of(make.session, world.manager) == [("督办", "supervised=y")]
