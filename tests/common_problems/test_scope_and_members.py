"""共性问题 scope, members, the API lifecycle and the pinned query counts of the list and detail pages.

Scope: managers and admins see every common problem; a helper those dispatched to their department; an
escort those holding a problem of their companies (read-only); a company never the group nor the other
companies — in the pages, the portal and the API."""
import html

import pytest
import sqlalchemy as sa

from app.common_problems import services
from app.common_problems.models import CommonProblem
from app.tickets import services as ticket_services
from app.tickets.models import Ticket, TicketEvent
from tests.common_problems.helpers import Firms, version_in
from tests.conftest import Browser


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def fresh(session, model, id_):
    session.expire_all()
    return session.get(model, id_)


@pytest.fixture
def grouped(make, db_session):
    firms = Firms(make)
    group = services.create_common_problem(firms.manager, title="一线工人招工难", description="五家企业反映招工难。",
                                           ticket_ids=[t.id for t in firms.tickets])
    db_session.commit()
    return firms, group


def dispatch(firms, group, department=None):
    services.perform(firms.manager, group, "dispatch",
                     {"version": group.version, "department_id": (department or firms.hr).id})
    firms.make.session.commit()


def test_who_sees_a_common_problem_in_the_pages(app, grouped, make):
    firms, group = grouped
    url = f"/common-problems/{group.id}"
    for user in (firms.manager, firms.admin, *firms.escorts):
        b = signed_in(app, user)
        assert b.get(url).status_code == 200, user.role
        assert group.number in text(b.get("/common-problems/"))
    stranger = make.user(role="escort")
    b = signed_in(app, stranger)
    assert b.get(url).status_code == 404 and group.number not in text(b.get("/common-problems/"))
    # Helpers: only once it is dispatched to their department.
    assert signed_in(app, firms.helper).get(url).status_code == 404
    dispatch(firms, group)
    helper = signed_in(app, firms.helper)
    assert helper.get(url).status_code == 200 and group.number in text(helper.get("/common-problems/"))
    other = signed_in(app, firms.other_helper)
    assert other.get(url).status_code == 404 and group.number not in text(other.get("/common-problems/"))
    # An escort reads it but takes no action (no role in it).
    page = text(signed_in(app, firms.escorts[0]).get(url))
    assert "/actions/" not in page and "您当前没有可执行的操作" in page
    # Company users: never the group.
    for user in firms.users:
        b = signed_in(app, user)
        assert b.get(url).status_code == 403 and b.get("/common-problems/").status_code == 403


def test_a_company_sees_only_its_own_member_problem_never_the_group_or_the_others(app, grouped, api):
    firms, group = grouped
    dispatch(firms, group)
    for i, user in enumerate(firms.users[:5]):
        b = signed_in(app, user)
        own = firms.tickets[i]
        home = text(b.get("/portal/"))
        page = text(b.get(f"/portal/problems/{own.id}"))
        for shown in (home, page):
            assert own.number in home and group.number not in shown and "共性问题" not in shown
            for j, other in enumerate(firms.tickets):
                if j != i:
                    assert other.number not in shown and firms.companies[j].name not in shown
        assert b.get(f"/portal/problems/{firms.tickets[(i + 1) % 5].id}").status_code == 404
        client, _user, headers = api(user=user)
        assert client.get(f"/api/v1/common-problems/{group.id}", headers=headers).status_code == 403
        body = client.get(f"/api/v1/tickets/{own.id}", headers=headers).get_json()
        assert body["status"] == "dispatched" and group.number not in str(body)
        events = client.get(f"/api/v1/tickets/{own.id}/events", headers=headers).get_json()["items"]
        assert group.number not in str(events) and all(e["public"] for e in events)
        listed = client.get("/api/v1/tickets", headers=headers).get_json()["items"]
        assert [t["id"] for t in listed] == [own.id]


def test_the_api_scope_matches_the_pages(grouped, api, make):
    firms, group = grouped
    url = f"/api/v1/common-problems/{group.id}"
    for user, expected in ((firms.manager, 200), (firms.escorts[2], 200), (firms.helper, 404),
                           (make.user(role="escort"), 404), (firms.users[0], 403)):
        client, _user, headers = api(user=user)
        assert client.get(url, headers=headers).status_code == expected, user.role
    dispatch(firms, group)
    for user, expected in ((firms.helper, 200), (firms.other_helper, 404)):
        client, _user, headers = api(user=user)
        assert client.get(url, headers=headers).status_code == expected, user.role


