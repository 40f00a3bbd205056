"""The staff problem pages, driven the way people use them: log in by role, read the page, submit its forms."""
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.core.db import utcnow
from app.core.timeutil import local_date
from app.tickets import attachments
from app.tickets.models import Attachment, Ticket, TicketEvent
from app.tickets.transitions import TRANSITIONS
from tests.conftest import Browser
from tests.tickets.helpers import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STALE = "该问题已被他人修改，请查看最新内容后重试。"


@pytest.fixture
def world(make):
    return World(make)


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_version(page: str, action: str) -> str:
    match = re.search(rf'name="{action}-version" type="hidden" value="(\d+)"', page)
    assert match, f"no {action} form on the page"
    return match.group(1)


def do(b: Browser, ticket_id: int, action: str, **fields):
    """Open the detail page, fill the action's form (fields without prefix) and submit it."""
    url = f"/tickets/{ticket_id}"
    page = b.get(url).get_data(as_text=True)
    data = {f"{action}-version": page_version(page, action), f"{action}-submit": "1"}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return b.post(f"{url}/actions/{action}", data, form_page=url)


def fresh(db_session, ticket) -> Ticket:
    db_session.expire_all()
    return db_session.get(Ticket, ticket.id)


def action_urls(page: str, ticket_id: int) -> set[str]:
    return set(re.findall(rf"/tickets/{ticket_id}/actions/(\w+)", page))


# ---------------------------------------------------------------- the whole loop

def test_the_whole_loop_through_the_pages(app, world, db_session):
    escort = signed_in(app, world.escort)
    form = escort.get("/tickets/new")
    assert world.company.name in text(form)
    response = escort.post("/tickets/new", {
        "company_id": world.company.id, "title": "环评批复迟迟未下", "description": "新建车间环评已提交两个月。",
        "category": "energy", "urgency": "urgent", "source": "hotline",
    })
    assert response.status_code == 302
    ticket = db_session.scalars(sa.select(Ticket).where(Ticket.title == "环评批复迟迟未下")).one()
    assert (ticket.company_id, ticket.source, ticket.urgency, ticket.status) == (world.company.id, "hotline", "urgent", "submitted")
    page = text(escort.follow(response))
    assert ticket.number in page and "待受理" in page and "受理期限" in page

    assert do(escort, ticket.id, "accept").status_code == 302
    assert fresh(db_session, ticket).status == "accepted"
    assert do(escort, ticket.id, "escalate", reason="涉及区生态环境分局审批").status_code == 302
    assert fresh(db_session, ticket).status == "escalated"

    manager = signed_in(app, world.manager)
    assert "待交办" in text(manager.get("/tickets/?mine=y"))
    response = do(manager, ticket.id, "dispatch", department_id=world.department.id, helper_id=world.helper.id,
                  complexity="complex")
    assert response.status_code == 302
    ticket = fresh(db_session, ticket)
    assert (ticket.status, ticket.department_id, ticket.helper_id, ticket.complexity) == (
        "dispatched", world.department.id, world.helper.id, "complex")
    assert ticket.reply_due_at is not None and ticket.sign_due_at is not None

    helper = signed_in(app, world.helper)
    listing = text(helper.get("/tickets/"))
    assert ticket.number in listing and world.department.name in listing
    assert do(helper, ticket.id, "sign").status_code == 302
    assert fresh(db_session, ticket).status == "in_progress"
    assert do(helper, ticket.id, "reply", message="已协调分局，下周出具批复。").status_code == 302
    assert fresh(db_session, ticket).status == "replied"

    response = do(escort, ticket.id, "rate", rating="satisfied", comment="回访企业，对办理结果满意。")
    assert response.status_code == 302
    ticket = fresh(db_session, ticket)
    assert (ticket.status, ticket.rating, ticket.rated_by_id) == ("closed", "satisfied", world.escort.id)
    page = text(escort.follow(response))
    assert "已办结" in page and "满意" in page and "陪跑员回访记录" in page
    assert action_urls(page, ticket.id) == set()
    kinds = db_session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                               .order_by(TicketEvent.id)).all()
    assert kinds == ["submit", "accept", "escalate", "dispatch", "sign", "reply", "rate"]


