"""The daily jobs, done in Chromium the way people do them: labels, buttons and links, in Chinese.

1. A company submits a problem with a PDF; escort1 accepts and escalates; manager1 dispatches to
   区税务局; helper1 signs and replies; the company rates 不满意, helper1 replies again, the company
   rates 满意. Every person sees the state and the deadline move.
2. escort1 on a phone logs a visit with two problems and a photo; the company sees both problems.
3. manager1: dashboard → an overdue count → the filtered list → rankings → the ledger XLSX.
4. The same first step in English.

Screenshots of the key screens are written by `shoot` (see conftest.py).
"""
import re

import openpyxl
import pytest

from tests.e2e.conftest import log_in, skip_reason

if skip_reason():  # conftest marks every test here skipped and prints why
    pytest.skip(skip_reason(), allow_module_level=True)
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

NUMBER = re.compile(r"XS-\d{4}-\d{6}")
DAY = r"\d{4}-\d{2}-\d{2}"
TIMESTAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"


# ---------------------------------------------------------------- what a person reads on a page

def fact(page, term: str):
    """The value next to a label in a page's facts list (<dt>term</dt><dd>value</dd>)."""
    return page.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(term)}$")) \
        .locator("xpath=following-sibling::dd[1]")


def staff_due(page) -> str:
    """'当前期限' on the staff ticket page (the deadline of the step now owed)."""
    expect(fact(page, "当前期限")).to_have_text(re.compile(TIMESTAMP))
    return re.search(TIMESTAMP, fact(page, "当前期限").inner_text()).group(0)


def portal_due(page) -> str:
    """'时限' on the company's problem page: '办理期限 YYYY-MM-DD' while someone works on it."""
    expect(fact(page, "时限")).to_have_text(re.compile(f"办理期限 {DAY}"))
    return re.search(DAY, fact(page, "时限").inner_text()).group(0)


def portal_status(page, number: str):
    """The state shown next to the problem's number at the top of the company's page."""
    return page.get_by_text(number, exact=True).locator("xpath=following-sibling::span[1]")


def open_ticket_as_staff(page, number: str):
    page.get_by_role("navigation").get_by_role("link", name="问题工单", exact=True).click()
    expect(page.get_by_role("heading", name="问题工单", level=1)).to_be_visible()
    page.get_by_role("textbox", name="搜索").fill(number)
    page.get_by_role("button", name="筛选", exact=True).click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def act(page, button: str, **fields):
    """Fill an action form's fields (by label) and press its button; wait for the page that follows."""
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="该问题已被他人修改")).to_have_count(0)


# ---------------------------------------------------------------- 1. the problem loop

def submit_problem(page, title: str, pdf, *, labels: dict, category: str, shoot=None, shot: str = ""):
    """The company's first step: the portal form with one attachment. Returns the problem number."""
    page.get_by_role("navigation").get_by_role("link", name=labels["submit_link"]).click()
    expect(page.get_by_role("heading", name=labels["submit_link"], level=1)).to_be_visible()
    page.get_by_label(labels["title"]).fill(title)
    page.get_by_label(labels["description"]).fill(labels["description_text"])
    page.get_by_label(labels["category"]).select_option(label=category)
    page.get_by_label(labels["urgency_ordinary"], exact=True).check()
    page.get_by_label(labels["attachments"]).set_input_files(str(pdf))
    if shoot:
        shoot(page, shot)
    page.get_by_role("button", name=labels["submit_button"]).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    number = NUMBER.search(page.get_by_role("main").inner_text()).group(0)
    expect(page.get_by_role("link", name=pdf.name).first).to_be_visible()
    return number


ZH = {
    "submit_link": "提交问题", "title": "问题标题", "description": "问题描述", "category": "问题类别",
    "urgency_ordinary": "一般", "attachments": "附件（可选）", "submit_button": "提交问题",
    "description_text": "我司研发费用加计扣除的备案材料被退回两次，不清楚还缺哪些材料，希望税务部门给予指导。",
}


