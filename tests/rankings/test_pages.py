"""The rankings page, its export and the weights page: who may use them, what they show,
and the page's query count."""
import html
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.core.models import AuditLog
from app.core.settings import get_setting
from tests.rankings.fixture import build

JUNE = "period=2026-06"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squash(page: str, *, phone: bool = False) -> str:
    """Page text as a desktop shows it (or a phone), with tags and runs of white space collapsed, for reading table
    rows: the labels a phone shows in each row's card (lc-label) left out, or on a phone the desktop's (lc-hide)."""
    page = re.sub(r'<span class="lc-hide">[^<]*</span>' if phone else r'<span class="lc-label">[^<]*</span>', " ", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def district(make):
    return build(make)


def test_company_users_are_refused_page_export_weights_and_api(login_as, api):
    b, _user = login_as("company")
    for url in ("/rankings/", f"/rankings/?{JUNE}", "/rankings/export.xlsx", "/rankings/weights"):
        assert b.get(url).status_code == 403, url
    assert "晾晒比拼" not in text(b.get("/portal/"))
    client, _user, headers = api("company")
    for board in ("escorts", "departments", "towns"):
        response = client.get(f"/api/v1/rankings/{board}?{JUNE}", headers=headers)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", ["admin", "manager", "escort", "helper"])
def test_every_staff_role_sees_the_rankings_in_the_menu(login_as, role):
    b, _user = login_as(role)
    page = text(b.get("/rankings/"))
    assert 'href="/rankings/"' in page and "晾晒比拼" in page
    assert "计分公式与指标口径" in page


def test_escort_board_shows_scores_ranks_cards_formula_and_bounds(district, login_as):
    b, _manager = login_as("manager")
    page = text(b.get(f"/rankings/?{JUNE}"))
    flat = squash(page)
    # Ranked rows, in order, with their metrics and scores (worked out in test_metrics.py).
    assert re.search(r"1 新上榜 陪跑员甲 66\.7% \(2/3\) 3 71\.4% \(5/7\) 100\.0% \(3/3\) 3\.0 0\.0% \(0/1\) "
                     r"86\.1 6", flat), flat
    assert re.search(r"2 新上榜 陪跑员乙 黄牌 50\.0% \(1/2\) 2 100\.0% \(3/3\) 50\.0% \(1/2\) — — 65\.6 3", flat)
    assert flat.index("陪跑员甲") < flat.index("陪跑员乙") < flat.index("样本不足，不参与排名")
    # Each row is written once; on a phone it is a card whose cells say what they are.
    assert page.count("陪跑员甲") == 1
    phone = squash(page, phone=True)
    assert re.search(r"第1名 新上榜 陪跑员甲 走访覆盖率： 66\.7% \(2/3\) 收集问题数： 3 .* 综合得分 86\.1 样本数 6",
                     phone), phone
    # The escort without companies is listed apart with "—" for what does not apply, and no score.
    unranked = flat[flat.index("样本不足，不参与排名"):flat.index("计分公式与指标口径")]
    assert re.search(r"陪跑员丙 — 0 — — — — 样本不足 0", unranked), unranked
    # June is over and not yet published: the live board, with the publish button for a manager.
    assert "未发布：实时数据，供核对" in page and "发布本期排名" in page
    assert "陪跑员丁" not in page  # inactive
    # Formula, weights and definitions are on the page.
    assert "综合得分 = Σ（权重 × 指标得分）÷ Σ 权重" in page
    assert "(1 − 天数 ÷ 20) × 100" in page
    assert "只计最后一次评价" in page and "不予受理、撤回的问题不算办结" in page
    assert "统计期：2026-06-01 至 2026-06-30" in page and "对比上期：2026-05-01 至 2026-05-31" in page
    assert "末位 1 名" in page and "参与排名对象的10%" in page
    # Tabs keep the period.
    raw = b.get(f"/rankings/?{JUNE}").get_data(as_text=True)
    assert 'href="/rankings/?board=departments&amp;period=2026-06"' in raw


def test_department_and_town_tabs(district, login_as):
    b, _manager = login_as("manager")
    flat = squash(text(b.get(f"/rankings/?board=departments&{JUNE}")))
    assert re.search(r"1 新上榜 部门二 66\.7% \(2/3\) 100\.0% \(2/2\) — 0\.0% \(0/4\) 0\.0% \(0/1\) 1 91\.3 4", flat), flat
    assert re.search(r"2 新上榜 部门一 黄牌 .* 70\.4 5", flat)
    assert "部门三" not in flat
    flat = squash(text(b.get(f"/rankings/?board=towns&{JUNE}")))
    assert re.search(r"1 持平 一镇 66\.7% \(2/3\) 50\.0% \(3/6\) 58\.3 3", flat), flat
    assert re.search(r"2 持平 三镇 黄牌 0\.0% \(0/3\) 0\.0% \(0/1\) 0\.0 3", flat)
    assert re.search(r"二镇 50\.0% \(1/2\) 25\.0% \(1/4\) 样本不足 2", flat[flat.index("样本不足，不参与排名"):])


def test_quarter_and_custom_periods(district, login_as):
    b, _manager = login_as("manager")
    page = text(b.get("/rankings/?period=2026-Q2"))
    assert "2026年第2季度" in page and "统计期：2026-04-01 至 2026-06-30" in page
    assert "对比上期：2026-01-01 至 2026-03-31" in page
    # A custom range equal to June gives June's numbers; the previous period is the 30 days before.
    page = text(b.get("/rankings/?start=2026-06-01&end=2026-06-30"))
    assert "86.1" in page and "对比上期：2026-05-02 至 2026-05-31" in page


@pytest.mark.parametrize("query,message", [
    ("period=2026-13", "月份应在 1–12 之间。"),
    ("period=June", "统计期格式应为"),
    ("start=2026-06-30&end=2026-06-01", "结束日期不能早于开始日期。"),
    ("start=2026-06-01", "请填写结束日期。"),
])
def test_a_bad_period_says_why_and_shows_this_month(login_as, query, message):
    b, _manager = login_as("manager")
    response = b.get(f"/rankings/?{query}")
    assert response.status_code == 400
    assert message in text(response) and "已显示本月排名" in text(response)


def add_activity(make, n):
    """n escorts, each with a company (own town), a department and a closed, rated ticket this June."""
    from tests.rankings.fixture import local
    from app.companies.models import EscortAssignment
    from app.tickets.models import DispatchRecord, Ticket
    from app.visits.models import Visit

    for i in range(n):
        escort = make.user(role="escort")
        department = make.department()
        company = make.company(town=make.town())
        make.session.add(EscortAssignment(company_id=company.id, escort_id=escort.id, started_at=local(1, 1)))
        company.escort_id = escort.id
        make.session.add(Visit(company_id=company.id, escort_id=escort.id, visited_on=local(6, 5).date(),
                               mode="phone", summary="电话回访"))
        ticket = Ticket(number=f"XS-2026-8{make.session.scalar(sa.select(sa.func.count()).select_from(Ticket)):05d}",
                        company_id=company.id, title="问题", description="描述", category="other", source="escort",
                        status="closed", escort_id=escort.id, department_id=department.id, created_at=local(6, 2),
                        updated_at=local(6, 2), closed_at=local(6, 9), replied_on_time=True, close_working_days=5,
                        rating="satisfied", rated_at=local(6, 9))
        make.session.add(ticket)
        make.session.flush()
        make.session.add(DispatchRecord(ticket_id=ticket.id, department_id=department.id, dispatched_at=local(6, 2),
                                        sign_due_at=local(6, 3), reply_due_at=local(6, 9), signed_at=local(6, 3),
                                        signed_on_time=True, replied_at=local(6, 8), replied_on_time=True))
        make.session.commit()


@pytest.mark.parametrize("board", ["escorts", "departments", "towns"])
def test_page_query_count_is_pinned(make, login_as, count_queries, board):
    b, _manager = login_as("manager")
    add_activity(make, 2)
    url = f"/rankings/?board={board}&{JUNE}"
    b.get(url)
    with count_queries() as small:
        assert b.get(url).status_code == 200
    add_activity(make, 15)
    with count_queries() as large:
        page = text(b.get(url))
    assert page.count("测试") >= 17  # every escort, department or town made by the factories is listed
    assert large.count == small.count, large.statements


def read_xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_the_board_on_screen(district, login_as):
    b, _helper = login_as("helper")
    rows = read_xlsx(b.client.get(f"/rankings/export.xlsx?{JUNE}"))
    header, data = rows[0], rows[1:]
    assert header == ["排名", "上期排名", "陪跑员", "走访覆盖率（%）", "收集问题数", "按期处理率（%）", "满意率（%）",
                      "平均办结工作日", "重新办理率（%）", "综合得分", "黄牌", "样本数", "是否参与排名"]
    by_name = {r[2]: r for r in data}
    assert by_name["陪跑员甲"] == [1, None, "陪跑员甲", 66.7, 3, 71.4, 100, 3, 0, 86.1, None, 6, "是"]
    assert by_name["陪跑员乙"] == [2, None, "陪跑员乙", 50, 2, 100, 50, None, None, 65.6, "黄牌", 3, "是"]
    assert by_name["陪跑员丙"] == [None, None, "陪跑员丙", None, 0, None, None, None, None, None, None, 0,
                                  "否（样本不足）"]
    assert [r[2] for r in data[:2]] == ["陪跑员甲", "陪跑员乙"]
    towns = read_xlsx(b.client.get(f"/rankings/export.xlsx?board=towns&{JUNE}"))
    assert towns[0][:5] == ["排名", "上期排名", "镇街", "走访覆盖率（%）", "办结率（%）"]
    assert towns[1][:5] == [1, 1, "一镇", 66.7, 50]


def test_weights_page_is_for_the_task_force_and_administrators(login_as):
    for role in ("escort", "helper"):
        b, _user = login_as(role)
        assert b.get("/rankings/weights").status_code == 403
        assert b.post("/rankings/weights", {"min_cases": "1"}, form_page="/rankings/").status_code == 403
        assert "排名设置" not in text(b.get("/rankings/"))
    for role in ("manager", "admin"):  # DESIGN: the task force publishes rankings and sets their weights
        b, _user = login_as(role)
        assert b.get("/rankings/weights").status_code == 200
        assert 'href="/rankings/weights"' in b.get("/rankings/").get_data(as_text=True)


def weights_form(**changes):
    from app.rankings.scoring import BOARDS

    data = {f"{spec.key}__{k}": str(v) for spec in BOARDS.values() for k, v in spec.default_weights.items()}
    data.update({"min_cases": "3", "yellow_cards": ""})
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_changing_a_weight_changes_the_score(district, login_as, db_session):
    b, admin = login_as("admin")
    # Only visit coverage counts: E1 = 66.7, E2 = 50.0.
    zeros = {f"escorts__{k}": 0 for k in ("problems_collected", "on_time_handling", "satisfaction",
                                          "avg_close_days", "reopen_rate")}
    response = b.post("/rankings/weights", weights_form(escorts__visit_coverage=100, **zeros))
    assert response.status_code == 302
    assert "排名设置已保存。" in text(b.follow(response))
    assert get_setting("rankings.weights.escorts")["visit_coverage"] == 100
    audit = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "ranking_settings_updated")).one()
    assert audit.actor_id == admin.id
    flat = squash(text(b.get(f"/rankings/?{JUNE}")))
    assert re.search(r"陪跑员甲 66\.7% \(2/3\) .* 66\.7 6", flat) and re.search(r"陪跑员乙 黄牌 50\.0% .* 50\.0 3", flat)