def test_filing_form_errors_keep_the_typed_text_and_only_offer_own_companies(app, world, make, db_session):
    others = make.company(escort=make.user(role="escort"), name="别人陪跑的企业有限公司")
    escort = signed_in(app, world.escort)
    assert others.name not in text(escort.get("/tickets/new"))
    response = escort.post("/tickets/new", {"company_id": others.id, "title": "", "description": "写了一半的描述",
                                            "category": "", "source": "escort"})
    page = text(response)
    assert response.status_code == 200
    assert "请选择企业。" in page and "请填写问题标题。" in page and "请选择问题类别。" in page
    assert "写了一半的描述" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_helper_cannot_file_problems(app, world):
    helper = signed_in(app, world.helper)
    assert "代企业提交问题" not in text(helper.get("/tickets/"))
    response = helper.post("/tickets/new", {"company_id": world.company.id, "title": "x", "description": "y",
                                            "category": "other", "source": "escort"})
    assert response.status_code == 200 and "请选择企业。" in text(response)


# ---------------------------------------------------------------- only the allowed actions are offered

EXPECTED = [
    ("submitted", "escort", {"accept", "reject"}),
    ("submitted", "manager", {"accept", "reject", "dispatch", "supervise"}),
    ("accepted", "escort", {"reply", "escalate", "pause"}),
    ("escalated", "escort", set()),
    ("escalated", "manager", {"dispatch", "supervise"}),
    ("dispatched", "helper", {"sign", "return", "pause"}),
    ("in_progress", "helper", {"reply", "return", "request_extension", "pause"}),
    ("in_progress", "manager", {"supervise"}),
    ("in_progress", "escort", set()),
    ("replied", "escort", {"rate"}),
    ("replied", "helper", set()),
    ("closed", "manager", set()),
]


@pytest.mark.parametrize("state,who,expected", EXPECTED)
def test_detail_shows_only_the_actions_the_user_may_take_now(app, world, state, who, expected):
    ticket = world.ticket_in(state)
    page = signed_in(app, getattr(world, who)).get(f"/tickets/{ticket.id}")
    assert page.status_code == 200
    assert action_urls(page.get_data(as_text=True), ticket.id) == expected


def test_the_decision_form_appears_for_a_pending_extension_only(app, world):
    ticket = world.ticket_in("in_progress", now=utcnow())
    manager = signed_in(app, world.manager)
    assert "decide_extension" not in action_urls(manager.get(f"/tickets/{ticket.id}").get_data(as_text=True), ticket.id)
    new_due = (local_date(ticket.reply_due_at) + timedelta(days=14)).isoformat()
    world.act(world.helper, ticket, "request_extension", now=utcnow(), new_due=new_due, reason="需现场勘察")
    assert action_urls(manager.get(f"/tickets/{ticket.id}").get_data(as_text=True), ticket.id) == {
        "supervise", "decide_extension"}
    helper_page = signed_in(app, world.helper).get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert action_urls(helper_page, ticket.id) == {"reply", "return", "pause"}  # no second request while one is pending


def test_an_action_the_role_may_not_take_is_refused_with_its_reason(app, world, db_session):
    ticket = world.ticket_in("submitted")
    escort = signed_in(app, world.escort)
    response = escort.post(f"/tickets/{ticket.id}/actions/dispatch", {
        "dispatch-version": ticket.version, "dispatch-department_id": world.department.id,
    }, form_page=f"/tickets/{ticket.id}")
    assert response.status_code == 403
    assert "您的角色不能对问题执行“交办”" in text(response)
    assert fresh(db_session, ticket).status == "submitted"
    assert escort.post(f"/tickets/{ticket.id}/actions/nonsense", {}, form_page=f"/tickets/{ticket.id}").status_code == 404


# ---------------------------------------------------------------- scope: 404 outside it

def _attachment(world, ticket, db_session):
    file = FileStorage(io.BytesIO(PNG), filename="现场照片.png")
    att = attachments.save_attachment(world.escort, ticket, file)
    db_session.commit()
    return att


