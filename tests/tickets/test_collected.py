"""Problems the escort collects (sources visit and escort) start accepted; portal and hotline ones do not."""
import html
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.models import Notification
from app.core.timeutil import local_date, local_today
from app.tickets.models import Ticket, TicketEvent
from app.visits.models import Visit
from tests.conftest import Browser
from tests.factories import PASSWORD
from tests.tickets.helpers import World

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SH).astimezone(timezone.utc)


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def timeline(session, ticket):
    return session.execute(sa.select(TicketEvent.kind, TicketEvent.to_status, TicketEvent.actor_id)
                           .where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()


def test_problems_logged_at_a_visit_are_accepted_by_the_escort_with_no_acceptance_clock(app, make, db_session):
    world = World(make)
    b = signed_in(app, world.escort)
    today = local_today().isoformat()
    response = b.post(f"/visits/new?company_id={world.company.id}", {
        "visited_on": today, "mode": "on_site", "summary": "走访车间。",
        "problems-0-title": "技术工人招聘难", "problems-0-category": "labour",
        "problems-1-title": "厂房租金补贴未兑现", "problems-1-category": "policy",
    })
    assert response.status_code == 302
    visit = db_session.scalars(sa.select(Visit).where(Visit.company_id == world.company.id)).one()
    tickets = db_session.scalars(sa.select(Ticket).where(Ticket.visit_id == visit.id).order_by(Ticket.id)).all()
    assert [(t.status, t.source) for t in tickets] == [("accepted", "visit"), ("accepted", "visit")]
    for t in tickets:
        assert t.accept_due_at is None and t.accepted_on_time is None
        assert t.accepted_at == t.created_at and t.due_at is not None
        assert t.description == t.title  # no description typed: the title stands for it
        assert timeline(db_session, t) == [("collect", "accepted", world.escort.id)]

    # The problem page: 走访收集并受理 in the timeline, and the escort's next steps, not 受理.
    page = text(b.get(f"/tickets/{tickets[0].id}"))
    assert "走访收集并受理" in page
    assert 'action="/tickets/%d/actions/reply"' % tickets[0].id in page
    assert 'action="/tickets/%d/actions/escalate"' % tickets[0].id in page
    assert "/actions/accept" not in page
    # 待我处理 lists them to be answered, never to be accepted.
    mine = text(b.get("/tickets/?mine=y"))
    assert tickets[0].number in mine and tickets[1].number in mine
    assert "待受理" not in re.sub(r"<select.*?</select>", "", mine, flags=re.S)
    # Nobody is told about a new problem to accept; the company hears it was accepted.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.escort.id, Notification.kind == "ticket_new")) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.company_user.id, Notification.kind == "ticket_accepted")) == 2


def test_escort_filed_problem_starts_accepted_and_the_api_offers_reply_and_escalate(app, make, db_session):
    world = World(make)
    token = app.test_client().post("/api/v1/tokens", json={"username": world.escort.username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    created = app.test_client().post("/api/v1/tickets", headers=headers, json={
        "company_id": world.company.id, "title": "用电增容", "description": "需要增容。", "category": "energy"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "accepted" and body["source"] == "escort"
    assert body["accept_due_at"] is None and body["due_at"] is not None
    assert "accept" not in body["allowed_actions"]
    assert {"reply", "escalate"} <= set(body["allowed_actions"])
    events = app.test_client().get(f"/api/v1/tickets/{body['id']}/events", headers=headers).get_json()
    assert [e["kind"] for e in events["items"]] == ["collect"]


def test_sweep_leaves_a_collected_problem_alone_until_the_escorts_own_deadline(app, make, db_session):
    world = World(make)
    collected = world.new_ticket(by=world.escort, source="visit", now=at("2026-11-16"))
    portal = world.new_ticket(by=world.company_user, now=at("2026-11-16"))
    assert collected.status == "accepted" and portal.status == "submitted"
    # Reply clock (5 working days), not the 1-day acceptance clock.
    assert local_date(collected.due_at).isoformat() == "2026-11-23"
    assert local_date(portal.accept_due_at).isoformat() == "2026-11-17"

    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", at("2026-11-20").isoformat()])
    assert result.exit_code == 0, result.output
    db_session.refresh(collected)
    db_session.refresh(portal)
    assert collected.supervision is None and collected.overdue_notified_for is None
    assert portal.supervision == "supervise"  # the portal problem never accepted: 3 working days late
    kinds = db_session.scalars(sa.select(Notification.kind).where(Notification.user_id == world.escort.id)).all()
    # The portal one only; overdue and supervised in one run is one event: one notice (issue 19).
    assert kinds.count("ticket_overdue") == 1 and kinds.count("ticket_supervised") == 0


def test_portal_and_hotline_problems_still_wait_for_acceptance(app, make, db_session):
    world = World(make)
    portal = world.new_ticket(by=world.company_user)
    hotline = world.new_ticket(by=world.manager, source="hotline")
    for t in (portal, hotline):
        assert t.status == "submitted" and t.accept_due_at is not None and t.accepted_at is None
        assert timeline(db_session, t)[0][:2] == ("submit", "submitted")
    world.act(world.escort, portal, "accept")
    assert portal.status == "accepted" and portal.accepted_on_time is True


def test_sweep_gives_a_migrated_problem_without_deadline_the_escorts_reply_clock(app, make, db_session):
    world = World(make)
    ticket = world.new_ticket(by=world.escort, source="escort", now=at("2026-11-16"))
    ticket.due_at = None  # as migration 0013 leaves the collected problems it moved to 已受理
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", at("2026-11-18").isoformat()])
    assert "reply deadlines set 1" in result.output
    db_session.refresh(ticket)
    assert local_date(ticket.due_at).isoformat() == "2026-11-25"
