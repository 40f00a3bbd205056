"""Company spreadsheets: import (template, validation report, all-or-nothing) and XLSX export."""
import csv
import html
import io
import random
import re
import time
import tracemalloc

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage

from app.accounts.models import Role
from app.companies.importing import COLUMNS, EXPORT_HEADERS
from app.companies.models import Company, EscortAssignment
from app.companies.uscc import check_character, generate
from app.core.models import AuditLog
from app.core.spreadsheets import SpreadsheetError, read_table, safe_cell, stream_xlsx

HEADERS = [c.header for c in COLUMNS]
_rng = random.Random(20240601)


def new_code() -> str:
    return generate(_rng)


def bad_check_code() -> str:
    code = new_code()
    wrong = next(c for c in "0123456789" if c != code[17])
    return code[:17] + wrong


@pytest.fixture
def ref(make):
    """Reference data a spreadsheet names: a town, two industries, an escort."""
    town = make.town(name="城厢街道", code="chengxiang")
    make.town(name="旧镇", code="oldtown", active=False)
    industry = make.industry(code="C", name="制造业")
    make.industry(code="I", name="信息传输、软件和信息技术服务业")
    escort = make.user(role=Role.ESCORT, username="esc_wang", name="王陪跑")
    return {"town": town, "industry": industry, "escort": escort}


def row(**overrides) -> dict:
    values = {
        "企业名称": "杭州恒远精密机械有限公司",
        "统一社会信用代码": new_code(),
        "镇街": "城厢街道",
        "行业门类": "C",
        "陪跑类别": "新势力企业",
        "专精特新梯度": "",
        "规上企业": "否",
        "年营业收入（万元）": "1200.5",
        "从业人数": "85",
        "地址": "萧山区城厢街道育才路1号",
        "联系人": "李明",
        "联系电话": "13800000001",
        "陪跑员用户名": "",
    }
    values.update(overrides)
    return values


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业")
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8", headers=HEADERS) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return text.getvalue().encode(encoding)