def test_problem_loop_from_submission_to_satisfied(people, files, shoot):
    title = "研发费用加计扣除备案材料被退回"
    company = people.login("company1")
    expect(company.get_by_role("heading", name="我的问题", level=1)).to_be_visible()

    # The company submits the problem with a PDF and sees it waiting for its escort, with a deadline.
    number = submit_problem(company, title, files["pdf"], labels=ZH, category="政策兑现",
                            shoot=shoot, shot="01-company-submits-problem")
    expect(company.get_by_role("alert").filter(has_text=number)).to_contain_text("问题已提交")
    expect(portal_status(company, number)).to_have_text("待受理")
    due_submitted = portal_due(company)

    # escort1 finds it in the list, opens the PDF's link, accepts and escalates it.
    escort = people.login("escort1")
    open_ticket_as_staff(escort, number)
    expect(fact(escort, "状态")).to_have_text("待受理")
    expect(escort.get_by_role("link", name=files["pdf"].name).first).to_be_visible()
    accept_due = staff_due(escort)
    assert accept_due.startswith(due_submitted)
    act(escort, "受理")
    expect(fact(escort, "状态")).to_have_text("已受理")
    expect(fact(escort, "受理期限")).to_contain_text("已于")
    act(escort, "提请交办", 提请交办的理由="涉及税务政策口径，需要区税务局答复。")
    expect(fact(escort, "状态")).to_have_text("待交办")

    # manager1 dispatches it to 区税务局 (helper1's department): the sign-for deadline starts.
    manager = people.login("manager1")
    open_ticket_as_staff(manager, number)
    expect(fact(manager, "状态")).to_have_text("待交办")
    manager.get_by_label("承办部门", exact=True).select_option(label="区税务局")
    act(manager, "交办")
    expect(fact(manager, "状态")).to_have_text("已交办")
    expect(fact(manager, "承办部门")).to_have_text("区税务局")
    sign_due = staff_due(manager)
    expect(fact(manager, "签收期限")).to_contain_text(sign_due)

    # helper1 signs (the reply deadline starts) and replies.
    helper = people.login("helper1")
    open_ticket_as_staff(helper, number)
    expect(fact(helper, "状态")).to_have_text("已交办")
    act(helper, "签收")
    expect(fact(helper, "状态")).to_have_text("办理中")
    reply_due = staff_due(helper)
    assert reply_due > sign_due, (sign_due, reply_due)
    expect(fact(helper, "办理期限")).to_have_text(reply_due)
    shoot(helper, "02-helper-works-the-problem")
    act(helper, "答复", 答复内容="备案需补充研发项目立项决议和研发人员工时记录，已将材料清单发送企业联系人。")
    expect(fact(helper, "状态")).to_have_text("已答复")
    expect(fact(helper, "当前期限")).to_have_count(0)
    expect(fact(helper, "自动办结")).to_contain_text("前未评价将自动办结")

    # The company sees the answer with the date to rate it by, and is not satisfied.
    company.reload()
    expect(portal_status(company, number)).to_have_text("已答复")
    expect(company.get_by_text("答复意见（待您评价）")).to_be_visible()
    expect(fact(company, "时限")).to_have_text(re.compile(f"请于 {DAY} 前评价"))
    company.get_by_label("不满意", exact=True).check()
    company.get_by_label("评价意见").fill("材料清单不完整，工时记录的格式要求没有说明。")
    shoot(company, "03-company-rates-the-answer")
    company.get_by_role("button", name="提交评价").click()
    expect(company.get_by_role("alert").filter(has_text="将重新办理")).to_be_visible()
    expect(portal_status(company, number)).to_have_text("办理中")
    due_reopened = portal_due(company)

    # Back with helper1, who answers again.
    helper.reload()
    expect(fact(helper, "状态")).to_have_text("办理中")
    expect(fact(helper, "重新办理")).to_have_text("1 次")
    assert staff_due(helper).startswith(due_reopened)
    act(helper, "答复", 答复内容="已补充工时记录模板及填写说明，并约定下周上门辅导。")
    expect(fact(helper, "状态")).to_have_text("已答复")

    # The company is satisfied: the problem is closed and no deadline is shown any more.
    company.reload()
    expect(portal_status(company, number)).to_have_text("已答复")
    company.get_by_label("满意", exact=True).check()
    company.get_by_role("button", name="提交评价").click()
    expect(company.get_by_role("alert").filter(has_text="已办结")).to_be_visible()
    expect(portal_status(company, number)).to_have_text("已办结")
    expect(fact(company, "时限")).to_have_count(0)
    expect(fact(company, "结束时间")).to_have_text(re.compile(TIMESTAMP))

    # Everyone else sees it closed, rated 满意.
    for page in (escort, manager, helper):
        page.reload()
        expect(fact(page, "状态")).to_have_text("已办结")
        expect(fact(page, "评价")).to_have_text("满意")
        expect(fact(page, "当前期限")).to_have_count(0)
    company.get_by_role("link", name="我的问题").first.click()
    expect(company.get_by_role("link", name=re.compile(f"{number} 已办结"))).to_be_visible()