@pytest.mark.parametrize("outsider", ["other_escort", "other_helper", "other_company_user", "company_user"])
def test_outsiders_get_404_on_detail_action_and_download(app, world, make, db_session, outsider):
    ticket = world.ticket_in("dispatched")
    att = _attachment(world, ticket, db_session)
    other_company = make.company(escort=make.user(role="escort"))
    user = {
        "other_escort": lambda: make.user(role="escort"),
        "other_helper": lambda: world.other_helper,
        "other_company_user": lambda: make.user(role="company", company=other_company),
        "company_user": lambda: world.company_user,
    }[outsider]()
    b = signed_in(app, user)
    base = f"/tickets/{ticket.id}"
    if outsider == "company_user":
        # Its own company's problem: not out of scope, but these are staff pages (the portal is theirs).
        expected = 403
    else:
        expected = 404
    assert b.get(base).status_code == expected
    assert b.get(f"{base}/attachments/{att.id}").status_code == expected
    response = b.post(f"{base}/actions/sign", {"sign-version": ticket.version}, form_page="/auth/profile")
    assert response.status_code == expected
    assert b.post(f"{base}/comments", {"comment-body": "x"}, form_page="/auth/profile").status_code == expected
    assert fresh(db_session, ticket).status == "dispatched"


def test_staff_in_scope_download_the_file(app, world, db_session):
    ticket = world.ticket_in("dispatched")
    att = _attachment(world, ticket, db_session)
    for who in (world.escort, world.helper, world.manager):
        response = signed_in(app, who).client.get(f"/tickets/{ticket.id}/attachments/{att.id}")
        assert response.status_code == 200
        assert response.data == PNG
        assert response.headers["Content-Disposition"].startswith("attachment")
    other_ticket = world.ticket_in("submitted")
    # An attachment id of another problem is not found under this one.
    assert signed_in(app, world.escort).get(f"/tickets/{other_ticket.id}/attachments/{att.id}").status_code == 404


def test_a_helper_loses_the_problem_once_returned(app, world, db_session):
    ticket = world.ticket_in("in_progress")
    helper = signed_in(app, world.helper)
    response = do(helper, ticket.id, "return", reason="属于市场监管职责", suggested_department_id=world.other_department.id)
    assert response.status_code == 302
    ticket = fresh(db_session, ticket)
    assert (ticket.status, ticket.department_id) == ("escalated", None)
    assert helper.get(f"/tickets/{ticket.id}").status_code == 404
    manager_page = text(signed_in(app, world.manager).get(f"/tickets/{ticket.id}"))
    assert "建议承办部门：" + world.other_department.name in manager_page and "属于市场监管职责" in manager_page


# ---------------------------------------------------------------- two people at once

def test_a_stale_reply_shows_the_typed_text_again_and_changes_nothing(app, world, db_session):
    ticket = world.ticket_in("in_progress")
    helper = signed_in(app, world.helper)
    url = f"/tickets/{ticket.id}"
    old_version = page_version(helper.get(url).get_data(as_text=True), "reply")

    manager = signed_in(app, world.manager)
    assert do(manager, ticket.id, "supervise", level="supervise").status_code == 302

    typed = "经与供电公司协调，增容将于本月底前完成。"
    response = helper.post(f"{url}/actions/reply", {"reply-version": old_version, "reply-message": typed},
                           form_page=url)
    assert response.status_code == 409
    page = text(response)
    assert STALE in page
    assert re.search(rf'name="reply-message"[^>]*>\s*{typed}</textarea>', page)
    assert "督办" in page  # the latest content is on the page with the message
    ticket = fresh(db_session, ticket)
    assert (ticket.status, ticket.reply_message, ticket.replied_at) == ("in_progress", "", None)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "reply")) == 0

    # The re-shown form carries the current version: sending it again now works.
    new_version = page_version(response.get_data(as_text=True), "reply")
    assert int(new_version) == ticket.version
    again = helper.post(f"{url}/actions/reply", {"reply-version": new_version, "reply-message": typed}, form_page=url)
    assert again.status_code == 302
    assert fresh(db_session, ticket).reply_message == typed