def upload(browser, data: bytes, filename="companies.xlsx"):
    return browser.post(
        "/companies/import", {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def error_table(response) -> list[tuple[str, str, str, str]]:
    """The (行, 列, 内容, 问题) rows of the page's error table."""
    text = response.get_data(as_text=True)
    match = re.search(r'<table class="table table-sm table-bordered import-errors">(.*?)</table>', text, re.S)
    if not match:
        return []
    body = match.group(1).split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [html.unescape(c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows.append(tuple(cells))
    return rows


def company_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Company))


# --- template and access ------------------------------------------------------


def test_template_has_the_chinese_headers_and_choice_lists(login_as, ref):
    browser, _manager = login_as(Role.MANAGER)
    response = browser.client.get("/companies/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "企业名称", "统一社会信用代码", "镇街", "行业门类", "陪跑类别", "专精特新梯度", "规上企业",
        "年营业收入（万元）", "从业人数", "地址", "联系人", "联系电话", "陪跑员用户名",
    ]
    options = workbook["选项"]
    towns = [c.value for c in options["A"][1:] if c.value]
    assert towns == ["城厢街道"]  # the inactive town is not offered
    assert "C 制造业" in [c.value for c in options["B"][1:]]


@pytest.mark.parametrize("role, status", [
    (Role.ADMIN, 200), (Role.MANAGER, 200), (Role.ESCORT, 403), (Role.HELPER, 403), (Role.COMPANY, 403),
])
def test_who_may_import(login_as, role, status):
    browser, _user = login_as(role)
    assert browser.get("/companies/import").status_code == status
    assert browser.client.get("/companies/import/template.xlsx").status_code == status


def test_escort_cannot_post_an_import(login_as, ref, db_session):
    browser, _escort = login_as(Role.ESCORT)
    response = browser.post(
        "/companies/import", {"file": (io.BytesIO(xlsx_bytes([row()])), "a.xlsx")},
        content_type="multipart/form-data", form_page="/companies/",
    )
    assert response.status_code == 403
    assert company_count(db_session) == 0


def test_list_page_offers_import_to_managers_and_export_with_current_filters(login_as):
    browser, _manager = login_as(Role.MANAGER)
    text = browser.get("/companies/?category=upgrade&q=%E6%81%92").get_data(as_text=True)
    assert 'href="/companies/import"' in text
    export = re.search(r'href="(/companies/export\.xlsx[^"]*)"', text).group(1)
    assert "category=upgrade" in export and "q=%E6%81%92" in export

    escort_browser, _escort = login_as(Role.ESCORT)
    text = escort_browser.get("/companies/").get_data(as_text=True)
    assert 'href="/companies/import"' not in text
    assert "/companies/export.xlsx" in text


# --- import: happy paths ------------------------------------------------------------


def test_import_xlsx_creates_companies_and_assignments(login_as, ref, db_session):
    browser, manager = login_as(Role.MANAGER)
    first = row(**{"企业名称": "杭州恒远精密机械有限公司", "陪跑员用户名": "esc_wang", "规上企业": "是",
                   "专精特新梯度": "专精特新“小巨人”企业", "年营业收入（万元）": 25000})
    second = row(**{"企业名称": "杭州云帆软件有限公司", "行业门类": "信息传输、软件和信息技术服务业",
                    "陪跑类别": "upgrade", "镇街": "chengxiang", "从业人数": 12, "联系电话": 13900000002})
    response = upload(browser, xlsx_bytes([first, second]), "企业名单.xlsx")
    assert response.status_code == 302, error_table(response)
    page = browser.follow(response).get_data(as_text=True)
    assert "已从“企业名单.xlsx”导入 2 家企业，其中 1 家已分配陪跑员。" in page

    stored = {c.name: c for c in db_session.scalars(sa.select(Company))}
    hengyuan, yunfan = stored["杭州恒远精密机械有限公司"], stored["杭州云帆软件有限公司"]
    assert hengyuan.uscc == first["统一社会信用代码"]
    assert hengyuan.town_id == ref["town"].id and hengyuan.industry_id == ref["industry"].id
    assert (hengyuan.category, hengyuan.specialized_tier, hengyuan.is_above_scale) == ("new_force", "little_giant", True)
    assert hengyuan.annual_revenue == 25000 and hengyuan.employees == 85
    assert hengyuan.escort_id == ref["escort"].id
    assert (yunfan.category, yunfan.is_above_scale, yunfan.escort_id) == ("upgrade", False, None)
    assert yunfan.contact_phone == "13900000002" and yunfan.employees == 12
    assert yunfan.annual_revenue == pytest.approx(1200.5)

    assignment = db_session.scalars(sa.select(EscortAssignment)).one()
    assert (assignment.company_id, assignment.escort_id, assignment.ended_at) == (hengyuan.id, ref["escort"].id, None)
    assert assignment.reason == "批量导入" and assignment.assigned_by_id == manager.id

    log = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "companies_imported")).one()
    assert log.actor_id == manager.id
    assert log.after["count"] == 2 and log.after["assigned"] == 1
    assert sorted(log.after["company_ids"]) == sorted([hengyuan.id, yunfan.id])


def test_imported_company_appears_in_its_escorts_list(app, login_as, ref, db_session):
    browser, _manager = login_as(Role.MANAGER)
    assert upload(browser, xlsx_bytes([row(**{"企业名称": "杭州湘湖新材料有限公司", "陪跑员用户名": "ESC_WANG"})])).status_code == 302
    from tests.conftest import Browser

    escort_browser = Browser(app.test_client())
    assert escort_browser.login("esc_wang").status_code == 302
    assert "杭州湘湖新材料有限公司" in escort_browser.get("/companies/").get_data(as_text=True)


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
                         ids=["utf8", "utf8-bom", "gbk"])
def test_import_csv_in_the_encodings_excel_writes(login_as, ref, db_session, encoding, bom):
    browser, _manager = login_as(Role.MANAGER)
    data = bom + csv_bytes([row(**{"企业名称": "萧山钱江纺织印染有限公司", "陪跑类别": "“新雏鹰计划”培育企业",
                                   "地址": "萧山区瓜沥镇（东恩村）"})], encoding)
    response = upload(browser, data, "companies.csv")
    assert response.status_code == 302, error_table(response)
    company = db_session.scalars(sa.select(Company)).one()
    assert company.name == "萧山钱江纺织印染有限公司"
    assert company.category == "eaglet"
    assert company.address == "萧山区瓜沥镇（东恩村）"