def test_the_whole_loop_through_the_api_with_five_companies(grouped, api, make, db_session):
    firms, _group = grouped
    # A second group from the API: the latecomer and two fresh problems.
    manager, _u, m = api(user=firms.manager)
    late = firms.latecomer()
    extra = [ticket_services.submit_ticket(firms.users[i], firms.companies[i],
                                           ticket_services.NewTicket("招工难", "一线工人缺口大，招不到人。", "labour"))
             for i in range(2)]
    db_session.commit()
    created = manager.post("/api/v1/common-problems", headers=m,
                           json={"title": "招工难（第二批）", "ticket_ids": [late.id, extra[0].id]})
    assert created.status_code == 201, created.get_json()
    group = created.get_json()
    assert group["ticket_ids"] == [late.id, extra[0].id] and group["status"] == "escalated"
    added = manager.post(f"/api/v1/common-problems/{group['id']}/members", headers=m, json={"ticket_ids": [extra[1].id]})
    assert added.status_code == 200 and added.get_json()["ticket_ids"] == [late.id, extra[0].id, extra[1].id]
    # Already in a group: refused by field, nothing changes.
    again = manager.post("/api/v1/common-problems", headers=m, json={"title": "重复", "ticket_ids": [late.id, firms.tickets[0].id]})
    assert again.status_code == 400 and "ticket_ids" in again.get_json()["error"]["fields"]

    def act(client, headers, action, **fields):
        version = client.get(f"/api/v1/common-problems/{group['id']}", headers=headers).get_json()["version"]
        return client.post(f"/api/v1/common-problems/{group['id']}/actions", headers=headers,
                           json={"action": action, "version": version, **fields})

    assert act(manager, m, "dispatch", department_id=firms.hr.id).get_json()["status"] == "dispatched"
    helper, _h, h = api(user=firms.helper)
    body = act(helper, h, "sign").get_json()
    assert body["status"] == "in_progress" and "reply" in body["allowed_actions"]
    # A stale version is a 409, like the ticket actions.
    stale = helper.post(f"/api/v1/common-problems/{group['id']}/actions", headers=h,
                        json={"action": "reply", "version": body["version"] - 1, "message": "x"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    # Not the helper's to dispatch: 403; the manager cannot reply: 403 (role), and sign again: 409 (state).
    assert act(helper, h, "dispatch", department_id=firms.hr.id).status_code == 403
    assert act(manager, m, "sign").status_code == 403
    replied = act(helper, h, "reply", message="统一组织专场招聘会。").get_json()
    assert replied["status"] == "replied" and {x["status"] for x in replied["members"]} == {"replied"}
    assert act(helper, h, "reply", message="再答复").status_code == 409
    # Each company rates its own through the API.
    for ticket, user, rating in ((late, firms.users[5], "satisfied"), (extra[0], firms.users[0], "unsatisfied"),
                                 (extra[1], firms.users[1], "basically_satisfied")):
        client, _c, headers = api(user=user)
        own = client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).get_json()
        assert own["reply_message"] == "统一组织专场招聘会。" and "rate" in own["allowed_actions"]
        response = client.post(f"/api/v1/tickets/{ticket.id}/actions", headers=headers,
                               json={"action": "rate", "version": own["version"], "rating": rating, "comment": "时间冲突"})
        assert response.status_code == 200
    final = manager.get(f"/api/v1/common-problems/{group['id']}", headers=m).get_json()
    assert final["ticket_ids"] == [late.id, extra[1].id]  # the 不满意 one left the group
    assert fresh(db_session, Ticket, extra[0].id).status == "in_progress"


def test_members_are_added_while_open_and_removed_back_to_their_own_flow(app, grouped, db_session):
    firms, group = grouped
    late = firms.latecomer()
    manager = signed_in(app, firms.manager)
    url = f"/common-problems/{group.id}"
    # The latecomer's page suggests the open group; one click joins it.
    page = text(manager.get(f"/tickets/{late.id}"))
    assert "可能属于共性问题" in page and group.number in page
    joined = manager.post(f"{url}/members", {"members-tickets": late.number, "back_to_ticket": late.id},
                          form_page=f"/tickets/{late.id}")
    assert joined.status_code == 302 and joined.headers["Location"].endswith(f"/tickets/{late.id}")
    late = fresh(db_session, Ticket, late.id)
    assert late.common_problem_id == group.id and late.status == "escalated"
    assert "已并入共性问题" in text(manager.get(f"/tickets/{late.id}"))
    # An unknown number: a clear message, what was typed kept, nothing added.
    bad = manager.post(f"{url}/members", {"members-tickets": "XS-2099-999999"}, form_page=url)
    assert bad.status_code == 400 and "找不到问题：XS-2099-999999" in text(bad) and "XS-2099-999999" in text(bad)
    # Removing a member: back to the state and clock it had before joining (submitted, portal).
    first = firms.tickets[0]
    assert first.source == "portal"
    response = manager.post(f"{url}/members/{first.id}/remove", {}, form_page=url)
    assert response.status_code == 302
    first = fresh(db_session, Ticket, first.id)
    assert first.common_problem_id is None and first.status == "submitted" and first.due_at is not None
    events = db_session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == first.id)
                                .order_by(TicketEvent.id)).all()
    assert events[-2:] == ["join_common", "leave_common"]
    # Once answered, members can no longer be added or removed.
    dispatch(firms, group)
    services.perform(firms.helper, group, "sign", {"version": group.version})
    services.perform(firms.helper, group, "reply", {"version": group.version, "message": "已答复"})
    db_session.commit()
    page = text(manager.get(url))
    assert f"{url}/members" not in page and "/remove" not in page
    assert manager.post(f"{url}/members/{firms.tickets[1].id}/remove", {}, form_page=url).status_code == 403