def test_minimum_cases_and_yellow_cards_are_settings(district, login_as):
    b, _admin = login_as("admin")
    # Minimum 4 cases: E2 (3 cases) drops out of the ranking; yellow cards 0: nobody flagged.
    assert b.post("/rankings/weights", weights_form(min_cases=4, yellow_cards=0)).status_code == 302
    page = text(b.get(f"/rankings/?{JUNE}"))
    flat = squash(page)
    assert "黄牌：本期不标注。" in page
    assert "陪跑员乙" in flat[flat.index("样本不足，不参与排名"):]
    assert 'class="badge text-bg-warning yellow-card"' not in page


def test_weights_form_refuses_a_board_with_every_weight_zero(login_as):
    b, _admin = login_as("admin")
    response = b.post("/rankings/weights", weights_form(towns__visit_coverage=0, towns__closure_rate=0))
    assert response.status_code == 400
    assert "每个榜单至少要有一项权重大于0。" in text(response)
    response = b.post("/rankings/weights", weights_form(escorts__satisfaction=101))
    assert response.status_code == 400
    assert "请填写 0–100 之间的整数。" in text(response)
    assert get_setting("rankings.weights.towns") == {"visit_coverage": 50, "closure_rate": 50}


# --------------------------------------------------------------------------- a page at a time (50 rows a page)

