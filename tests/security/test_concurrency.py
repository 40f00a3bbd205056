"""Under load, nothing lost: 20 API clients act on the same few problems at once (transitions,
comments, ratings, new submissions) for a bounded time, on the suite's database kind (SQLite with
WAL, busy_timeout and immediate write transactions; PostgreSQL with TEST_DATABASE_URL).

Every request is applied (2xx) or refused with 409 (someone else moved first) or 403 (the role may
not); the timeline has exactly one new event per applied action or comment; each problem's events
form one unbroken chain of states from 待受理 to its final state; ticket numbers never repeat; and
every final state is reachable through the transitions table.
"""
import random
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.tickets.models import STATUSES, Ticket, TicketEvent
from app.tickets.services import NewTicket, submit_ticket
from app.tickets.transitions import TRANSITIONS
from tests.factories import PASSWORD, Factories

CLIENTS = 20
TICKETS = 4
MAX_REQUESTS = 12  # per client
MAX_SECONDS = 20  # per client, whichever comes first

# Valid-looking data for each action (the state and version decide whether it applies).
ACTION_DATA = {
    "accept": {}, "withdraw": {}, "sign": {},
    "reject": {"reason": "不属于涉企问题"}, "escalate": {"reason": "需要部门协调"},
    "return": {"reason": "非本部门职责"}, "reply": {"message": "已协调解决。"}, "pause": {"reason": "请补充材料"},
    "supervise": {"level": "remind"},
}


def reachable_states() -> set[str]:
    """States reachable from 待受理 through TRANSITIONS (不满意 sends a problem back to whoever replied)."""
    seen, frontier = {"submitted"}, ["submitted"]
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS.values():
            if state in transition.sources:
                targets = {transition.target or state}
                if transition.action == "rate":
                    targets |= {"in_progress", "accepted"}
                for target in targets - seen:
                    seen.add(target)
                    frontier.append(target)
    return seen


def _setup(app):
    with app.app_context():
        make = Factories(db.session)
        department = make.department()
        people = {
            "manager": make.user(role=Role.MANAGER),
            "escort": make.user(role=Role.ESCORT),
            "helper": make.user(role=Role.HELPER, department=department),
        }
        company = make.company(escort=people["escort"])
        people["company"] = make.user(role=Role.COMPANY, company=company)
        for _n in range(TICKETS):
            submit_ticket(people["company"], company, NewTicket("并发测试问题", "多人同时处理。", "approval"))
        db.session.commit()
        ticket_ids = db.session.scalars(sa.select(Ticket.id).order_by(Ticket.id)).all()
        events_before = db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent))
        return ({role: u.username for role, u in people.items()}, department.id, ticket_ids, events_before)


def _data(action, department_id, rng) -> dict:
    if action == "dispatch":
        return {"department_id": department_id}
    if action == "rate":
        rating = rng.choice(["satisfied", "basically_satisfied", "unsatisfied"])
        return {"rating": rating, "comment": "还没解决" if rating == "unsatisfied" else ""}
    return dict(ACTION_DATA.get(action, {}))


def _worker(app, n, username, department_id, ticket_ids, results, errors, barrier):
    rng = random.Random(n)
    client = app.test_client()
    try:
        response = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        assert response.status_code == 201, response.get_data(as_text=True)
        headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
        barrier.wait(timeout=60)
        deadline = time.monotonic() + MAX_SECONDS
        for _i in range(MAX_REQUESTS):
            if time.monotonic() > deadline:
                break
            ticket_id = rng.choice(ticket_ids)
            seen = client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
            if seen.status_code != 200:
                results.append(("get", ticket_id, seen.status_code, username, ""))
                continue
            ticket = seen.get_json()
            roll = rng.random()
            if roll < 0.2:
                response = client.post(f"/api/v1/tickets/{ticket_id}/comments", headers=headers,
                                       json={"body": f"第{n}号客户端的留言"})
                results.append(("comment", ticket_id, response.status_code, username, response.get_data(as_text=True)[:200]))
                continue
            if roll < 0.25 and username.startswith("company"):
                response = client.post("/api/v1/tickets", headers=headers, json={
                    "title": f"并发新问题{n}", "description": "同时提交。", "category": "other"})
                results.append(("submit", None, response.status_code, username, response.get_data(as_text=True)[:200]))
                continue
            allowed = ticket["allowed_actions"]
            action = rng.choice(allowed) if allowed and rng.random() < 0.85 else rng.choice(list(ACTION_DATA))
            if action in ("request_extension", "decide_extension"):
                action = "supervise"
            version = ticket["version"] - (1 if rng.random() < 0.1 else 0)  # now and then a stale form
            body = {"action": action, "version": version, **_data(action, department_id, rng)}
            response = client.post(f"/api/v1/tickets/{ticket_id}/actions", headers=headers, json=body)
            results.append((action, ticket_id, response.status_code, username, response.get_data(as_text=True)[:200]))
    except Exception as exc:  # noqa: BLE001  (collected and asserted in the test)
        errors.append(f"client {n}: {exc!r}")
        barrier.abort()


@pytest.mark.slow
def test_twenty_clients_on_the_same_problems_lose_nothing(fresh_app):
    usernames, department_id, ticket_ids, events_before = _setup(fresh_app)
    roles = ["manager", "escort", "helper", "company"]
    results, errors = [], []
    barrier = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=_worker, args=(fresh_app, n, usernames[roles[n % len(roles)]], department_id,
                                                      ticket_ids, results, errors, barrier))
               for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(MAX_SECONDS * 6)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    statuses = Counter(r[2] for r in results)
    # 404: a helper's view of a problem ends when it is returned or not yet dispatched to them.
    unexpected = [r for r in results
                  if r[2] not in (200, 201, 403, 409) and not (r[2] == 404 and r[3] == usernames["helper"])]
    assert unexpected == [], unexpected[:5]
    applied = [r for r in results if r[0] not in ("get", "submit") and r[2] in (200, 201)]
    submitted = [r for r in results if r[0] == "submit" and r[2] == 201]
    assert len(applied) > 10 and statuses[409] > 0, statuses  # the race really happened

    with fresh_app.app_context():
        events = db.session.scalars(sa.select(TicketEvent).order_by(TicketEvent.id)).all()
        tickets = {t.id: t for t in db.session.scalars(sa.select(Ticket))}
    new_events = [e for e in events[events_before:] if e.kind != "submit"]
    assert len(new_events) == len(applied), (len(new_events), len(applied), statuses)
    assert Counter(e.ticket_id for e in new_events) == Counter(r[1] for r in applied)
    assert len([e for e in events if e.kind == "submit"]) == TICKETS + len(submitted)

    numbers = [t.number for t in tickets.values()]
    assert len(numbers) == len(set(numbers)) == TICKETS + len(submitted)

    reachable = reachable_states()
    for ticket in tickets.values():
        assert ticket.status in STATUSES and ticket.status in reachable, ticket.status
        state = None
        for event in (e for e in events if e.ticket_id == ticket.id and e.to_status):
            if event.kind == "submit":
                state = event.to_status
                continue
            assert event.from_status == state, (ticket.id, event.kind, event.from_status, state)
            state = event.to_status
        assert state == ticket.status, (ticket.id, state, ticket.status)
