"""Every timeline `flask demo scale` simulates, replayed through the transitions table.

The generator (bench/scale.py) writes problems in bulk instead of calling the services; this test holds it to
the same state machine: each event leaves the state the previous one reached, a transition is taken from a
state the table lists, by a role the table allows there, and leads where the table says (a 不满意 rating:
back to the state the reply came from). The events that are no transition are the first one (submit or
走访收集并受理, into the source's initial state), the sweep's (automatic 督办, auto-close), comments and notes.
"""
from collections import defaultdict
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.tickets.transitions import COLLECT_EVENT, TRANSITIONS, initial_state, target_state

NOW = "2026-11-20T10:00:00+08:00"


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _replay(ticket, events, roles, departments) -> list[str]:
    """What in one problem's timeline the table does not allow (empty: all of it is allowed)."""
    wrong = []
    state, replied_from, last_at = None, None, None

    def say(event, what):
        wrong.append(f"{ticket.number} event {event.id} {event.kind} ({event.from_status} → {event.to_status}, "
                     f"{roles.get(event.actor_id)}): {what}")

    for index, event in enumerate(events):
        if last_at is not None and event.at < last_at:
            say(event, "earlier than the event before it")
        last_at = event.at
        data = event.data or {}
        if index == 0:
            if event.kind not in ("submit", COLLECT_EVENT) or event.from_status is not None \
                    or event.to_status != initial_state(ticket.source):
                say(event, f"a problem from {ticket.source} starts in {initial_state(ticket.source)}")
            state = event.to_status
            continue
        if event.kind in ("comment", "note"):
            if (event.from_status, event.to_status) != (None, None):
                say(event, "a comment moves no state")
            continue
        if event.from_status != state:
            say(event, f"taken from {event.from_status}, but the problem was {state}")
        if event.kind in TRANSITIONS:
            transition = TRANSITIONS[event.kind]
            allowed = transition.sources.get(event.from_status)
            if not allowed:
                say(event, "not taken from this state in the table")
            elif event.kind == "supervise" and data.get("automatic"):
                if event.actor_id is not None:
                    say(event, "the sweep's supervision has no actor")
            elif roles.get(event.actor_id) not in allowed:
                say(event, f"the table allows only {sorted(allowed)}")
            if transition.co_department and departments.get(event.actor_id) != data.get("department_id"):
                say(event, "taken by someone outside the co-department")
            if event.kind == "rate" and data.get("reopened"):
                expected = replied_from or "accepted"
            else:
                expected = target_state(event.kind, event.from_status)
            if event.to_status != expected:
                say(event, f"leads to {expected} in the table")
            if event.kind == "reply":
                replied_from = event.from_status
        elif event.kind == "auto_close":
            if (event.from_status, event.to_status, event.actor_id) != ("replied", "closed", None):
                say(event, "the sweep closes a replied problem, with no actor")
        elif event.kind == "co_opinions_overdue":
            if (event.from_status, event.to_status) != ("replied", "replied"):
                say(event, "written with the reply, the state stays")
        else:
            say(event, "an event the generator should not write")
        state = event.to_status
    if state != ticket.status:
        wrong.append(f"{ticket.number}: the timeline ends in {state}, the problem is {ticket.status}")
    return wrong


def test_every_simulated_timeline_is_allowed_by_the_transitions_table(fresh_app):
    _cli(fresh_app, "demo", "seed")
    with fresh_app.app_context():
        first_generated = db.session.scalar(sa.select(sa.func.max(Ticket.id))) + 1
    output = _cli(fresh_app, "demo", "scale", "--companies", "30", "--tickets", "1200", "--now", NOW, "--seed", "5")
    assert "1200 problems" in output
    with fresh_app.app_context():
        roles, departments = {}, {}
        for user_id, role, department_id in db.session.execute(sa.select(User.id, User.role, User.department_id)):
            roles[user_id], departments[user_id] = role, department_id
        tickets = db.session.scalars(sa.select(Ticket).where(Ticket.id >= first_generated).order_by(Ticket.id)).all()
        timelines = defaultdict(list)
        for event in db.session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id >= first_generated)
                                        .order_by(TicketEvent.ticket_id, TicketEvent.id)):
            timelines[event.ticket_id].append(event)
        assert len(tickets) == 1200
        wrong = [w for t in tickets for w in _replay(t, timelines[t.id], roles, departments)]
        assert wrong == [], f"{len(wrong)} steps the table does not allow, e.g.:\n" + "\n".join(wrong[:20])

        # The replay saw every kind of step the generator takes, each by the roles that take it in the district.
        kinds = {(e.kind, roles.get(e.actor_id)) for events in timelines.values() for e in events}
        for step in [("accept", Role.ESCORT), ("reject", Role.ESCORT), ("withdraw", Role.COMPANY),
                     ("escalate", Role.ESCORT), ("dispatch", Role.MANAGER), ("sign", Role.HELPER),
                     ("return", Role.HELPER), ("reply", Role.HELPER), ("reply", Role.ESCORT),
                     ("rate", Role.COMPANY), ("rate", Role.ESCORT), ("co_sign", Role.HELPER),
                     ("co_opinion", Role.HELPER), ("request_extension", Role.HELPER),
                     ("decide_extension", Role.MANAGER), ("supervise", None), ("auto_close", None)]:
            assert step in kinds, step