def table_rows(page: str, table: str) -> list[tuple]:
    """The rows of one table on the page ("ranked" or "unranked"): (row anchor id, rank or None, name)."""
    start = page.index(f'id="{table}"')
    end = page.index('id="unranked"') if table == "ranked" else page.index("计分公式与指标口径")
    rows = []
    for row in re.findall(r'<tr id="row-.*?</tr>', page[start:end], re.S):
        rank = re.search(r'class="ranking-rank[^>]*><span class="lc-label">第(\d+)名</span>', row)
        rows.append((int(re.match(r'<tr id="row-(\d+)"', row).group(1)), int(rank.group(1)) if rank else None,
                     re.search(r'<a class="fw-semibold" href="[^"]*">([^<]+)</a>', row).group(1)))
    return rows


def pager_links(page: str, table: str) -> dict:
    """The pager under a table: {link text: (path, query arguments, anchor)}."""
    from urllib.parse import parse_qs, urlsplit

    start = page.index(f'id="{table}"')
    end = page.index('id="unranked"') if table == "ranked" else page.index("计分公式与指标口径")
    links = {}
    for href, label in re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', page[start:end]):
        url = urlsplit(html.unescape(href))
        links[label] = (url.path, {k: v[0] for k, v in parse_qs(url.query).items()}, url.fragment)
    return links