def test_headers_may_differ_in_width_of_brackets_and_spaces(login_as, ref, db_session):
    browser, _manager = login_as(Role.MANAGER)
    r = row()
    headers = [h.replace("年营业收入（万元）", "年营业收入(万元)").replace("企业名称", " 企业名称* ") for h in HEADERS]
    r["年营业收入(万元)"] = r.pop("年营业收入（万元）")
    r[" 企业名称* "] = r.pop("企业名称")
    assert upload(browser, xlsx_bytes([r], headers=headers)).status_code == 302
    assert company_count(db_session) == 1


# --- import: every kind of bad row ------------------------------------------------------

EXISTING = new_code()
SAME = new_code()


@pytest.mark.parametrize("header, value, message", [
    ("企业名称", "", "请填写企业名称。"),
    ("企业名称", "长" * 201, "不能超过200个字符（当前201个）。"),
    ("统一社会信用代码", "", "请填写统一社会信用代码。"),
    ("统一社会信用代码", "91330109MA2", "统一社会信用代码应为18位，当前为11位。"),
    ("统一社会信用代码", "91330109MA2CDEFGHI", "统一社会信用代码含有不允许的字符：I（不使用 I、O、S、V、Z）。"),
    ("统一社会信用代码", bad_check_code(), "统一社会信用代码校验位不正确，请核对后重新输入。"),
    ("统一社会信用代码", EXISTING, "该统一社会信用代码已登记，不能重复添加。"),
    ("统一社会信用代码", SAME, "与第2行的统一社会信用代码重复。"),
    ("镇街", "", "请填写镇街。"),
    ("镇街", "火星街道", "找不到该镇街，请填写“选项”表中的镇街名称。"),
    ("镇街", "旧镇", "该镇街已停用。"),
    ("行业门类", "Q", "找不到该行业门类，请填写门类字母或名称。"),
    ("陪跑类别", "", "请填写陪跑类别。"),
    ("陪跑类别", "重点企业", "无法识别的陪跑类别"),
    ("专精特新梯度", "独角兽", "无法识别的专精特新梯度"),
    ("规上企业", "也许", "请填写“是”或“否”。"),
    ("年营业收入（万元）", "-5", "不能为负数。"),
    ("年营业收入（万元）", "一千万", "请填写数字。"),
    ("从业人数", "12.5", "请填写整数。"),
    ("从业人数", "20000000", "请输入合理的人数。"),
    ("联系电话", "1" * 33, "不能超过32个字符（当前33个）。"),
    ("陪跑员用户名", "nobody", "找不到该用户名。"),
    ("陪跑员用户名", "boss_li", "该用户不是陪跑员。"),
    ("陪跑员用户名", "esc_gone", "该陪跑员账号已停用。"),
])
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_imported(
        login_as, make, ref, db_session, header, value, message):
    make.company(uscc=EXISTING, town=ref["town"], industry=ref["industry"])
    make.user(role=Role.MANAGER, username="boss_li")
    make.user(role=Role.ESCORT, username="esc_gone", active=False)
    browser, _manager = login_as(Role.MANAGER)
    good = row(**{"统一社会信用代码": SAME})
    bad = row(**{"企业名称": "杭州第三行有限公司", header: value})
    before = company_count(db_session)

    response = upload(browser, xlsx_bytes([good, row(), bad]))

    assert response.status_code == 200
    errors = error_table(response)
    assert len(errors) == 1, errors
    line, column, shown, problem = errors[0]
    assert (line, column) == ("4", header)
    assert shown == str(value)[:100]
    assert problem.startswith(message)
    assert "未导入任何企业" in response.get_data(as_text=True)
    assert company_count(db_session) == before


