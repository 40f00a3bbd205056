"""The company portal: submitting with attachments, following a problem, comments, withdraw and rating."""
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.core.models import Notification
from app.tickets import services
from app.tickets.attachments import save_attachment
from app.tickets.models import Attachment, Ticket, TicketEvent
from tests.conftest import Browser
from tests.tickets.helpers import MONDAY, World

# The smallest file that is a PDF by its content (what stored_files.sniff looks at).
TINY_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
STALE = "该问题已被他人修改，请查看最新内容后重试。"


def _text(response) -> str:
    return response.get_data(as_text=True)


def pdf(name="营业执照.pdf", content=TINY_PDF):
    return (io.BytesIO(content), name)


def sign_in(app, user) -> Browser:
    b = Browser(app.test_client())
    response = b.login(user.username)
    assert response.status_code == 302
    return b


def fresh(db_session, model, id_):
    db_session.expire_all()
    return db_session.get(model, id_)


def stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*")}


def page_version(text: str, action: str) -> str:
    """The hidden version in the form posting to `action` on the problem page."""
    form = text.split(f"/actions/{action}", 1)[1].split("</form>", 1)[0]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def ticket_count(db_session, company) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(Ticket.company_id == company.id))


def attachment_count(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Attachment))


@pytest.fixture
def world(make):
    return World(make)


@pytest.fixture
def company_browser(app, world):
    return sign_in(app, world.company_user)


PROBLEM = {"title": "厂房扩建用地指标落实难", "description": "二期厂房已立项，用地指标半年未落实。", "category": "land",
           "urgency": "urgent"}


# ---------------------------------------------------------------- submitting

def test_company_user_lands_on_portal_with_its_nav(app, world):
    b = Browser(app.test_client())
    home = b.follow(b.login(world.company_user.username))
    assert home.headers["Location"] == "/portal/"
    page = b.follow(home)
    text = _text(page)
    assert page.status_code == 200
    for label in ("我的问题", "提交问题", "企业信息"):
        assert label in text
    company_url = f"/companies/{world.company.id}"
    assert f'href="{company_url}"' in text
    assert b.get(company_url).status_code == 200