@pytest.fixture
def per_page(app, monkeypatch):
    """Pages of `n` rows (ITEMS_PER_PAGE) for this test."""
    return lambda n: monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", n)


def test_a_long_board_is_shown_a_page_at_a_time_and_ranks_continue(district, make, login_as, per_page):
    from app.core.settings import set_setting

    set_setting("rankings.min_cases", 1)
    add_activity(make, 3)  # three escorts with one problem each: ranked now, tied at the top
    per_page(2)
    b, _manager = login_as("manager")
    every = [(row[2], row[0]) for row in read_xlsx(b.client.get(f"/rankings/export.xlsx?{JUNE}"))[1:] if row[0]]
    assert len(every) == 5 and [rank for _name, rank in every] == [1, 1, 1, 4, 5]

    shown = []
    for number in (1, 2, 3):
        page = b.get(f"/rankings/?{JUNE}&page={number}").get_data(as_text=True)
        rows = table_rows(page, "ranked")
        assert len(rows) == (2 if number < 3 else 1)
        shown += [(name, rank) for _id, rank, name in rows]
        assert "排名（5）" in page and "共 5 条" in page  # the whole board's size, on every page
        links = pager_links(page, "ranked")
        assert set(links) == {"上一页", "1", "2", "3", "下一页"}
        assert links["2"] == ("/rankings/", {"board": "escorts", "period": "2026-06", "page": "2"}, "ranked")
        assert links["1"][1] == {"board": "escorts", "period": "2026-06"}
    # Page by page, the board in the export's order, its ties and ranks as computed: 1 1 | 1 4 | 5.
    assert shown == every
    assert shown[3:] == [("陪跑员甲", 4), ("陪跑员乙", 5)]
    flat = squash(text(b.get(f"/rankings/?{JUNE}&page=3")))
    assert re.search(r"5 ↓4 陪跑员乙 黄牌 .* 65\.6 3", flat), flat  # rank change and yellow card as computed
    assert "陪跑员甲" not in flat  # on page 2 only

    # Another board, another period: the pager keeps them (and the live flag).
    per_page(1)
    page = b.get("/rankings/?board=towns&period=2026-Q2&live=1").get_data(as_text=True)
    assert pager_links(page, "ranked")["2"][1] == {"board": "towns", "period": "2026-Q2", "live": "1", "page": "2"}