def test_dispatching_a_common_problem_offers_department_suggestions_and_a_custom_deadline(app, grouped, db_session):
    firms, group = grouped
    manager = signed_in(app, firms.manager)
    url = f"/common-problems/{group.id}"
    page = text(manager.get(url))
    assert 'name="dispatch-due_on"' in page
    response = manager.post(f"{url}/actions/dispatch", {"dispatch-version": version_in(page, "dispatch"),
                                                        "dispatch-department_id": firms.hr.id,
                                                        "dispatch-due_on": "2001-01-01"}, form_page=url)
    assert response.status_code == 400 and "办理期限应在" in text(response)
    assert fresh(db_session, CommonProblem, group.id).status == "escalated"


def test_a_stale_form_is_refused_and_shows_the_latest(app, grouped, db_session):
    firms, group = grouped
    manager = signed_in(app, firms.manager)
    url = f"/common-problems/{group.id}"
    page = text(manager.get(url))
    old = version_in(page, "supervise")
    services.perform(firms.admin, group, "supervise", {"version": group.version, "level": "remind"})
    db_session.commit()
    response = manager.post(f"{url}/actions/supervise", {"supervise-version": old, "supervise-level": "supervise"},
                            form_page=url)
    assert response.status_code == 409 and "已被他人修改" in text(response)
    assert fresh(db_session, CommonProblem, group.id).supervision == "remind"


def test_the_problem_list_shows_membership_and_filters_by_it(app, grouped):
    firms, group = grouped
    manager = signed_in(app, firms.manager)
    page = text(manager.get("/tickets/"))
    assert page.count(group.number) >= 5
    only = text(manager.get("/tickets/?common=1"))
    assert all(t.number in only for t in firms.tickets) and firms.unrelated.number not in only
    alone = text(manager.get("/tickets/?common=0"))
    assert firms.unrelated.number in alone and not any(t.number in alone for t in firms.tickets)


def _make_groups(firms, db_session, count, start):
    made = []
    for n in range(start, start + count):
        tickets = [ticket_services.submit_ticket(firms.users[i], firms.companies[i],
                                                 ticket_services.NewTicket(f"问题{n}-{i}", "描述", "labour"))
                   for i in range(5)]
        db_session.commit()
        group = services.create_common_problem(firms.manager, title=f"共性{n}", ticket_ids=[t.id for t in tickets])
        db_session.commit()
        services.perform(firms.manager, group, "dispatch", {"version": group.version, "department_id": firms.hr.id})
        db_session.commit()
        made.append(group)
    return made


def test_the_list_and_detail_pages_query_counts_are_pinned_and_do_not_grow(app, make, db_session, count_queries):
    firms = Firms(make)
    users = (firms.manager, firms.helper, firms.escorts[0])
    browsers = {u.id: signed_in(app, u) for u in users}

    def measure(group):
        counts = {}
        for user in users:
            b = browsers[user.id]
            with count_queries() as listing:
                assert b.get("/common-problems/").status_code == 200
            with count_queries() as detail:
                assert b.get(f"/common-problems/{group.id}").status_code == 200
            counts[user.role] = (listing.count, detail.count)
        return counts

    first = measure(_make_groups(firms, db_session, 1, 0)[0])
    more = measure(_make_groups(firms, db_session, 6, 1)[-1])
    assert first == more, (first, more)
    for role, (listing, detail) in first.items():
        # user; page of common problems with departments; bounded count; member and company counts per page.
        assert listing <= 5, (role, listing)
        assert detail <= 12, (role, detail)


def test_the_ledger_export_shows_membership(app, grouped):
    import io

    from openpyxl import load_workbook

    firms, group = grouped
    response = signed_in(app, firms.manager).get("/tickets/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert "共性问题" in header
    membership = {r["编号"]: r["共性问题"] for r in body}
    assert all(membership[t.number] == group.number for t in firms.tickets)
    assert membership[firms.unrelated.number] in ("", None)


def test_the_dashboard_links_the_open_common_problems(app, grouped):
    _firms, group = grouped
    page = text(signed_in(app, _firms.manager).get("/dashboard"))
    assert "办理中的共性问题 1 个" in page
    # Grouped problems are no longer suggested as a group.
    block = page[page.index('id="common-suggestions"'):page.index('id="trend"')]
    assert "common-group" not in block


def test_grouped_members_are_not_in_the_managers_own_queue(app, grouped):
    firms, group = grouped
    page = text(signed_in(app, firms.manager).get("/tickets/?mine=y"))
    assert not any(t.number in page for t in firms.tickets)
