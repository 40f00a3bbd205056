"""Paused clocks (待企业补充材料): pause with a reason, the company told and uploading, resume with the
deadlines moved on by the paused working days — through pages, the portal and the API."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from app.core.models import Notification
from app.core.timeutil import local_date
from app.tickets.models import DispatchRecord, TicketEvent
from app.tickets.services import TicketActionError, perform
from tests.api.test_api_tickets import as_  # noqa: F401  (the fixture)
from tests.portal.test_portal import pdf
from tests.tickets.helpers import World
from tests.tickets.test_pages import do, fresh, signed_in, text

FRIDAY = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)   # 10:00 local
TUESDAY = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # two working days later (Mon 23, Tue 24)


@pytest.fixture
def world(make):
    return World(make)


def test_pause_and_resume_move_the_deadlines_by_the_paused_working_days(world, db_session):
    t = world.ticket_in("in_progress")  # dispatched and signed on Monday 16th: reply due Monday 23rd
    assert local_date(t.reply_due_at) == date(2026, 11, 23)
    world.act(world.helper, t, "pause", now=FRIDAY, reason="请补充近三个月的用电清单")
    assert t.paused_at == FRIDAY and t.due_at is None and not t.is_overdue(TUESDAY)
    assert t.status == "in_progress"
    # While paused: the clock-bound steps wait; pausing again is refused.
    for action, data in [("reply", {"message": "答复"}), ("pause", {"reason": "再暂停"}),
                         ("request_extension", {"new_due": "2026-12-31", "reason": "x"})]:
        with pytest.raises(TicketActionError) as refused:
            perform(world.helper, t, action, {"version": t.version, **data}, now=FRIDAY)
        assert refused.value.status == 409
        db_session.rollback()
    world.act(world.helper, t, "resume", now=TUESDAY)
    # Friday → Tuesday: Monday and Tuesday were paused, so 23rd + 2 working days = Wednesday 25th.
    assert local_date(t.reply_due_at) == date(2026, 11, 25) and t.due_at == t.reply_due_at
    assert t.paused_at is None and t.pause_reason == ""
    record = db_session.scalars(sa.select(DispatchRecord).where(DispatchRecord.ticket_id == t.id)).one()
    assert local_date(record.reply_due_at) == date(2026, 11, 25)  # rankings judge against it: paused time excluded
    resume = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == t.id,
                                                             TicketEvent.kind == "resume")).one()
    assert resume.data["paused_days"] == 2
    with pytest.raises(TicketActionError):
        perform(world.helper, t, "resume", {"version": t.version}, now=TUESDAY)  # not paused


def test_a_pause_across_a_weekend_only_counts_working_days(world):
    t = world.ticket_in("accepted")  # the escort's reply clock: due 5 working days after Monday 16th
    due = local_date(t.due_at)
    world.act(world.escort, t, "pause", now=datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc), reason="补充营业执照")
    world.act(world.escort, t, "resume", now=datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc))  # Sat, Sun: 1 day
    assert (local_date(t.due_at) - due).days == 1  # Monday 23rd → Tuesday 24th


def test_the_helper_pauses_on_the_page_the_company_uploads_and_the_clock_runs(app, world, db_session):
    t = world.ticket_in("in_progress")
    helper = signed_in(app, world.helper)
    response = do(helper, t.id, "pause", reason="请上传近三个月的社保缴纳证明")
    assert response.status_code == 302, text(response)
    page = text(helper.get(f"/tickets/{t.id}"))
    assert "待企业补充材料（已暂停计时）" in page and "请上传近三个月的社保缴纳证明" in page
    assert f"/tickets/{t.id}/actions/resume" in page and f"/tickets/{t.id}/actions/reply" not in page
    # The company is told what is needed and sees it in the portal.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.company_user.id, Notification.kind == "ticket_paused")) == 1
    company = signed_in(app, world.company_user)
    url = f"/portal/problems/{t.id}"
    portal = text(company.get(url))
    assert "请补充材料" in portal and "请上传近三个月的社保缴纳证明" in portal
    response = company.post(f"{url}/comments", {"body": "已上传社保证明。", "attachments": [pdf("社保.pdf")]},
                            form_page=url)
    assert response.status_code == 302
    t = fresh(db_session, t)
    assert t.paused_at is None and t.due_at is not None
    event = db_session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == t.id,
                                                            TicketEvent.kind == "resume")).one()
    assert event.data["by_upload"] is True
    assert "企业上传材料后自动恢复" in text(helper.get(f"/tickets/{t.id}"))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.helper.id, Notification.kind == "ticket_resumed")) == 1


def test_pause_and_resume_through_the_api(world, as_):  # noqa: F811
    t = world.ticket_in("dispatched")
    helper = as_(world.helper)
    body = helper.ticket(t.id)
    assert body["paused"] is False and "pause" in body["allowed_actions"] and "resume" not in body["allowed_actions"]
    r = helper.act(t.id, "pause", body["version"])
    assert r.status_code == 400 and "reason" in r.get_json()["error"]["fields"]
    r = helper.act(t.id, "pause", body["version"], reason="请补充土地证复印件")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["paused"] is True and body["pause_reason"] == "请补充土地证复印件" and body["due_at"] is None
    assert "resume" in body["allowed_actions"] and "sign" not in body["allowed_actions"]
    assert as_(world.escort).act(t.id, "resume", body["version"]).status_code == 409  # the escort resumes only its own step
    r = as_(world.manager).act(t.id, "resume", body["version"])
    assert r.status_code == 200 and r.get_json()["paused"] is False and r.get_json()["due_at"]
    company_events = as_(world.company_user).get(f"/api/v1/tickets/{t.id}/events").get_json()["items"]
    assert {"pause", "resume"} <= {e["kind"] for e in company_events}