# ---------------------------------------------------------------- 2. a visit logged on a phone

def test_escort_logs_a_visit_on_a_phone(people, server, files, shoot):
    company_name = server.company_of("company1")  # the company escort1 serves and company1 works for
    problems = [
        ("厂区周边道路货车限行，原料运输受阻", "物流",
         "每天早晚高峰货车禁行，原料只能夜间进厂，希望协调调整限行时段。", False),
        ("急需招聘三十名挡车工", "用工人才",
         "新增两条印染生产线，一线挡车工缺口约三十人，希望对接镇街招聘会。", True),
    ]
    escort = people.login("escort1", phone=True)
    expect(escort.get_by_role("heading", name="我的工作台", level=1)).to_be_visible()
    shoot(escort, "04-escort-home-phone")

    escort.get_by_role("link", name="＋ 记录走访").first.click()  # on top of the workbench
    escort.get_by_role("link", name=re.compile(re.escape(company_name))).click()
    expect(escort.get_by_role("heading", name="记录走访", level=1)).to_be_visible()
    expect(escort.get_by_role("link", name=company_name)).to_be_visible()
    expect(escort.get_by_label("走访日期")).to_have_value(re.compile(DAY))
    escort.get_by_label("实地走访").check()
    escort.get_by_text("更多：参与人员").click()  # the optional fields are folded
    escort.get_by_label("参与人员").fill("企业总经理陈国强、生产部经理王磊、陪跑员李晓明")
    escort.get_by_label("走访情况").fill("实地查看新建印染车间，了解扩产进度，企业反映物流和用工两方面困难。")
    escort.get_by_label("生产经营状况").fill("1—10月产值同比增长12%，订单已排至明年二月，现有员工320人。")
    escort.get_by_label("下一步工作").fill("两周内回访，跟进限行时段协调和招聘会对接情况。")
    for index, (title, category, description, urgent) in enumerate(problems, start=1):
        row = escort.get_by_role("group", name=f"问题 {index}")
        row.get_by_label("问题标题").fill(title)
        row.get_by_label("问题类别").select_option(label=category)
        row.get_by_label("问题描述").fill(description)
        if urgent:
            row.get_by_label("紧急").check()
    escort.get_by_label("现场照片").set_input_files(str(files["photo"]))
    escort.get_by_role("group", name="问题 1").scroll_into_view_if_needed()
    shoot(escort, "05-escort-logs-visit-phone")
    escort.get_by_role("button", name="保存走访记录").click()

    expect(escort.get_by_role("alert").filter(has_text="走访记录已保存")).to_contain_text("2 个问题已生成工单")
    expect(escort.get_by_role("heading", name="走访记录", level=1)).to_be_visible()
    for title, *_rest in problems:  # collected by the escort: accepted as saved
        expect(escort.get_by_role("listitem").filter(has_text=title)).to_contain_text("已受理")
    photo = escort.get_by_role("img", name=files["photo"].name)
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 160

    # The company sees both problems in its list, already accepted by its escort.
    company = people.login("company1", phone=True)
    expect(company.get_by_role("heading", name="我的问题", level=1)).to_be_visible()
    for title, *_rest in problems:
        expect(company.get_by_role("link", name=re.compile(re.escape(title)))).to_contain_text("已受理")
    shoot(company, "06-company-problem-list-phone")
    company.get_by_role("link", name=re.compile(re.escape(problems[1][0]))).click()
    expect(company.get_by_role("heading", name=problems[1][0], level=1)).to_be_visible()
    expect(fact(company, "紧急程度")).to_have_text("紧急")


# ---------------------------------------------------------------- 3. the manager's overview