def test_text_typed_for_an_action_that_no_longer_fits_is_still_shown(app, world, db_session):
    ticket = world.ticket_in("accepted")
    escort = signed_in(app, world.escort)
    url = f"/tickets/{ticket.id}"
    old_version = page_version(escort.get(url).get_data(as_text=True), "escalate")
    world.act(world.manager, ticket, "dispatch", department_id=world.department.id)
    response = escort.post(f"{url}/actions/escalate", {"escalate-version": old_version,
                                                       "escalate-reason": "需要多部门会商"}, form_page=url)
    assert response.status_code == 409
    page = text(response)
    assert "需要多部门会商" in page and "已交办" in page
    assert fresh(db_session, ticket).status == "dispatched"


def test_a_refused_reason_is_shown_on_the_form(app, world, db_session):
    ticket = world.ticket_in("submitted")
    response = do(signed_in(app, world.escort), ticket.id, "reject", reason="   ")
    assert response.status_code == 400
    assert "请填写不予受理的理由。" in text(response)
    assert fresh(db_session, ticket).status == "submitted"


# ---------------------------------------------------------------- deadlines

def test_extension_request_and_approval_move_the_due_date(app, world, db_session):
    ticket = world.ticket_in("in_progress", now=utcnow())
    old_due = local_date(ticket.reply_due_at)
    new_due = old_due + timedelta(days=21)
    helper = signed_in(app, world.helper)
    response = do(helper, ticket.id, "request_extension", new_due=new_due.isoformat(), reason="需等待第三方检测报告")
    assert response.status_code == 302
    manager = signed_in(app, world.manager)
    page = text(manager.get(f"/tickets/{ticket.id}"))
    assert "延期申请待审批" in page and new_due.isoformat() in page and "需等待第三方检测报告" in page
    assert fresh(db_session, ticket).reply_due_at.date() <= old_due  # nothing moves before the decision

    response = do(manager, ticket.id, "decide_extension", approve="同意延期")
    assert response.status_code == 302
    ticket = fresh(db_session, ticket)
    assert local_date(ticket.reply_due_at) == new_due and local_date(ticket.due_at) == new_due
    page = text(manager.follow(response))
    assert "延期申请待审批" not in page and new_due.isoformat() in page and "同意延期" in page


def test_a_denied_extension_keeps_the_due_date(app, world, db_session):
    ticket = world.ticket_in("in_progress", now=utcnow())
    due = ticket.reply_due_at
    world.act(world.helper, ticket, "request_extension", now=utcnow(),
              new_due=(local_date(due) + timedelta(days=7)).isoformat(), reason="等待材料")
    response = do(signed_in(app, world.manager), ticket.id, "decide_extension", deny="不同意")
    assert response.status_code == 302
    assert fresh(db_session, ticket).reply_due_at == due


def test_a_malformed_extension_date_is_reported_without_losing_the_reason(app, world, db_session):
    ticket = world.ticket_in("in_progress", now=utcnow())
    response = do(signed_in(app, world.helper), ticket.id, "request_extension", new_due="下个月", reason="理由写好了")
    assert response.status_code == 400
    assert "理由写好了" in text(response)


# ---------------------------------------------------------------- the list

PAST = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def test_list_filters_status_overdue_mine_supervised(app, world, db_session):
    now = utcnow()
    late = world.new_ticket(by=world.escort, now=PAST, title="早就该受理的问题")
    fresh_one = world.new_ticket(by=world.escort, now=now, title="今天刚提交的问题")
    accepted = world.new_ticket(by=world.escort, now=now, title="已受理的问题")
    world.act(world.escort, accepted, "accept", now=now)
    closed = world.ticket_in("closed", now=now)
    supervised = world.new_ticket(by=world.escort, now=now, title="被督办的问题")
    world.act(world.manager, supervised, "supervise", now=now, level="flagged")

    manager = signed_in(app, world.manager)
    everything = text(manager.get("/tickets/"))
    for t in (late, fresh_one, accepted, closed, supervised):
        assert t.number in everything
    # Overdue first: the list opens with the most overdue problem, its badge in working days.
    assert everything.index(late.number) < everything.index(fresh_one.number) < everything.index(closed.number)
    assert re.search(r"超期 \d+ 个工作日", everything)

    by_status = text(manager.get("/tickets/?status=accepted"))
    assert accepted.number in by_status and late.number not in by_status and fresh_one.number not in by_status

    overdue = text(manager.get("/tickets/?overdue=y"))
    assert late.number in overdue
    assert all(t.number not in overdue for t in (fresh_one, accepted, closed, supervised))

    flagged = text(manager.get("/tickets/?supervised=y"))
    assert supervised.number in flagged and "挂牌督办" in flagged
    assert all(t.number not in flagged for t in (late, fresh_one, accepted, closed))

    escort = signed_in(app, world.escort)
    mine = text(escort.get("/tickets/?mine=y"))
    assert all(t.number in mine for t in (late, fresh_one, accepted, supervised))
    assert closed.number not in mine


