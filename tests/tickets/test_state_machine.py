"""Every transition allowed and refused, by role and by state, generated from the transitions table."""
import pytest
import sqlalchemy as sa

from app.core.models import AuditLog
from app.tickets.models import STATUSES, TicketEvent
from app.tickets.services import TicketActionError, perform
from app.tickets.transitions import TRANSITIONS, roles_for
from tests.tickets.helpers import MONDAY, World

REACHABLE = ["submitted", "accepted", "rejected", "withdrawn", "escalated", "dispatched", "in_progress",
             "replied", "closed"]
ROLES = {"admin": "admin", "manager": "manager", "escort": "escort", "helper": "helper", "company": "company_user"}


def sample_data(world, action):
    return {
        "reject": {"reason": "理由"}, "reply": {"message": "答复内容"}, "escalate": {"reason": "理由"},
        "dispatch": {"department_id": world.department.id}, "return": {"reason": "不属于本部门职责"},
        "rate": {"rating": "satisfied"}, "supervise": {"level": "remind"},
        "request_extension": {"new_due": "2026-12-31", "reason": "需要现场勘察"},
        "decide_extension": {"approve": True}, "pause": {"reason": "请补充近三个月的用工合同"},
        "co_opinion": {"opinion": "同意承办部门的方案，本局配合办理。"},
    }.get(action, {})


CASES = [(state, action, role) for state in REACHABLE for action in TRANSITIONS for role in ROLES]


@pytest.mark.parametrize("state,action,role", CASES)
def test_transition_table_is_what_the_services_enforce(make, state, action, role):
    world = World(make)
    # A co-department's action (协办): the problem names the other department as co-department at its
    # dispatch, and "the helper" is that department's helper.
    co = TRANSITIONS[action].co_department
    ticket = world.ticket_in(state, co_departments=[world.other_department.id] if co else ())
    actor = world.other_helper if co and role == "helper" else getattr(world, ROLES[role])
    data = sample_data(world, action)
    if action == "co_opinion" and state in ("dispatched", "in_progress"):  # an opinion follows the signing
        world.act(world.other_helper, ticket, "co_sign")
    if action == "decide_extension" and state == "in_progress":
        world.act(world.helper, ticket, "request_extension", **sample_data(world, "request_extension"))
    if action == "resume" and TRANSITIONS["pause"].sources.get(state):  # only a paused clock resumes
        pauser = world.escort if state == "accepted" else world.helper
        world.act(pauser, ticket, "pause", **sample_data(world, "pause"))
    events_before = make.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    version_before = ticket.version
    allowed = role in roles_for(action, state)
    if allowed:
        world.act(actor, ticket, action, **data)
        expected = TRANSITIONS[action].target or state
        assert ticket.status == expected
        events_after = make.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        assert events_after == events_before + 1
        assert make.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.object_type == "tickets", AuditLog.object_id == ticket.id, AuditLog.action == f"ticket_{action}")) >= 1
    else:
        with pytest.raises(TicketActionError) as refused:
            perform(actor, ticket, action, {"version": ticket.version, **data}, now=MONDAY)
        make.session.rollback()
        assert refused.value.status in (403, 409)
        assert refused.value.message
        make.session.refresh(ticket)
        assert ticket.status == state
        assert ticket.version == version_before


def test_every_status_is_reachable_in_the_table():
    targets = {t.target for t in TRANSITIONS.values() if t.target} | {"submitted"}
    assert targets == set(STATUSES)
