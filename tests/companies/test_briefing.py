"""The company page as the escort's briefing before a visit: its problems and visits, each through the
reader's own scope, the contact phone to tap, and 记录走访."""
import html
import re
from datetime import timedelta

from app.core.timeutil import local_today
from tests.conftest import Browser
from tests.tickets.helpers import World
from tests.visits.helpers import log_visit


def page_of(app, user, company) -> str:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    response = b.get(f"/companies/{company.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start:page.index("</section>", start)]


def test_escort_reads_open_and_recent_problems_and_visits_before_a_visit(app, make, db_session, count_queries):
    world = World(make)
    world.company.contact_phone = "0571 8288 0000"
    db_session.commit()
    open_one = world.new_ticket(by=world.company_user, title="用电增容排队")
    answered = world.ticket_in("closed")
    answered.title = "招工难已对接"
    other_company = make.company(escort=world.escort, name="杭州另一家有限公司")
    elsewhere = world.new_ticket(by=world.escort, source="escort", title="别家的问题")
    elsewhere.company_id = other_company.id
    db_session.commit()
    log_visit(db_session, world.escort, world.company, on=local_today() - timedelta(days=3),
              summary="查看新车间。", next_step="两周后回访")

    with count_queries() as q:
        page = page_of(app, world.escort, world.company)
    problems = section(page, "company-problems")
    assert "用电增容排队" in problems and "待受理" in problems
    assert re.search(r"超期 \d+ 个工作日|期限 \d{4}-\d{2}-\d{2}", problems)  # its deadline badge
    assert "招工难已对接" in problems and "已办结" in problems
    assert "别家的问题" not in page
    visits = section(page, "company-visits")
    assert "查看新车间。" in visits and "下一步：两周后回访" in visits
    assert f'href="/visits/new?company_id={world.company.id}"' in visits
    assert '<a class="contact-phone" href="tel:057182880000">0571 8288 0000</a>' in page
    # No query per problem or visit: three more of each leave the count as it was.
    for n in range(3):
        world.new_ticket(by=world.company_user, title=f"又一个问题{n}")
        log_visit(db_session, world.escort, world.company, on=local_today() - timedelta(days=n), summary=f"回访{n}。")
    with count_queries() as again:
        page_of(app, world.escort, world.company)
    assert again.count == q.count, (q.count, again.count)
    assert open_one.number in problems and answered.number not in problems  # finished ones by title only


def test_briefing_follows_each_readers_scope(app, make, db_session):
    world = World(make)
    at_department = world.ticket_in("dispatched")
    at_department.title = "交办给本部门的问题"
    db_session.commit()
    world.new_ticket(by=world.company_user, title="还在陪跑员手上的问题")
    log_visit(db_session, world.escort, world.company, on=local_today(), summary="电话回访。")

    helper_page = page_of(app, world.helper, world.company)
    assert "交办给本部门的问题" in helper_page and "还在陪跑员手上的问题" not in helper_page
    assert "电话回访。" not in helper_page  # helpers see no visits
    assert 'href="/visits/new' not in helper_page
    assert at_department.number in helper_page

    manager_page = page_of(app, world.manager, world.company)
    assert "交办给本部门的问题" in manager_page and "还在陪跑员手上的问题" in manager_page
    assert "电话回访。" in manager_page and 'href="/visits/new' not in manager_page  # only the escort logs visits

    company_page = page_of(app, world.company_user, world.company)
    assert 'id="company-problems"' not in company_page  # the portal is the company's view of its problems