def test_submit_with_pdf_lists_it_with_number_and_due_date_and_notifies_the_escort(app, world, company_browser,
                                                                                   db_session):
    response = company_browser.post("/portal/problems/new", {**PROBLEM, "attachments": [pdf()]},
                                    content_type="multipart/form-data")
    assert response.status_code == 302, _text(response)[:2000]
    ticket = db_session.scalars(sa.select(Ticket).where(Ticket.company_id == world.company.id)).one()
    assert response.headers["Location"] == f"/portal/problems/{ticket.id}"
    detail = _text(company_browser.follow(response))
    assert ticket.number in detail and "营业执照.pdf" in detail and "待受理" in detail

    assert (ticket.status, ticket.source, ticket.urgency, ticket.category) == ("submitted", "portal", "urgent", "land")
    assert ticket.created_by_id == world.company_user.id and ticket.escort_id == world.escort.id

    home = _text(company_browser.get("/portal/"))
    assert ticket.number in home and PROBLEM["title"] in home and "待受理" in home
    from flask_babel import format_datetime
    with app.test_request_context():
        due = format_datetime(ticket.due_at, "yyyy-MM-dd")
    assert f"办理期限 {due}" in home

    attachment = db_session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id)).one()
    assert attachment.filename == "营业执照.pdf" and attachment.public
    assert (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).read_bytes() == TINY_PDF
    submit_event = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).one()
    assert attachment.event_id == submit_event.id

    notes = db_session.scalars(sa.select(Notification).where(Notification.user_id == world.escort.id)).all()
    assert [n.kind for n in notes] == ["ticket_new"] and ticket.number in notes[0].title

    download = company_browser.get(f"/portal/problems/{ticket.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == TINY_PDF


def test_posted_company_status_escort_and_department_are_ignored(app, world, make, company_browser, db_session):
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    response = company_browser.post("/portal/problems/new", {
        **PROBLEM, "company_id": other_company.id, "status": "closed", "escort_id": other_escort.id,
        "department_id": world.department.id, "source": "hotline", "helper_id": world.helper.id,
    })
    assert response.status_code == 302
    assert ticket_count(db_session, other_company) == 0
    ticket = db_session.scalars(sa.select(Ticket).where(Ticket.company_id == world.company.id)).one()
    assert ticket.status == "submitted" and ticket.source == "portal"
    assert ticket.escort_id == world.escort.id
    assert ticket.department_id is None and ticket.helper_id is None


def test_missing_fields_are_reported_on_their_fields(world, company_browser, db_session):
    response = company_browser.post("/portal/problems/new", {"title": "  ", "description": "", "category": ""})
    text = _text(response)
    assert response.status_code == 400
    assert "请填写问题标题。" in text and "请描述遇到的问题。" in text and "请选择问题类别。" in text
    assert ticket_count(db_session, world.company) == 0


REFUSED_UPLOADS = {
    "exe": ((b"MZ\x90\x00" + b"\x00" * 60, "setup.exe"), "文件类型不允许"),
    "text-as-pdf": ((b"just some text, not a PDF at all", "报表.pdf"), "内容与扩展名不符"),
    "too-big": ((b"%PDF-1.4\n" + b"0" * (1536 * 1024) + b"\n%%EOF", "扫描件.pdf"), "超过 1 MB 的大小限制"),
}


@pytest.mark.parametrize("case", REFUSED_UPLOADS)
def test_refused_upload_says_why_keeps_the_form_and_stores_nothing(app, world, company_browser, db_session,
                                                                   monkeypatch, case):
    (content, name), reason = REFUSED_UPLOADS[case]
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)  # restored after the test
    files_before = stored_files(app)
    attachments_before = attachment_count(db_session)
    # A valid file next to the refused one must not be stored either.
    response = company_browser.post("/portal/problems/new", {
        **PROBLEM, "attachments": [pdf("合同.pdf"), (io.BytesIO(content), name)]})
    text = _text(response)
    assert response.status_code == 400
    assert reason in text and name in text
    assert 'class="form-control is-invalid"' in text  # the message sits on the file field
    assert f'value="{PROBLEM["title"]}"' in text and PROBLEM["description"] in text
    assert re.search(r'<option selected value="land">', text)
    assert ticket_count(db_session, world.company) == 0
    assert attachment_count(db_session) == attachments_before
    assert stored_files(app) == files_before
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.escort.id)) == 0


def test_a_failure_after_files_were_written_removes_them(app, world, company_browser, db_session, monkeypatch):
    from app.portal import views
    from app.tickets.attachments import AttachmentError

    calls = []

    def failing_second(actor, ticket, file_storage, **kw):
        calls.append(file_storage.filename)
        if len(calls) == 2:
            raise AttachmentError("磁盘空间不足，请稍后再试。")
        return save_attachment(actor, ticket, file_storage, **kw)

    monkeypatch.setattr(views, "save_attachment", failing_second)
    files_before = stored_files(app)
    response = company_browser.post("/portal/problems/new", {**PROBLEM, "attachments": [pdf("一.pdf"), pdf("二.pdf")]})
    assert response.status_code == 400
    assert "磁盘空间不足" in _text(response) and PROBLEM["description"] in _text(response)
    assert len(calls) == 2
    assert stored_files(app) == files_before
    assert ticket_count(db_session, world.company) == 0


# ---------------------------------------------------------------- following a problem

def test_company_sees_only_public_events_and_attachments(app, world, company_browser, db_session):
    ticket = world.new_ticket()
    world.act(world.escort, ticket, "accept")
    services.add_comment(world.escort, ticket, body="请补充近三年用电数据。", now=MONDAY)
    services.add_comment(world.escort, ticket, body="内部：该企业去年有欠税记录", internal=True, now=MONDAY)
    world.act(world.manager, ticket, "supervise", level="supervise")
    secret = save_attachment(world.escort, ticket, FileStorage(io.BytesIO(TINY_PDF), "内部研判.pdf"), public=False)
    db_session.commit()

    text = _text(company_browser.get(f"/portal/problems/{ticket.id}"))
    assert "请补充近三年用电数据。" in text and "受理" in text
    assert "内部：该企业去年有欠税记录" not in text
    assert "督办" not in text
    assert "内部研判.pdf" not in text
    assert company_browser.get(f"/portal/problems/{ticket.id}/attachments/{secret.id}").status_code == 404