def test_all_errors_of_all_rows_are_listed_in_order(login_as, ref, db_session):
    browser, _manager = login_as(Role.MANAGER)
    rows = [row(**{"镇街": "火星街道", "从业人数": "很多"}), row(), row(**{"统一社会信用代码": "123"})]
    response = upload(browser, csv_bytes(rows), "c.csv")
    assert [(e[0], e[1]) for e in error_table(response)] == [("2", "镇街"), ("2", "从业人数"), ("4", "统一社会信用代码")]
    assert "文件中有 3 处错误（涉及 2 行）" in response.get_data(as_text=True)
    assert company_count(db_session) == 0


def test_a_code_registered_while_importing_rolls_everything_back(login_as, make, ref, db_session, monkeypatch):
    """Validation passed, but by insert time someone else registered one of the codes."""
    from app.companies import importing

    taken = new_code()
    make.company(uscc=taken, town=ref["town"], industry=ref["industry"])
    real_load = importing._Lookups.load

    def load_before_the_other_user_saved(codes, usernames):
        lookups = real_load(codes, usernames)
        lookups.existing_codes.clear()
        return lookups

    monkeypatch.setattr(importing._Lookups, "load", staticmethod(load_before_the_other_user_saved))
    browser, _manager = login_as(Role.MANAGER)
    before = company_count(db_session)
    response = upload(browser, xlsx_bytes([row(), row(**{"统一社会信用代码": taken})]))
    assert response.status_code == 200
    assert "导入时发现部分统一社会信用代码刚被登记，未导入任何企业，请重新上传。" in response.get_data(as_text=True)
    assert company_count(db_session) == before
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "companies_imported")) == 0


def test_a_long_error_list_is_cut_at_500_with_the_total_shown(login_as, ref, db_session):
    browser, _manager = login_as(Role.MANAGER)
    response = upload(browser, csv_bytes([row(**{"镇街": "火星街道"}) for _ in range(600)]), "many.csv")
    errors = error_table(response)
    assert len(errors) == 500 and errors[-1][0] == "501"
    text = response.get_data(as_text=True)
    assert "文件中有 600 处错误（涉及 600 行）" in text and "以下仅列出前 500 处。" in text
    assert company_count(db_session) == 0


def test_missing_and_unknown_headers_are_reported_on_row_one(login_as, ref, db_session):
    browser, _manager = login_as(Role.MANAGER)
    headers = [h for h in HEADERS if h != "镇街"] + ["备注栏"]
    response = upload(browser, xlsx_bytes([row()], headers=headers))
    errors = error_table(response)
    assert ("1", "备注栏", "备注栏", "无法识别的列，请使用导入模板中的表头。") in errors
    assert ("1", "镇街", "", "缺少必填列“镇街”。") in errors
    assert company_count(db_session) == 0


@pytest.mark.parametrize("filename, data, message", [
    ("companies.xls", b"\xd0\xcf\x11\xe0 old excel", "只能上传 .xlsx 或 .csv 文件（.xls 等格式请在表格软件中另存为 .xlsx 或 .csv）。"),
    ("companies.xlsx", b"PK\x03\x04 this is not a workbook", "无法读取该 .xlsx 文件（文件损坏或不是 Excel 工作簿）。"),
    ("companies.csv", b"", "文件是空的。"),
    ("companies.csv", "企业名称\n".encode(), "文件中没有数据行（第1行为表头，数据从第2行开始）。"),
    ("companies.txt", b"hello", "只能上传 .xlsx 或 .csv 文件"),
])
def test_unreadable_files_get_a_clear_message(login_as, ref, db_session, filename, data, message):
    browser, _manager = login_as(Role.MANAGER)
    response = upload(browser, data, filename)
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    assert company_count(db_session) == 0


def test_read_table_caps_rows_and_size(app):
    data = csv_bytes([row() for _ in range(4)])
    with app.test_request_context():
        assert len(read_table(FileStorage(io.BytesIO(data), "a.csv"), max_rows=4)) == 4
        with pytest.raises(SpreadsheetError, match="数据超过 3 行"):
            read_table(FileStorage(io.BytesIO(data), "a.csv"), max_rows=3)
        with pytest.raises(SpreadsheetError, match="文件超过 0 MB"):
            read_table(FileStorage(io.BytesIO(data), "a.csv"), max_bytes=100)