def test_the_too_small_sample_table_pages_on_its_own(district, make, login_as, per_page):
    add_activity(make, 3)  # one problem each: 样本不足, with 陪跑员丙 (none)
    per_page(2)
    b, _manager = login_as("manager")
    page = b.get(f"/rankings/?{JUNE}").get_data(as_text=True)
    first = table_rows(page, "unranked")
    assert "样本不足，不参与排名（4）" in page and len(first) == 2 and "共 4 条" in page
    links = pager_links(page, "unranked")
    assert links["2"] == ("/rankings/", {"board": "escorts", "period": "2026-06", "upage": "2"}, "unranked")
    assert "2" not in pager_links(page, "ranked")  # two ranked rows: one page, no page links
    page = b.get(f"/rankings/?{JUNE}&upage=2").get_data(as_text=True)
    second = table_rows(page, "unranked")
    assert len(second) == 2 and not {row[0] for row in first} & {row[0] for row in second}
    assert all(rank is None for _id, rank, _name in first + second)
    assert [name for _id, _rank, name in table_rows(page, "ranked")] == ["陪跑员甲", "陪跑员乙"]  # its own page 1
    # Each pager keeps the other table's page.
    page = b.get(f"/rankings/?{JUNE}&upage=2&page=1").get_data(as_text=True)
    assert pager_links(page, "unranked")["1"][1] == {"board": "escorts", "period": "2026-06"}
    assert pager_links(page, "unranked")["下一页"][1]["upage"] == "2"  # the last page: 下一页 stays there


