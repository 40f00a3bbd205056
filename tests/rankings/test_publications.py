"""Publishing a board: frozen rows, weights and formula; corrections with a reason; who may publish;
each subject's history (table and chart, also in 人员管理); the monthly 通报 read back with python-docx."""
import io
import re

import pytest
import sqlalchemy as sa
from docx import Document

from app.core.models import AuditLog
from app.rankings.models import RankingPublication
from app.rankings.periods import month
from app.rankings.queries import latest_publication, ranking_history
from app.rankings.services import PublicationError, publish_board
from app.tickets.models import Ticket
from tests.rankings.fixture import AFTER, JUNE, build, local
from tests.rankings.test_pages import squash, text, weights_form

JUNE_ESCORTS = "/rankings/?board=escorts&period=2026-06"


@pytest.fixture
def district(make):
    return build(make)


def publish(b, board="escorts", period="2026-06", reason=""):
    return b.post("/rankings/publish", {"board": board, "period": period, "reason": reason},
                  form_page=f"/rankings/?board={board}&period={period}")


def test_a_published_month_never_changes(district, login_as, make, db_session):
    b, manager = login_as("manager")
    response = publish(b)
    assert response.status_code == 302
    assert "已发布2026年6月陪跑员榜。" in text(b.follow(response))
    page = squash(text(b.get(JUNE_ESCORTS)))
    assert "已发布（第1版）" in page and "发布记录" in page
    assert re.search(r"1 新上榜 陪跑员甲 .* 86\.1 6", page)
    publication = db_session.scalars(sa.select(RankingPublication)).one()
    assert (publication.board, publication.period_key, publication.version, publication.published_by_id) == (
        "escorts", "2026-06", 1, manager.id)
    assert publication.content["weights"]["satisfaction"] == 25
    assert any("综合得分 = Σ" in line for line in publication.content["texts"]["zh"]["formula"])
    assert db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "ranking_published")).one()

    # The task force changes the weights (for future periods) and late data arrives for June.
    zeros = {f"escorts__{k}": 0 for k in ("problems_collected", "on_time_handling", "satisfaction",
                                          "avg_close_days", "reopen_rate")}
    assert b.post("/rankings/weights", weights_form(escorts__visit_coverage=100, **zeros)).status_code == 302
    make.session.add(Ticket(number="XS-2026-777777", company_id=district.companies["C1"].id, title="补录",
                            description="描述", category="other", source="visit", status="submitted",
                            escort_id=district.escorts["E2"].id, created_at=local(6, 29), updated_at=local(6, 29)))
    make.session.commit()
    # The published board is unchanged: same scores, same weights, same formula text.
    page = squash(text(b.get(JUNE_ESCORTS)))
    assert re.search(r"1 新上榜 陪跑员甲 .* 86\.1 6", page) and re.search(r"陪跑员乙 黄牌 .* 65\.6 3", page)
    assert re.search(r"满意率 25 ", page)
    # The live board (for staff review) follows the new weights: only visit coverage counts.
    live = squash(text(b.get(JUNE_ESCORTS + "&live=1")))
    assert "实时数据，供核对（本期已发布" in live and re.search(r"陪跑员甲 66\.7% \(2/3\) .* 66\.7 6", live)
    # The export of the published board, too.
    sheet = b.client.get("/rankings/export.xlsx?board=escorts&period=2026-06")
    assert sheet.status_code == 200