def test_comment_with_attachment_and_the_escort_is_told(app, world, company_browser, db_session):
    ticket = world.new_ticket()
    url = f"/portal/problems/{ticket.id}"
    response = company_browser.post(f"{url}/comments", {"body": "补充：附上用电申请回执。",
                                                        "attachments": [pdf("回执.pdf")]}, form_page=url)
    assert response.status_code == 302
    text = _text(company_browser.follow(response))
    assert "补充：附上用电申请回执。" in text and "回执.pdf" in text
    event = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                            TicketEvent.kind == "comment")).one()
    assert event.public
    assert db_session.scalars(sa.select(Attachment.event_id).where(Attachment.filename == "回执.pdf")).one() == event.id
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.escort.id, Notification.kind == "ticket_comment")) == 1


def test_empty_comment_and_bad_comment_file_are_refused_keeping_the_text(app, world, company_browser, db_session):
    ticket = world.new_ticket()
    url = f"/portal/problems/{ticket.id}"
    empty = company_browser.post(f"{url}/comments", {"body": " "}, form_page=url)
    assert empty.status_code == 400 and "请填写内容。" in _text(empty)
    files_before = stored_files(app)
    bad = company_browser.post(f"{url}/comments", {"body": "见附件", "attachments": [(io.BytesIO(b"hi"), "a.pdf")]},
                               form_page=url)
    assert bad.status_code == 400 and "内容与扩展名不符" in _text(bad) and "见附件" in _text(bad)
    assert stored_files(app) == files_before
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "comment")) == 0


def test_no_new_files_on_a_finished_problem(world, company_browser, db_session):
    ticket = world.ticket_in("closed")
    url = f"/portal/problems/{ticket.id}"
    assert 'name="attachments"' not in _text(company_browser.get(url))
    response = company_browser.post(f"{url}/comments", {"body": "再补充一点", "attachments": [pdf()]}, form_page=url)
    assert response.status_code == 400 and "不能再上传附件" in _text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(
        Attachment.ticket_id == ticket.id)) == 0


# ---------------------------------------------------------------- withdraw

def test_withdraw_before_an_answer(world, company_browser, db_session):
    ticket = world.ticket_in("accepted")
    url = f"/portal/problems/{ticket.id}"
    page = _text(company_browser.get(url))
    assert "撤回问题" in page
    response = company_browser.post(f"{url}/actions/withdraw",
                                    {"version": page_version(page, "withdraw"), "reason": "已自行解决"}, form_page=url)
    assert response.status_code == 302
    text = _text(company_browser.follow(response))
    assert "已撤回" in text and "撤回原因：已自行解决" in text
    assert fresh(db_session, Ticket, ticket.id).status == "withdrawn"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.escort.id, Notification.kind == "ticket_withdrawn")) == 1


def test_withdraw_refused_after_a_reply(world, company_browser, db_session):
    ticket = world.ticket_in("replied")
    url = f"/portal/problems/{ticket.id}"
    assert "/actions/withdraw" not in _text(company_browser.get(url))
    response = company_browser.post(f"{url}/actions/withdraw", {"version": ticket.version}, form_page=url)
    assert response.status_code == 409
    assert "问题当前状态为“已答复”，不能执行“撤回”。" in _text(response)
    assert fresh(db_session, Ticket, ticket.id).status == "replied"