def test_manager_drills_from_dashboard_to_ledger(people, tmp_path, shoot):
    manager = people.login("manager1")
    expect(manager.get_by_role("heading", name="跟踪监测", level=1)).to_be_visible()
    shoot(manager, "07-manager-dashboard")

    # The overdue bar of a department in the chart "按承办部门" says how many; clicking it filters the list.
    chart = manager.get_by_role("img", name="按承办部门")
    bar = chart.get_by_role("link", name=re.compile(r" · 已超期：\d+$")).first
    department, count = re.fullmatch(r"(.+) · 已超期：(\d+)", bar.text_content().strip()).groups()
    bar.click()
    expect(manager.get_by_role("heading", name="问题工单", level=1)).to_be_visible()
    expect(manager.get_by_label("已超期")).to_be_checked()
    expect(manager.get_by_label("承办部门", exact=True).locator("option:checked")).to_have_text(department)
    expect(manager.get_by_text(f"共 {count} 条")).to_be_visible()
    rows = manager.get_by_role("table").get_by_role("row").filter(has=manager.get_by_role("cell"))
    expect(rows).to_have_count(int(count))
    listed = set()
    for row in rows.all():
        expect(row).to_contain_text(department)
        expect(row).to_contain_text(re.compile(r"超期 \d+ 个工作日"))
        listed.add(NUMBER.search(row.inner_text()).group(0))
    list_url = manager.url

    # Rankings: the escorts' board, then the departments'.
    manager.get_by_role("navigation").get_by_role("link", name="晾晒比拼").click()
    expect(manager.get_by_role("heading", name="晾晒比拼", level=1)).to_be_visible()
    expect(manager.get_by_role("columnheader", name="综合得分").first).to_be_visible()
    shoot(manager, "08-rankings")
    manager.get_by_role("link", name="职能部门榜").click()
    expect(manager.get_by_role("columnheader", name="部门", exact=True).first).to_be_visible()
    expect(manager.get_by_role("cell", name="区税务局", exact=True).first).to_be_visible()

    # Back to the filtered list; the ledger export carries its filters.
    manager.goto(list_url)
    expect(manager.get_by_label("已超期")).to_be_checked()
    with manager.expect_download() as download_info:
        manager.get_by_role("link", name=re.compile("导出")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, *data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["编号", "企业名称"], header
    column = {name: index for index, name in enumerate(header)}
    assert {r[column["编号"]] for r in data} == listed
    for r in data:
        assert r[column["承办部门"]] == department
        assert r[column["是否超期"]] == "是"
        assert int(r[column["超期工作日"]]) >= 1


# ---------------------------------------------------------------- 4. the same first step in English

def test_company_submits_a_problem_in_english(people, files, shoot, english):
    """Signed in, the company switches to English in the footer and files a problem: every label,
    button and state it uses is the English catalogue's."""
    company = people.login("company2")
    expect(company.get_by_role("heading", name="我的问题", level=1)).to_be_visible()
    company.get_by_role("button", name="English").click()
    try:
        expect(company.locator("html")).to_have_attribute("lang", "en")
        expect(company.get_by_role("heading", name=english("我的问题"), level=1)).to_be_visible()
        labels = {key: english(value) for key, value in ZH.items() if key != "description_text"}
        labels["description_text"] = "Our export licence renewal has been pending for six weeks; please advise."
        title = "Export licence renewal delayed"
        number = submit_problem(company, title, files["english_pdf"], labels=labels, category=english("审批"))
        expect(company.get_by_role("alert").filter(has_text=number)).to_be_visible()
        expect(portal_status(company, number)).to_have_text(english("待受理"))
        expect(fact(company, english("时限"))).to_contain_text(english("办理期限"))
        shoot(company, "09-company-problem-english")
    finally:
        company.get_by_role("button", name="中文").click()  # company2 reads Chinese again in later runs
    expect(company.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(company.get_by_role("heading", level=1)).to_contain_text("Export licence renewal delayed")
    expect(portal_status(company, number)).to_have_text("待受理")


def test_language_chosen_on_the_login_page_is_kept_after_signing_in(people, english):
    page = people.open()
    page.goto("/auth/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=english("登录陪跑平台"), level=1)).to_be_visible()
    try:
        log_in(page, "company2", labels=(english("用户名"), english("密码"), english("登录")))
        expect(page.get_by_role("heading", name=english("我的问题"), level=1)).to_be_visible(timeout=2_000)
    finally:
        page.get_by_role("button", name="中文").click()