def test_list_filters_by_department_company_and_town(app, world, make):
    other_town = make.town(name="瓜沥镇")
    other_company = make.company(escort=world.escort, town=other_town, name="瓜沥制造有限公司")
    here = world.ticket_in("dispatched")
    there = world.new_ticket(by=world.escort, title="瓜沥的问题")
    there.company_id = other_company.id
    make.session.commit()
    manager = signed_in(app, world.manager)
    by_department = text(manager.get(f"/tickets/?department_id={world.department.id}"))
    assert here.number in by_department and there.number not in by_department
    by_company = text(manager.get(f"/tickets/?company_id={other_company.id}"))
    assert there.number in by_company and here.number not in by_company
    by_town = text(manager.get(f"/tickets/?town_id={other_town.id}"))
    assert there.number in by_town and here.number not in by_town
    nonsense = manager.get("/tickets/?department_id=abc&status=nope")
    assert nonsense.status_code == 200


def test_escorts_and_helpers_list_only_their_scope(app, world, make):
    mine = world.ticket_in("dispatched")
    other_escort = make.user(role="escort")
    other_company = make.company(escort=other_escort)
    theirs = world.new_ticket(by=world.manager)
    theirs.company_id = other_company.id
    make.session.commit()
    page = text(signed_in(app, world.escort).get("/tickets/"))
    assert mine.number in page and theirs.number not in page
    page = text(signed_in(app, world.other_helper).get("/tickets/"))
    assert mine.number not in page and theirs.number not in page
    assert signed_in(app, world.company_user).get("/tickets/").status_code == 403


def test_list_query_count_does_not_grow_with_rows(app, make, db_session, count_queries):
    from app.tickets import services
    from app.tickets.services import NewTicket

    manager = make.user(role="manager")
    escorts = [make.user(role="escort") for _ in range(4)]
    towns = [make.town() for _ in range(2)]
    companies = [make.company(escort=escorts[i % 4], town=towns[i % 2]) for i in range(8)]
    departments = [make.department() for _ in range(2)]
    helpers = [make.user(role="helper", department=d) for d in departments]

    def add(n, start):
        for i in range(start, start + n):
            ticket = services.submit_ticket(manager, companies[i % 8], NewTicket(
                f"问题{i}", "描述", "other", source="escort"), now=PAST if i % 3 == 0 else None)
            if i % 2:
                services.perform(manager, ticket, "dispatch", {
                    "department_id": departments[i % 2].id, "helper_id": helpers[i % 2].id})
            db_session.commit()

    b = signed_in(app, manager)
    add(5, 0)
    with count_queries() as few:
        page = b.get("/tickets/")
    assert page.status_code == 200 and text(page).count('class="ticket-number"') == 5
    add(35, 5)
    with count_queries() as many:
        page = b.get("/tickets/")
    assert page.status_code == 200 and text(page).count('class="ticket-number"') == 40
    assert many.count == few.count
    # user, filter choices (departments, towns — no company query: the company is a search box), the page
    # (two keyset segments: owing a step, then the rest), its bounded COUNT, the bell, the calendar overrides,
    # the user's saved views (the header's chips), the page's 协办 rows (one statement whatever the data)
    assert many.count == 10, many.statements


# ---------------------------------------------------------------- attachments

def _upload(b, ticket_id, filename, content, note="", internal=False):
    url = f"/tickets/{ticket_id}"
    data = {"upload-file": (io.BytesIO(content), filename), "upload-note": note}
    if internal:
        data["upload-internal"] = "y"
    return b.post(f"{url}/attachments", data, form_page=url, content_type="multipart/form-data")