def test_stale_withdraw_keeps_the_reason_and_works_after_a_look(world, company_browser, db_session):
    ticket = world.new_ticket()
    url = f"/portal/problems/{ticket.id}"
    old_version = page_version(_text(company_browser.get(url)), "withdraw")
    world.act(world.escort, ticket, "accept")  # meanwhile
    response = company_browser.post(f"{url}/actions/withdraw", {"version": old_version, "reason": "已找到供应商"},
                                    form_page=url)
    text = _text(response)
    assert response.status_code == 409
    assert STALE in text and "已找到供应商" in text and "已受理" in text
    assert fresh(db_session, Ticket, ticket.id).status == "accepted"
    retry = company_browser.post(f"{url}/actions/withdraw",
                                 {"version": page_version(text, "withdraw"), "reason": "已找到供应商"}, form_page=url)
    assert retry.status_code == 302
    assert fresh(db_session, Ticket, ticket.id).status == "withdrawn"


# ---------------------------------------------------------------- rating

def rate(browser, ticket, rating, comment="", version=None):
    url = f"/portal/problems/{ticket.id}"
    page = _text(browser.get(url))
    version = version if version is not None else page_version(page, "rate")
    return browser.post(f"{url}/actions/rate", {"version": version, "rating": rating, "comment": comment},
                        form_page=url)


def test_rating_satisfied_closes(world, company_browser, db_session):
    ticket = world.ticket_in("replied")
    page = _text(company_browser.get(f"/portal/problems/{ticket.id}"))
    assert "已协调供电公司，本周内完成增容。" in page and "答复意见（待您评价）" in page
    response = rate(company_browser, ticket, "satisfied", "很及时")
    assert response.status_code == 302
    assert "已办结" in _text(company_browser.follow(response))
    stored = fresh(db_session, Ticket, ticket.id)
    assert (stored.status, stored.rating, stored.rating_comment) == ("closed", "satisfied", "很及时")
    assert stored.closed_at is not None


def test_unsatisfied_without_a_comment_is_refused(world, company_browser, db_session):
    ticket = world.ticket_in("replied")
    response = rate(company_browser, ticket, "unsatisfied", "  ")
    assert response.status_code == 400
    assert "选择“不满意”时请说明原因。" in _text(response)
    stored = fresh(db_session, Ticket, ticket.id)
    assert (stored.status, stored.rating, stored.reopen_count) == ("replied", None, 0)


def test_unsatisfied_with_a_comment_reopens_and_tells_the_helper(world, company_browser, db_session):
    ticket = world.ticket_in("replied")
    response = rate(company_browser, ticket, "unsatisfied", "增容仍未完成")
    assert response.status_code == 302
    text = _text(company_browser.follow(response))
    assert "办理中" in text and "重新办理" in text and "增容仍未完成" in text
    stored = fresh(db_session, Ticket, ticket.id)
    assert (stored.status, stored.reopen_count) == ("in_progress", 1)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.helper.id, Notification.kind == "ticket_reopened")) == 1


def test_stale_rating_keeps_the_typed_comment(world, company_browser, db_session):
    ticket = world.ticket_in("replied")
    url = f"/portal/problems/{ticket.id}"
    old_version = page_version(_text(company_browser.get(url)), "rate")
    world.act(world.manager, ticket, "supervise", level="remind")  # bumps the version; rating still allowed
    response = rate(company_browser, ticket, "unsatisfied", "答复没有说明办理时间", version=old_version)
    assert response.status_code == 409
    assert STALE in _text(response) and "答复没有说明办理时间" in _text(response)
    assert fresh(db_session, Ticket, ticket.id).status == "replied"


def test_unknown_action_is_404(world, company_browser):
    ticket = world.new_ticket()
    url = f"/portal/problems/{ticket.id}"
    assert company_browser.post(f"{url}/actions/accept", {"version": ticket.version}, form_page=url).status_code == 404


# ---------------------------------------------------------------- who may use the portal