def test_a_correction_is_a_new_version_with_its_reason_and_both_are_kept(district, login_as, db_session):
    b, _manager = login_as("manager")
    assert publish(b).status_code == 302
    # Publishing again without a reason is refused.
    response = publish(b)
    assert "请填写更正原因" in text(b.follow(response))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(RankingPublication)) == 1
    # Weights change, then a correction with a reason: version 2 shows the new numbers.
    zeros = {f"escorts__{k}": 0 for k in ("problems_collected", "on_time_handling", "satisfaction",
                                          "avg_close_days", "reopen_rate")}
    b.post("/rankings/weights", weights_form(escorts__visit_coverage=100, **zeros))
    response = publish(b, reason="6月权重录入有误，按专班会议纪要更正")
    assert "已发布更正（第2版）" in text(b.follow(response))
    page = squash(text(b.get(JUNE_ESCORTS)))
    assert "已发布（第2版）" in page and re.search(r"陪跑员甲 .* 66\.7 6", page)
    assert "第1版" in page and "更正原因：6月权重录入有误，按专班会议纪要更正" in page
    versions = db_session.scalars(sa.select(RankingPublication).order_by(RankingPublication.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].content["rows"][0]["score"] == 86.1 and versions[1].content["rows"][0]["score"] == 66.7


def test_only_a_closed_period_is_published_and_only_by_the_task_force(district, login_as, make):
    from app.core.timeutil import local_today

    b, _escort = login_as("escort")
    assert "发布本期排名" not in text(b.get(JUNE_ESCORTS))
    assert publish(b).status_code == 403
    b, _helper = login_as("helper")
    assert publish(b).status_code == 403
    b, _manager = login_as("manager")
    this_month = local_today().strftime("%Y-%m")
    page = text(b.get(f"/rankings/?period={this_month}"))
    assert "暂定：统计期未结束" in page and "发布本期排名" not in page
    response = publish(b, period=this_month)
    assert "统计期尚未结束" in text(b.follow(response))
    with pytest.raises(PublicationError):
        publish_board(make.user(role="escort"), "escorts", JUNE)
    with pytest.raises(PublicationError):
        publish_board(make.user(role="manager"), "escorts", month(2026, 7), now=local(7, 20))


def test_history_of_an_escort_a_department_and_a_town(district, make, login_as, count_queries):
    manager = make.user(role="manager")
    for board in ("escorts", "departments", "towns"):
        publish_board(manager, board, month(2026, 5), now=AFTER)
        publish_board(manager, board, JUNE, now=AFTER)
    make.session.commit()
    e2 = district.escorts["E2"]
    assert e2.id  # loaded before counting (the commit expired it)
    with count_queries() as q:
        points = ranking_history("escorts", e2.id)
    assert q.count == 1
    assert [(p.period_key, p.rank, p.ranked_count, p.yellow_card, p.sample_too_small) for p in points] == [
        ("2026-05", None, 0, False, True), ("2026-06", 2, 2, True, False)]

    b, _user = login_as("helper")
    page = squash(text(b.get(f"/rankings/history/escorts/{e2.id}")))
    assert "排名记录 · 陪跑员乙" in page
    assert re.search(r"2026-06 第2名 / 共2名 65\.6 黄牌 第1版", page) and re.search(r"2026-05 样本不足 — —", page)
    assert 'class="chart"' in b.get(f"/rankings/history/escorts/{e2.id}").get_data(as_text=True)
    page = squash(text(b.get(f"/rankings/history/departments/{district.departments['D2'].id}")))
    assert re.search(r"2026-06 第1名 / 共2名 91\.3", page)
    page = squash(text(b.get(f"/rankings/history/towns/{district.towns['T3'].id}")))
    assert re.search(r"2026-06 第2名 / 共2名 0\.0 黄牌", page)
    assert b.get(f"/rankings/history/escorts/{district.departments['D2'].id + 10_000}").status_code == 404
    assert b.get("/rankings/history/nothing/1").status_code == 404

    # 人员管理: the escort's page shows the ranking and the 黄牌 record.
    b, _admin = login_as("admin")
    page = squash(text(b.get(f"/staff/{e2.id}")))
    assert "排名与黄牌记录" in page and "近 2 个已发布月份中，黄牌 1 次。" in page
    helper = make.user(role="helper", department=district.departments["D1"])
    page = squash(text(b.get(f"/staff/{helper.id}")))
    assert "所在部门（职能部门榜）" in page and re.search(r"2026-06 第2名 / 共2名 70\.4 黄牌", page)

    b, _company = login_as("company")
    assert b.get(f"/rankings/history/escorts/{e2.id}").status_code == 403


def test_the_monthly_bulletin_is_a_word_document_made_from_the_publications(district, login_as, make):
    b, _manager = login_as("manager")
    response = b.get("/rankings/bulletin.docx?period=2026-06")
    assert response.status_code == 302  # nothing published yet
    assert "还没有发布的榜单" in text(b.follow(response))
    for board in ("escorts", "departments", "towns"):
        assert publish(b, board=board).status_code == 302
    response = b.client.get("/rankings/bulletin.docx?period=2026-06")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "助企陪跑晾晒比拼通报"
    assert "2026年第6期" in paragraphs
    for heading in ("一、总体情况", "二、晾晒比拼结果", "三、黄牌名单", "四、共性问题", "五、超期问题"):
        assert heading in paragraphs
    overview = next(p for p in paragraphs if p.startswith("2026年6月，"))
    # Visits in June: 05-31 no; 06-03, 06-05, 06-20, 06-30 = 4. Problems created in June: t2 t3 t4 t6 t7 t8
    # t10 t11 t12 t13 t14 = 11; closed: t1 t2 t6 t7 t14 = 5; rated: t1 t2 t7 t8 t14 = 5, 4 well.
    assert "走访企业 4 次，收集问题 11 个，办结 5 个" in overview and "满意率（满意与基本满意）80.0%" in overview
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    escorts, departments, towns, cards = tables[:4]
    assert escorts[0] == ["名次", "陪跑员", "综合得分", "黄牌"]
    assert escorts[1:] == [["1", "陪跑员甲", "86.1", ""], ["2", "陪跑员乙", "65.6", "黄牌"]]
    assert departments[1][:3] == ["1", "部门二", "91.3"]
    assert towns[1:] == [["1", "一镇", "58.3", ""], ["2", "三镇", "0.0", "黄牌"]]
    assert cards[1:] == [["陪跑员", "陪跑员乙", "2"], ["职能部门", "部门一", "2"], ["镇街", "三镇", "2"]]
    assert "样本不足、不参与排名：陪跑员丙。" in paragraphs
    # Overdue highlights: t4 (due 06-20) and t13 (06-08) are past their deadline at the end of June.
    overdue = tables[-1]
    assert [row[0] for row in overdue[1:]] == [district.tickets["t13"].number, district.tickets["t4"].number]

    for role in ("escort", "helper"):
        b, _user = login_as(role)
        assert b.get("/rankings/bulletin.docx?period=2026-06").status_code == 403
        assert "下载通报" not in text(b.get(JUNE_ESCORTS))


def test_latest_publication_is_the_highest_version(district, make):
    manager = make.user(role="manager")
    first = publish_board(manager, "towns", JUNE, now=AFTER)
    second = publish_board(manager, "towns", JUNE, reason="更正", now=AFTER)
    make.session.commit()
    assert latest_publication("towns", JUNE).id == second.id != first.id