def _attachment_count(db_session):
    return db_session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_upload_a_file_with_a_note(app, world, db_session):
    ticket = world.ticket_in("accepted")
    escort = signed_in(app, world.escort)
    response = _upload(escort, ticket.id, "营业执照.png", PNG, note="企业补充的营业执照")
    assert response.status_code == 302
    att = db_session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id)).one()
    assert (att.filename, att.public, att.content_type) == ("营业执照.png", True, "image/png")
    page = text(escort.follow(response))
    assert "营业执照.png" in page and "企业补充的营业执照" in page
    assert escort.client.get(f"/tickets/{ticket.id}/attachments/{att.id}").data == PNG


def test_an_internal_upload_is_marked_internal(app, world, db_session):
    ticket = world.ticket_in("in_progress")
    response = _upload(signed_in(app, world.helper), ticket.id, "内部意见.png", PNG, note="仅供内部参考", internal=True)
    assert response.status_code == 302
    att = db_session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id)).one()
    assert att.public is False
    note = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                          TicketEvent.kind == "note")).one()
    assert note.body == "仅供内部参考" and att.event_id == note.id


def test_a_fake_pdf_is_refused_with_the_reason_and_the_note_kept(app, world, db_session):
    ticket = world.ticket_in("accepted")
    response = _upload(signed_in(app, world.escort), ticket.id, "合同.pdf", b"this is plain text, not a PDF",
                       note="请看合同第三条")
    assert response.status_code == 415
    page = text(response)
    assert "“合同.pdf”的内容与扩展名不符" in page
    assert "请看合同第三条" in page
    assert _attachment_count(db_session) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "comment")) == 0


def test_a_disallowed_type_and_a_missing_file_are_refused(app, world, db_session):
    ticket = world.ticket_in("accepted")
    escort = signed_in(app, world.escort)
    response = _upload(escort, ticket.id, "脚本.exe", b"MZ....")
    assert response.status_code == 400 and "文件类型不允许" in text(response)
    url = f"/tickets/{ticket.id}"
    response = escort.post(f"{url}/attachments", {"upload-note": "忘了选文件"}, form_page=url)
    assert response.status_code == 400
    assert "请选择要上传的文件。" in text(response) and "忘了选文件" in text(response)
    assert _attachment_count(db_session) == 0


def test_a_too_big_file_is_refused(app, world, db_session):
    ticket = world.ticket_in("accepted")
    escort = signed_in(app, world.escort)
    saved = app.config["MAX_UPLOAD_MB"]
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        response = _upload(escort, ticket.id, "大图.png", PNG + b"\x00" * (1024 * 1024), note="扫描件")
    finally:
        app.config["MAX_UPLOAD_MB"] = saved
    assert response.status_code == 413
    page = text(response)
    assert "“大图.png”超过 1 MB 的大小限制。" in page and "扫描件" in page
    assert _attachment_count(db_session) == 0


def test_no_uploads_on_a_closed_problem(app, world, db_session):
    ticket = world.ticket_in("closed")
    escort = signed_in(app, world.escort)
    assert 'class="upload-form"' not in escort.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert _upload(escort, ticket.id, "晚了.png", PNG).status_code == 403
    assert _attachment_count(db_session) == 0


# ---------------------------------------------------------------- comments

def test_comments_and_internal_notes(app, world, db_session):
    ticket = world.ticket_in("accepted")
    escort = signed_in(app, world.escort)
    url = f"/tickets/{ticket.id}"
    assert escort.post(f"{url}/comments", {"comment-body": "已电话联系企业负责人"}, form_page=url).status_code == 302
    assert escort.post(f"{url}/comments", {"comment-body": "企业情绪较大，注意沟通", "comment-internal": "y"},
                       form_page=url).status_code == 302
    events = db_session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(("comment", "note"))).order_by(TicketEvent.id)).all()
    assert [(e.kind, e.public) for e in events] == [("comment", True), ("note", False)]
    page = text(escort.get(url))
    assert "已电话联系企业负责人" in page and "企业情绪较大，注意沟通" in page and "内部备注" in page
    empty = escort.post(f"{url}/comments", {"comment-body": "  "}, form_page=url)
    assert empty.status_code == 400 and "请填写内容。" in text(empty)


def test_every_action_has_a_form():
    from app.tickets.forms import ACTION_FORMS

    assert set(ACTION_FORMS) == set(TRANSITIONS)