def test_another_companys_problem_is_404_everywhere(app, world, make, company_browser, db_session):
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    other_user = make.user(role="company", company=other_company)
    theirs = services.submit_ticket(other_user, other_company, services.NewTicket("他们的问题", "描述", "market"),
                                    now=MONDAY)
    attachment = save_attachment(other_user, theirs, FileStorage(io.BytesIO(TINY_PDF), "他们的.pdf"))
    db_session.commit()
    url = f"/portal/problems/{theirs.id}"
    own = world.new_ticket()
    form_page = f"/portal/problems/{own.id}"
    assert company_browser.get(url).status_code == 404
    assert company_browser.get(f"{url}/attachments/{attachment.id}").status_code == 404
    for action in ("withdraw", "rate"):
        response = company_browser.post(f"{url}/actions/{action}", {"version": theirs.version, "rating": "satisfied"},
                                        form_page=form_page)
        assert response.status_code == 404
    assert company_browser.post(f"{url}/comments", {"body": "x"}, form_page=form_page).status_code == 404
    # Nor may one borrow another problem's id for an attachment of theirs.
    assert company_browser.get(f"{form_page}/attachments/{attachment.id}").status_code == 404
    assert "他们的问题" not in _text(company_browser.get("/portal/"))
    assert fresh(db_session, Ticket, theirs.id).status == "submitted"


@pytest.mark.parametrize("role", ["admin", "manager", "escort", "helper"])
@pytest.mark.parametrize("url", ["/portal/", "/portal/problems/new"])
def test_staff_may_not_use_the_portal(login_as, role, url):
    b, _user = login_as(role)
    assert b.get(url).status_code == 403


def test_staff_may_not_use_portal_pages_of_a_problem(app, world):
    ticket = world.new_ticket()
    b = sign_in(app, world.escort)
    assert b.get(f"/portal/problems/{ticket.id}").status_code == 403


def test_anonymous_visitor_goes_to_login(browser):
    response = browser.get("/portal/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


# ---------------------------------------------------------------- the whole loop

def test_the_whole_loop_through_the_portal(app, world, company_browser, db_session):
    response = company_browser.post("/portal/problems/new", {**PROBLEM, "attachments": [pdf()]})
    assert response.status_code == 302
    ticket = db_session.scalars(sa.select(Ticket).where(Ticket.company_id == world.company.id)).one()

    def staff(who, action, **data):
        t = fresh(db_session, Ticket, ticket.id)
        services.perform(who, t, action, {"version": t.version, **data})
        db_session.commit()

    staff(world.escort, "accept")
    staff(world.escort, "escalate", reason="涉及土地指标，需部门协调")
    staff(world.manager, "dispatch", department_id=world.department.id)
    staff(world.helper, "sign")
    staff(world.helper, "reply", message="已纳入下批次用地计划。")
    home = _text(company_browser.get("/portal/"))
    assert "待您评价" in home and ticket.number in home
    assert "已纳入下批次用地计划。" in _text(company_browser.get(f"/portal/problems/{ticket.id}"))

    assert rate(company_browser, ticket, "unsatisfied", "没有给出具体时间").status_code == 302
    assert fresh(db_session, Ticket, ticket.id).status == "in_progress"
    staff(world.helper, "reply", message="用地指标将于12月10日前下达。")
    assert rate(company_browser, ticket, "satisfied").status_code == 302

    stored = fresh(db_session, Ticket, ticket.id)
    assert (stored.status, stored.rating, stored.reopen_count) == ("closed", "satisfied", 1)
    text = _text(company_browser.get(f"/portal/problems/{ticket.id}"))
    for step in ("提交问题", "受理", "提请交办", "交办", "签收", "答复", "评价", "用地指标将于12月10日前下达。"):
        assert step in text
    home = _text(company_browser.get("/portal/"))
    assert "已结束的问题" in home and ticket.number in home


# ---------------------------------------------------------------- query count

def _home_queries(browser, count_queries) -> int:
    with count_queries() as q:
        response = browser.get("/portal/")
    assert response.status_code == 200
    return q.count


def test_home_query_count_does_not_grow_with_problems(app, make, count_queries):
    counts = []
    for n in (3, 30):
        world = World(make)
        for i in range(n):
            ticket = world.new_ticket(title=f"问题{i}")
            if i % 3 == 1:
                world.act(world.escort, ticket, "accept")
                world.act(world.escort, ticket, "reply", message="已答复")
            elif i % 3 == 2:
                world.act(world.escort, ticket, "reject", reason="不属于涉企问题")
        b = sign_in(app, world.company_user)
        _home_queries(b, count_queries)  # warm-up
        counts.append(_home_queries(b, count_queries))
    assert counts[0] == counts[1] == 7, counts