def test_read_table_numbers_rows_as_the_spreadsheet_does(app):
    data = "企业名称,从业人数\n甲,1\n,\n乙,\n".encode()
    with app.test_request_context():
        assert read_table(FileStorage(io.BytesIO(data), "a.csv")) == [
            (2, {"企业名称": "甲", "从业人数": "1"}), (4, {"企业名称": "乙", "从业人数": None}),
        ]


@pytest.mark.slow
def test_5000_rows_import_in_well_under_30_seconds(login_as, ref, db_session, count_queries):
    browser, _manager = login_as(Role.MANAGER)
    rows = [row(**{"企业名称": f"杭州批量测试{i}有限公司", "陪跑员用户名": "esc_wang" if i % 2 else ""})
            for i in range(5000)]
    data = xlsx_bytes(rows)
    started = time.perf_counter()
    with count_queries() as queries:
        response = upload(browser, data, "5000.xlsx")
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row XLSX import (upload, read, validate, insert, commit): {elapsed:.2f} s, {queries.count} SQL statements")
    assert response.status_code == 302, error_table(response)[:5]
    assert company_count(db_session) == 5000
    assert db_session.scalar(sa.select(sa.func.count()).select_from(EscortAssignment)) == 2500
    assert elapsed < 30
    assert queries.count < 60  # reference data once, codes in chunks of 1,000, bulk inserts: nothing per row


# --- export -----------------------------------------------------------------------------


def read_export(response) -> list[list]:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [[c.value for c in r] for r in sheet.iter_rows()]


def test_export_contents_read_back(login_as, make, ref, db_session):
    make.company(name="杭州恒远精密机械有限公司", uscc="91330109MA2B2C3D4X"[:17] + check_character("91330109MA2B2C3D4X"[:17]),
                 town=ref["town"], industry=ref["industry"], category="upgrade", is_above_scale=True,
                 annual_revenue=21000, employees=150, contact_phone="0571-82000000", escort=ref["escort"])
    make.company(name="杭州云帆软件有限公司", town=ref["town"], industry=ref["industry"], category="specialized",
                 specialized_tier="tech_sme")
    browser, _manager = login_as(Role.MANAGER)
    response = browser.client.get("/companies/export.xlsx")
    assert "attachment" in response.headers["Content-Disposition"]
    table = read_export(response)
    assert table[0] == EXPORT_HEADERS
    by_name = {r[0]: dict(zip(EXPORT_HEADERS, r)) for r in table[1:]}
    assert list(by_name) == ["杭州云帆软件有限公司", "杭州恒远精密机械有限公司"]  # ordered by name, as the list
    hengyuan = by_name["杭州恒远精密机械有限公司"]
    assert hengyuan["镇街"] == "城厢街道"
    assert hengyuan["行业门类"] == "C 制造业"
    assert hengyuan["陪跑类别"] == "培育升规企业"
    assert hengyuan["规上企业"] == "是"
    assert hengyuan["年营业收入（万元）"] == 21000
    assert hengyuan["从业人数"] == 150
    assert hengyuan["联系电话"] == "0571-82000000"
    assert hengyuan["陪跑员用户名"] == "esc_wang" and hengyuan["陪跑员"] == "王陪跑"
    assert hengyuan["目标进度"] == "未开始"
    assert hengyuan["登记时间"] is not None
    assert by_name["杭州云帆软件有限公司"]["专精特新梯度"] == "科技型中小企业"
    assert by_name["杭州云帆软件有限公司"]["陪跑员用户名"] is None


def test_an_export_reimports_into_an_empty_registry(login_as, make, ref, db_session):
    """The export's first columns are the template's: export, delete, import gives the same companies."""
    make.company(name="杭州恒远精密机械有限公司", town=ref["town"], industry=ref["industry"], escort=ref["escort"],
                 specialized_tier="little_giant", annual_revenue=21000)
    browser, _manager = login_as(Role.MANAGER)
    table = read_export(browser.client.get("/companies/export.xlsx"))
    rows = [dict(zip(HEADERS, r[:len(HEADERS)])) for r in table[1:]]
    db_session.execute(sa.delete(EscortAssignment))
    db_session.execute(sa.delete(Company))
    db_session.commit()
    response = upload(browser, xlsx_bytes(rows))
    assert response.status_code == 302, error_table(response)
    company = db_session.scalars(sa.select(Company)).one()
    assert (company.specialized_tier, company.escort_id) == ("little_giant", ref["escort"].id)


