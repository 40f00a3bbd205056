"""协办 where people read it: the problem list (every staff member sees the co-departments and their state),
the XLSX ledger (协办部门 and 协办意见 columns) and the API (each co-department's state) — never the company."""
from datetime import datetime, timezone

import pytest

from tests.api.test_api_tickets import as_  # noqa: F401  (as_ is a fixture)
from tests.dispatch.test_co_departments import CoWorld
from tests.tickets.test_ledger import read
from tests.tickets.test_pages import signed_in, text

FRIDAY = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(make):
    return CoWorld(make)


def _states(world):
    """A problem whose second department gave its opinion on time and whose third signed late and is now
    past its opinion deadline; and a plain problem without co-departments."""
    t = world.dispatched_with_co()
    world.act(world.helper, t, "sign")
    world.act(world.other_helper, t, "co_sign")
    world.act(world.other_helper, t, "co_opinion", opinion="用工补贴可按新招用人员申报。")
    world.act(world.third_helper, t, "co_sign", now=datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc))
    plain = world.new_ticket(title="融资担保费用高")
    return t, plain


def _row(page: str, ticket) -> str:
    row = page[page.index(f'<td class="ticket-number"><a href="/tickets/{ticket.id}">'):]
    return row[:row.index("</tr>")]


def test_the_list_shows_every_staff_member_the_co_departments_and_their_state(app, world, db_session):
    t, plain = _states(world)
    for user in (world.manager, world.helper, world.other_helper):
        page = text(signed_in(app, user).get("/tickets/"))
        row = _row(page, t)
        assert "co-list" in row, user.role
        assert f"{world.other_department.name}（已提交意见）" in row
        assert f"{world.third_department.name}（已签收（签收逾期）" in row
        if user is world.manager:
            assert "co-list" not in _row(page, plain)


def test_the_ledger_has_the_co_departments_their_state_and_opinions(app, world, db_session, login_as):
    t, plain = _states(world)
    browser = signed_in(app, world.manager)
    header, rows = read(browser.get("/tickets/export.xlsx"))
    assert header[-2:] == ("协办部门", "协办意见")
    by_number = {r[0]: dict(zip(header, r)) for r in rows}
    co = by_number[t.number]
    assert co["协办部门"].split("\n") == [f"{world.other_department.name}：已提交意见",
                                         f"{world.third_department.name}：已签收（签收逾期）（意见逾期）"]  # now: Dec
    assert co["协办意见"] == f"{world.other_department.name}：用工补贴可按新招用人员申报。"
    assert by_number[plain.number]["协办部门"] in (None, "") and by_number[plain.number]["协办意见"] in (None, "")
    # A return ends the co-departments' requests: no longer in the ledger's 协办 columns.
    world.act(world.helper, t, "return", reason="不属于本部门职责")
    header, rows = read(browser.get("/tickets/export.xlsx"))
    assert dict(zip(header, [r for r in rows if r[0] == t.number][0]))["协办部门"] in (None, "")


def test_the_api_gives_each_co_departments_state_and_overdue_opinion(world, db_session, as_):
    t, _plain = _states(world)
    body = as_(world.manager).ticket(t.id)
    second, third = body["co_departments"]
    assert (second["state"], second["opinion_overdue"], second["opinion"]) == (
        "opinion_given", False, "用工补贴可按新招用人员申报。")
    assert (third["state"], third["signed_on_time"], third["opinion_overdue"]) == ("signed", False, True)
    assert as_(world.company_user).ticket(t.id)["co_departments"] is None
