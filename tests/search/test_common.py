"""Suggested 共性问题 (issue 17): the same need from three or more companies is proposed as one group on
the manager's dashboard and through the API; two companies, other needs, answered problems and problems
outside the window are not; nobody but managers and admins sees the suggestions."""
import html
from collections import namedtuple
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.core.settings import set_setting
from app.search import common
from app.tickets import services
from tests.search.similar_set import PROBLEMS

LABOUR = [
    ("招工难，一线工人缺口大", "今年订单增加，车间一线工人缺口约80人，招聘了两个月仍招不到人，希望人社局帮助招工。"),
    ("一线工人招不到，用工缺口大", "旺季车间一线工人缺口约100人，招聘一直招不到人，希望组织招聘会帮助招工。"),
    ("招工困难，车间工人缺口大", "车间一线工人缺口50人，网上招聘三个月招不到人，请求人社部门帮助招工。"),
    ("用工缺口大，一线工人难招", "订单增加后一线工人缺口约60人，招不到人，希望政府帮助对接劳务招工。"),
]
NOISE = [
    ("厂房用电增容审批慢", "申请用电增容三个月没有进展，新设备无法投产，希望供电公司加快审批。"),
    ("研发费用加计扣除怎么申报", "去年研发投入八百万，想了解研发费用加计扣除的比例和申报流程。"),
    ("扩建厂房缺少用地指标", "订单增长需要扩建厂房，但没有新增用地指标，希望协调工业用地。"),
    ("出口退税到账慢", "出口退税申报后两个月未到账，资金周转困难，希望税务部门加快办理。"),
]


def file(make, manager, company, title, description, category="labour"):
    return services.submit_ticket(manager, company, services.NewTicket(title, description, category,
                                                                       source="escort"))


@pytest.fixture
def labour(make):
    """Four companies (two towns) raise the same 用工 problem; four others raise unrelated ones."""
    manager = make.user(role="manager")
    towns = [make.town(name="宁围街道"), make.town(name="瓜沥镇")]
    companies = [make.company(town=towns[i % 2]) for i in range(8)]
    same = [file(make, manager, companies[i], *LABOUR[i]) for i in range(4)]
    noise = [file(make, manager, companies[4 + i], *NOISE[i], category="other") for i in range(4)]
    make.session.commit()
    return manager, companies, same, noise


def test_the_same_labour_need_of_four_companies_is_one_group_on_the_dashboard(labour, login_as):
    _manager, companies, same, noise = labour
    b, _user = login_as("manager")
    page = html.unescape(b.get("/dashboard").get_data(as_text=True))
    block = page[page.index('id="common-suggestions"'):page.index('id="trend"')]
    assert block.count("common-group") == 1
    for t in same:
        assert f'/tickets/{t.id}"' in block and t.number in block
    assert not any(t.number in block for t in noise)
    assert all(c.name in block for c in companies[:4]) and "宁围街道" in block and "瓜沥镇" in block
    assert "4 家企业" in block and "最新的 200 个问题" in block and "近 90 天" in block


def test_the_api_gives_the_group_to_managers_and_admins_only(labour, api):
    _manager, _companies, same, _noise = labour
    for role in ("manager", "admin"):
        client, _user, headers = api(role)
        items = client.get("/api/v1/common-problems/suggestions", headers=headers).get_json()["items"]
        assert len(items) == 1
        assert set(items[0]["ticket_ids"]) == {t.id for t in same} and items[0]["companies"] == 4
        assert 0 < items[0]["score"] <= 1 and items[0]["title"] in {t.title for t in same}
        assert sorted(items[0]["towns"]) == ["宁围街道", "瓜沥镇"]
    for role in ("escort", "helper", "company"):
        client, _user, headers = api(role)
        response = client.get("/api/v1/common-problems/suggestions", headers=headers)
        assert response.status_code == 403, role


def test_nobody_else_sees_the_block(labour, login_as):
    for role in ("escort", "helper", "company"):
        b, _user = login_as(role)
        assert b.get("/dashboard").status_code == 403, role
        assert "疑似共性问题" not in b.get("/").get_data(as_text=True)


def test_two_companies_are_no_group(make, api):
    manager = make.user(role="manager")
    first, second = make.company(), make.company()
    for i, (title, description) in enumerate(LABOUR):  # four problems, only two companies
        file(make, manager, first if i % 2 else second, title, description)
    make.session.commit()
    client, _user, headers = api("manager")
    assert client.get("/api/v1/common-problems/suggestions", headers=headers).get_json() == {"items": []}


def test_answered_problems_and_the_window_setting(labour, make, api):
    manager, _companies, same, _noise = labour
    client, _user, headers = api("manager")
    old = same[0]
    old.created_at = utcnow() - timedelta(days=40)
    make.session.commit()
    set_setting(common.WINDOW_KEY, 30)
    make.session.commit()
    items = client.get("/api/v1/common-problems/suggestions", headers=headers).get_json()["items"]
    assert [set(i["ticket_ids"]) for i in items] == [{t.id for t in same[1:]}]
    same[1].status = "closed"
    make.session.commit()
    assert client.get("/api/v1/common-problems/suggestions", headers=headers).get_json() == {"items": []}


def test_the_hand_written_set_groups_only_one_need_each():
    """Every problem of tests/search/similar_set.py from its own company: each proposed group is one need."""
    row = namedtuple("row", "id number title description company_id company town")
    items = [(need, t, d) for need, problems in PROBLEMS.items() for t, d in problems]
    rows = [row(i + 1, str(i), t, d, i, f"c{i}", "t") for i, (_need, t, d) in enumerate(items)]
    groups = common.group(rows)
    assert len(groups) >= 4
    for g in groups:
        assert len({items[m.id - 1][0] for m in g.members}) == 1, [m.title for m in g.members]
        assert len(g.companies) >= 3