def test_escort_exports_only_their_companies(login_as, make, ref):
    browser, escort = login_as(Role.ESCORT)
    make.company(name="我的企业甲", escort=escort)
    make.company(name="我的企业乙", escort=escort)
    make.company(name="别人的企业", escort=ref["escort"])
    make.company(name="未分配企业")
    names = [r[0] for r in read_export(browser.client.get("/companies/export.xlsx"))[1:]]
    assert sorted(names) == sorted(["我的企业甲", "我的企业乙"])
    # An escort cannot widen the scope with another escort's filter: it is not theirs to set, and is ignored.
    names = [r[0] for r in read_export(browser.client.get(f"/companies/export.xlsx?escort_id={ref['escort'].id}"))[1:]]
    assert sorted(names) == sorted(["我的企业甲", "我的企业乙"])


def test_export_applies_the_list_filters(login_as, make, ref):
    make.company(name="杭州升规甲公司", category="upgrade")
    make.company(name="杭州升规乙公司", category="upgrade", is_above_scale=True)
    make.company(name="杭州新势力公司", category="new_force")
    browser, _manager = login_as(Role.MANAGER)
    names = [r[0] for r in read_export(browser.client.get("/companies/export.xlsx?category=upgrade"))[1:]]
    assert sorted(names) == sorted(["杭州升规甲公司", "杭州升规乙公司"])
    names = [r[0] for r in read_export(browser.client.get("/companies/export.xlsx?category=upgrade&above_scale=1&page=3"))[1:]]
    assert names == ["杭州升规乙公司"]
    names = [r[0] for r in read_export(browser.client.get("/companies/export.xlsx?q=新势力"))[1:]]
    assert names == ["杭州新势力公司"]


def test_company_users_cannot_export(login_as):
    browser, _user = login_as(Role.COMPANY)
    assert browser.client.get("/companies/export.xlsx").status_code == 403


def test_export_escapes_formulas(login_as, make, ref):
    make.company(name='=HYPERLINK("http://evil.example","点我")', contact_name="@SUM(A1:A9)",
                 contact_phone="+86 571 8200", address="-2+3")
    make.company(name="\t=1+1", contact_name="\r=cmd|' /C calc'!A0")
    browser, _manager = login_as(Role.MANAGER)
    response = browser.client.get("/companies/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r]
    assert not any(c.data_type == "f" for c in cells)
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=HYPERLINK(\"http://evil.example\",\"点我\")" in values
    assert {"'@SUM(A1:A9)", "'+86 571 8200", "'-2+3", "'\t=1+1"} <= values
    # XML turns a bare CR into LF on reading; what matters is the quote in front of it.
    assert any(v.startswith("'") and v.endswith("=cmd|' /C calc'!A0") for v in values)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("杭州=公司", "杭州=公司"), ("", ""), (None, None), (-5, -5), (3.5, 3.5), ("a\x00b", "ab"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_stream_xlsx_memory_does_not_grow_with_rows(app):
    """Write-only streaming: 5,000 rows need about what 500 do (peak traced by tracemalloc)."""

    def peak(n: int) -> int:
        rows = ((f"杭州测试企业{i}有限公司", f"9133010900000{i:05d}", i, i * 1.5, "=x") for i in range(n))
        with app.test_request_context():
            tracemalloc.start()
            response = stream_xlsx("t.xlsx", ["名称", "代码", "序号", "金额", "公式"], rows)
            _current, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            response.close()
        return top

    small, large = peak(500), peak(5_000)
    print(f"\nstream_xlsx peak traced memory: 500 rows {small / 1e6:.2f} MB, 5,000 rows {large / 1e6:.2f} MB")
    assert large < small * 1.5 + 1_000_000