@pytest.mark.parametrize("asked,shown", [
    ("0", "first"), ("-3", "first"), ("abc", "first"), ("", "first"), ("2.5", "first"), ("%00", "first"),
    ("5", "last"), ("40", "last"), ("99999999999999999999999999", "last"), ("9" * 5000, "last"),
])
def test_a_page_number_out_of_range_or_junk_shows_the_first_or_the_last_page(district, make, login_as, per_page,
                                                                              asked, shown):
    add_activity(make, 3)  # 4 rows in the 样本不足 table
    per_page(1)  # 2 ranked rows (甲, 乙): pages 1–2; 4 unranked: pages 1–4
    b, _manager = login_as("manager")
    for name, table, last in (("page", "ranked", 2), ("upage", "unranked", 4)):
        response = b.get(f"/rankings/?{JUNE}&{name}={asked}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        number = 1 if shown == "first" else last
        assert re.search(rf'<li class="page-item active"><a class="page-link" href="[^"]*#{table}">{number}</a>',
                         page), (name, asked)
        assert len(table_rows(page, table)) == 1
        assert "排名（2）" in page and "样本不足，不参与排名（4）" in page  # the totals
    page = b.get(f"/rankings/?{JUNE}&page={asked}").get_data(as_text=True)
    assert table_rows(page, "ranked")[0][2] == ("陪跑员甲" if shown == "first" else "陪跑员乙")


def signed_in(app, user):
    from tests.conftest import Browser

    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def my_rank(response) -> tuple[str, str] | None:
    """The 我的名次 line above the board: (its text, its link), or None."""
    found = re.search(r'<p class="my-rank[^"]*">(.*?)</p>', response.get_data(as_text=True), re.S)
    if found is None:
        return None
    return (html.unescape(re.sub(r"<[^>]+>|\s+", "", found.group(1))),
            html.unescape(re.search(r'href="([^"]+)"', found.group(1)).group(1)))


def test_an_escort_sees_their_own_rank_and_page_and_a_manager_does_not(district, app, login_as, per_page):
    per_page(1)
    e1, e2, e3 = (district.escorts[k] for k in ("E1", "E2", "E3"))
    b = signed_in(app, e2)
    assert my_rank(b.get(f"/rankings/?{JUNE}")) == (
        "我的名次：第2名（第2页）", f"/rankings/?board=escorts&period=2026-06&page=2#row-{e2.id}")
    # That page has the escort's row with its anchor (highlighted by app.css when it is the address's target).
    page = b.get("/rankings/?board=escorts&period=2026-06&page=2").get_data(as_text=True)
    assert table_rows(page, "ranked") == [(e2.id, 2, "陪跑员乙")]
    assert "tr:target" in open(f"{app.static_folder}/css/app.css", encoding="utf-8").read()
    # First on the board: page 1; too small a sample: the 样本不足 table's page (the other table's page kept).
    assert my_rank(signed_in(app, e1).get(f"/rankings/?{JUNE}")) == (
        "我的名次：第1名（第1页）", f"/rankings/?board=escorts&period=2026-06#row-{e1.id}")
    assert my_rank(signed_in(app, e3).get(f"/rankings/?{JUNE}&page=2")) == (
        "我的名次：样本不足（第1页）", f"/rankings/?board=escorts&period=2026-06&page=2#row-{e3.id}")
    # Not on another board; never for the task force.
    assert my_rank(b.get(f"/rankings/?board=towns&{JUNE}")) is None
    for role in ("manager", "admin"):
        manager, _user = login_as(role)
        response = manager.get(f"/rankings/?{JUNE}")
        assert my_rank(response) is None and "我的名次" not in text(response)


def test_a_helper_sees_their_departments_rank(district, login_as, per_page):
    per_page(1)
    b, _helper = login_as("helper", department=district.departments["D1"])
    department = district.departments["D1"].id
    assert my_rank(b.get(f"/rankings/?board=departments&{JUNE}")) == (  # 部门二 first, 部门一 second
        "我的名次：第2名（第2页）", f"/rankings/?board=departments&period=2026-06&page=2#row-{department}")
    assert my_rank(b.get(f"/rankings/?{JUNE}")) is None  # not on the escorts' board


def test_the_export_api_and_a_publication_keep_every_row_and_a_published_board_pages_too(district, login_as, api,
                                                                                         per_page, db_session):
    from app.rankings.models import RankingPublication

    per_page(1)
    b, _manager = login_as("manager")
    rows = read_xlsx(b.client.get(f"/rankings/export.xlsx?{JUNE}"))[1:]
    assert [r[2] for r in rows] == ["陪跑员甲", "陪跑员乙", "陪跑员丙"]
    client, _user, headers = api("helper")
    items = client.get(f"/api/v1/rankings/escorts?{JUNE}", headers=headers).get_json()["items"]
    assert [item["escort"]["name"] for item in items] == ["陪跑员甲", "陪跑员乙", "陪跑员丙"]
    response = b.post("/rankings/publish", {"board": "escorts", "period": "2026-06", "reason": ""},
                      form_page=f"/rankings/?{JUNE}")
    assert response.status_code == 302
    publication = db_session.scalars(sa.select(RankingPublication)).one()
    assert [row["name"] for row in publication.content["rows"]] == ["陪跑员甲", "陪跑员乙", "陪跑员丙"]
    page = b.get(f"/rankings/?{JUNE}&page=2").get_data(as_text=True)
    assert "已发布（第1版）" in page
    assert [row[1:] for row in table_rows(page, "ranked")] == [(2, "陪跑员乙")]
    assert pager_links(page, "ranked")["1"][1] == {"board": "escorts", "period": "2026-06"}
    rows = read_xlsx(b.client.get(f"/rankings/export.xlsx?{JUNE}"))[1:]
    assert [r[2] for r in rows] == ["陪跑员甲", "陪跑员乙", "陪跑员丙"]
