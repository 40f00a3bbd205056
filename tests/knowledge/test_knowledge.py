"""政策问答 and 常用答复 (issue 16): publishing an answered problem without the company, finding it while
typing a new problem in the portal, the API, and reply templates inserted into the reply box."""
import html

import pytest
import sqlalchemy as sa

from app.knowledge.models import KnowledgeEntry, ReplyTemplate
from tests.tickets.helpers import World


def text(response, status=200) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def w(make):
    world = World(make)
    world.company.name = "杭州萧山恒远精密机械有限公司"
    make.session.commit()
    world.answered = world.new_ticket(
        title="研发费用加计扣除怎么申报", category="policy",
        description="恒远精密机械去年研发投入八百万，想了解研发费用加计扣除的比例。")
    world.act(world.manager, world.answered, "dispatch", department_id=world.department.id)
    world.act(world.helper, world.answered, "sign")
    world.act(world.helper, world.answered, "reply",
              message="制造业企业研发费用按100%加计扣除，可在预缴申报时享受；恒远精密机械可联系区税务局。")
    return world


def publish(browser, ticket, **fields):
    page = text(browser.get(f"/knowledge/publish/{ticket.id}"))
    return page, browser.post(f"/knowledge/publish/{ticket.id}", fields, form_page=f"/knowledge/publish/{ticket.id}")


def test_publishing_edits_the_company_out_and_refuses_it_back_in(w, login_as, make):
    b, _manager = login_as("manager")
    page, _ = publish(b, w.answered, title="x")  # a first look at the form (the post is refused: empty fields)
    assert "恒远精密机械" not in page and "某企业去年研发投入八百万" in page and "某企业可联系区税务局" in page
    response = b.post(f"/knowledge/publish/{w.answered.id}",
                      {"title": "研发费用加计扣除怎么申报", "question": "杭州萧山恒远精密机械有限公司的问题",
                       "answer": "可以"}, form_page=f"/knowledge/publish/{w.answered.id}")
    assert "请删去企业名称" in text(response, 400)
    assert make.session.scalar(sa.select(sa.func.count()).select_from(KnowledgeEntry)) == 0
    response = b.post(f"/knowledge/publish/{w.answered.id}",
                      {"title": "研发费用加计扣除怎么申报", "question": "某企业去年研发投入八百万，想了解加计扣除的比例。",
                       "answer": "制造业企业研发费用按100%加计扣除，可在预缴申报时享受。"},
                      form_page=f"/knowledge/publish/{w.answered.id}")
    assert response.status_code == 302
    entry = make.session.scalars(sa.select(KnowledgeEntry)).one()
    assert entry.department_id == w.department.id and entry.source_ticket_id == w.answered.id
    # Published once only.
    assert b.post(f"/knowledge/publish/{w.answered.id}", {"title": "t", "question": "q", "answer": "a"},
                  form_page=f"/knowledge/publish/{w.answered.id}").status_code == 409


def test_who_may_publish(w, make, app):
    from tests.conftest import Browser

    def signed_in(user):
        browser = Browser(app.test_client())
        assert browser.login(user.username).status_code == 302
        return browser

    assert signed_in(w.escort).get(f"/knowledge/publish/{w.answered.id}").status_code == 403
    assert signed_in(w.other_helper).get(f"/knowledge/publish/{w.answered.id}").status_code == 404
    assert signed_in(w.company_user).get(f"/knowledge/publish/{w.answered.id}").status_code == 403
    assert signed_in(w.helper).get(f"/knowledge/publish/{w.answered.id}").status_code == 200  # the answering department
    unanswered = w.new_ticket(title="还没有答复")
    assert signed_in(w.manager).get(f"/knowledge/publish/{unanswered.id}").status_code == 403


@pytest.fixture
def published(w, make):
    from app.knowledge import services

    entry = services.publish_from_ticket(w.manager, w.answered, {
        "title": "研发费用加计扣除怎么申报", "question": "某企业去年研发投入八百万，想了解加计扣除的比例。",
        "answer": "制造业企业研发费用按100%加计扣除，可在预缴申报时享受。"})
    other = services.publish_from_ticket(w.manager, w.ticket_in("replied"), {
        "title": "厂房用电增容审批慢", "question": "某企业申请增容三个月没有进展。", "answer": "已协调供电公司。"})
    make.session.commit()
    return entry, other


def test_a_company_typing_its_question_sees_the_published_answer_first(w, published, make):
    entry, other = published
    other_company_user = make.user(role="company")  # any company, not the one that asked
    from tests.conftest import Browser
    from flask import current_app

    b = Browser(current_app.test_client())
    assert b.login(other_company_user.username).status_code == 302
    form = text(b.get("/portal/problems/new"))
    assert 'id="knowledge-suggestions"' in form and "js/knowledge.js" in form
    answer = b.get("/knowledge/suggest?text=研发费用加计扣除")
    found = text(answer)
    assert "这些答复可能已经解决您的问题" in found
    # Fetched while typing: it never sets the session cookie, so an answer arriving after the form's submission
    # cannot overwrite the session that holds the "问题已提交" message (pages do refresh it).
    assert "Set-Cookie" not in answer.headers
    assert "Set-Cookie" in b.get("/portal/problems/new").headers
    assert found.index(entry.title) < found.index(other.title) if other.title in found else entry.title in found
    assert "恒远" not in found and w.company.name not in found
    assert text(b.get("/knowledge/suggest?text=完全无关的内容文字")).strip() == ""
    page = text(b.get(f"/knowledge/{entry.id}"))
    assert entry.answer in page and "恒远" not in page and w.answered.number not in page
    listing = text(b.get("/knowledge/?q=加计扣除"))
    assert entry.title in listing and other.title not in listing


def test_the_api_lists_entries_without_the_company(w, published, api):
    entry, _other = published
    client, _user, headers = api(role="company")
    body = client.get("/api/v1/knowledge?q=加计扣除", headers=headers).get_json()
    assert [item["id"] for item in body["items"]] == [entry.id]
    item = body["items"][0]
    assert item["department"]["id"] == w.department.id and "company" not in str(item).lower()
    assert "恒远" not in str(body)
    assert client.get("/api/v1/knowledge?q=" + "字" * 101, headers=headers).status_code == 400


def test_staff_see_published_answers_beside_similar_problems(w, published, login_as):
    entry, _other = published
    again = w.new_ticket(title="研发加计扣除比例咨询", description="想了解研发费用加计扣除能否提前享受。")
    b, _manager = login_as("manager")
    page = text(b.get(f"/tickets/{again.id}"))
    panel = page[page.index("knowledge-answers"):]
    assert entry.title in panel[:2000]


def test_reply_templates_per_department_and_district_wide(w, login_as, make, app):
    from tests.conftest import Browser

    helper = Browser(app.test_client())
    assert helper.login(w.helper.username).status_code == 302
    response = helper.post("/knowledge/templates/",
                           {"department_id": "0", "title": "已受理", "body": "您的诉求已受理，正在协调。"})
    assert response.status_code == 302
    own = make.session.scalars(sa.select(ReplyTemplate)).one()
    assert own.department_id == w.department.id  # a helper writes for their own department only
    manager, _ = login_as("manager")
    district_wide = {"department_id": "0", "title": "全区", "body": "感谢反馈。"}
    assert manager.post("/knowledge/templates/", district_wide).status_code == 302
    # The reply box of a problem the helper works offers both, to insert and edit.
    ticket = w.ticket_in("in_progress")
    page = text(helper.get(f"/tickets/{ticket.id}"))
    assert "data-reply-template" in page and "您的诉求已受理，正在协调。" in page and "感谢反馈。" in page
    # Another department neither sees nor deletes this department's template.
    other = Browser(app.test_client())
    assert other.login(w.other_helper.username).status_code == 302
    assert "您的诉求已受理" not in text(other.get("/knowledge/templates/"))
    deleting = f"/knowledge/templates/{own.id}/delete"
    assert other.post(deleting, {}, form_page="/knowledge/templates/").status_code == 404
    escort = Browser(app.test_client())
    assert escort.login(w.escort.username).status_code == 302
    assert escort.get("/knowledge/templates/").status_code == 403
    assert helper.post(deleting, {}, form_page="/knowledge/templates/").status_code == 302
    make.session.expire_all()
    assert make.session.get(ReplyTemplate, own.id).active is False
