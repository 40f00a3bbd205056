"""Where a common problem is counted (issue 17): the dashboard (members as problems at the group's department,
the group once in its own line), the problem list's department filter, the helper's home, the daily digest
(the group once, never its members), the department ranking (a late group once in 超期件数, said on the page),
the XLSX ledger (membership), and the department suggestions (a group's dispatch is history for its members)."""
import html
import io
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from app.common_problems import services
from app.common_problems.models import CommonProblem
from app.notify.digests import owed_by_person
from app.rankings.metrics import department_metrics
from app.rankings.periods import current_month
from app.tickets import department_model, services as ticket_services
from app.tickets.services import NewTicket
from app.tickets.suggestions import department_suggestions
from tests.common_problems.helpers import Firms
from tests.conftest import Browser

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SH).astimezone(timezone.utc)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(app, user) -> Browser:
    b = Browser(app.test_client())
    assert b.login(user.username).status_code == 302
    return b


def late_group(firms, session, members=5):
    """Dispatched to 区人社局 a week ago and never signed: overdue now, for every member."""
    group = services.create_common_problem(firms.manager, title="一线工人招工难",
                                           ticket_ids=[t.id for t in firms.tickets[:members]])
    services.perform(firms.manager, group, "dispatch", {"version": group.version, "department_id": firms.hr.id})
    session.commit()
    past = datetime(2026, 1, 5, 2, tzinfo=timezone.utc)  # an old signing deadline: overdue whatever today is
    group.sign_due_at = group.due_at = past
    services.sync_members(group)
    session.commit()
    return group


def _metric_text(page: str, cls: str) -> str:
    return re.sub(r"\s+", " ", page.split(cls, 1)[1].split("</div>", 3)[2])


def test_the_dashboard_counts_each_member_at_the_groups_department_and_the_group_once(app, make):
    firms = Firms(make)
    group = late_group(firms, make.session)
    manager = signed_in(app, firms.manager)
    page = text(manager.get("/dashboard"))
    # The group's own line: one late common problem.
    assert "办理中的共性问题 1 个" in page and "其中已超期 1 个" in page and "督办中 " not in page.split(
        'id="common-suggestions"', 1)[1].split("</h2>", 1)[0]
    services.perform(firms.manager, group, "supervise", {"version": group.version, "level": "remind"})
    make.session.commit()
    page = text(manager.get("/dashboard"))
    assert "督办中 1 个" in page
    # The department breakdown holds the five member problems (the list it links to shows exactly them).
    chart = page.split('id="chart-department"', 1)[1].split("</svg>", 1)[0]
    assert "区人社局" in chart
    listed = text(manager.get(f"/tickets/?department_id={firms.hr.id}&overdue=1"))
    for t in firms.tickets:
        assert t.number in listed
    assert firms.unrelated.number not in listed
    other = text(manager.get(f"/tickets/?department_id={firms.other_department.id}"))
    assert not any(t.number in other for t in firms.tickets)
    # The overdue headline counts the five late member problems (each a company's problem), and the list
    # behind it shows each with the group's deadline and its membership.
    overdue_list = text(manager.get("/tickets/?overdue=1"))
    assert all(t.number in overdue_list for t in firms.tickets) and group.number in overdue_list


def test_the_helpers_home_shows_the_departments_common_problems_once(app, make):
    firms = Firms(make)
    late_group(firms, make.session)
    page = text(signed_in(app, firms.helper).get("/home"))
    tiles = page.split("home-counts", 1)[1].split("</section>", 1)[0]
    assert re.search(r"共性问题待办</div>\s*<a[^>]*>1</a>", tiles)
    assert re.search(r"共性问题已超期</div>\s*<a[^>]*>1</a>", tiles)
    other = text(signed_in(app, firms.other_helper).get("/home")).split("home-counts", 1)[1]
    assert re.search(r"共性问题待办</div>\s*<a[^>]*>0</a>", other)


def test_the_daily_digest_owes_the_group_once_never_its_members(app, make):
    firms = Firms(make)
    group = late_group(firms, make.session)
    owed = owed_by_person(datetime.now(timezone.utc))
    helper = owed[firms.helper.id]
    assert [g.number for g in helper["to_sign"]] == [group.number]
    assert [g.number for g in helper["overdue"]] == [group.number]
    member_ids = {t.id for t in firms.tickets}
    for items in owed[firms.manager.id].values():
        assert not any(getattr(i, "id", None) in member_ids and hasattr(i, "company_id") for i in items)
    # Before dispatch a group is owed by the managers, once.
    fresh = services.create_common_problem(firms.manager, title="另一组", ticket_ids=[firms.unrelated.id,
                                           firms.latecomer().id])
    make.session.commit()
    owed = owed_by_person(datetime(2030, 1, 1, tzinfo=timezone.utc))
    numbers = [getattr(i, "number") for i in owed[firms.manager.id]["overdue"]]
    assert numbers.count(fresh.number) == 1 and firms.unrelated.number not in numbers


def test_the_department_ranking_counts_a_late_group_once_and_says_so(app, make):
    firms = Firms(make)
    group = late_group(firms, make.session)
    now = datetime.now(timezone.utc)
    period = current_month(now.astimezone(SH).date())
    rows = {e.id: e for e in department_metrics(period, now=now)}
    assert rows[firms.hr.id].metrics["overdue_count"] == 1  # not five
    assert rows[firms.other_department.id].metrics["overdue_count"] == 0
    # Answered: no longer late; each member's rating counts in the department's satisfaction.
    services.perform(firms.helper, group, "sign", {"version": group.version})
    services.perform(firms.helper, group, "reply", {"version": group.version, "message": "已安排招聘会。"})
    make.session.commit()
    for i, rating in enumerate(("satisfied", "basically_satisfied", "unsatisfied")):
        member = make.session.get(type(firms.tickets[i]), firms.tickets[i].id)
        ticket_services.perform(firms.users[i], member, "rate",
                                {"version": member.version, "rating": rating, "comment": "不合适" if i == 2 else ""})
    make.session.commit()
    rows = {e.id: e for e in department_metrics(period, now=datetime.now(timezone.utc))}
    hr = rows[firms.hr.id].metrics
    assert hr["overdue_count"] == 0
    assert (hr["satisfaction"].num, hr["satisfaction"].den) == (2, 3)
    assert (hr["on_time_reply"].num, hr["on_time_reply"].den) == (1, 1)  # the group's one dispatch record
    page = text(signed_in(app, firms.manager).get("/rankings/?board=departments"))
    assert "共性问题签收或答复超期时，在超期件数中计一件" in page
    assert "交办给该部门、签收或答复已超期的共性问题数（每个共性问题计一件，不按成员计）" in page


def test_the_ledger_shows_each_members_group_and_deadline(app, make):
    firms = Firms(make)
    group = late_group(firms, make.session, members=3)
    response = signed_in(app, firms.manager).get("/tickets/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True))
    header = rows[0]
    by_number = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    for t in firms.tickets[:3]:
        assert by_number[t.number]["共性问题"] == group.number
        assert by_number[t.number]["是否超期"] == "是"
    assert by_number[firms.tickets[3].number]["共性问题"] in ("", None)


def test_a_groups_dispatch_is_history_for_the_next_similar_problem(app, make):
    firms = Firms(make)
    session = make.session
    group = services.create_common_problem(firms.manager, title="一线工人招工难",
                                           ticket_ids=[t.id for t in firms.tickets])
    services.perform(firms.manager, group, "dispatch", {"version": group.version, "department_id": firms.hr.id})
    session.commit()
    examples = [ex for _at, ex in department_model.history()]
    assert len([ex for ex in examples if ex.label == firms.hr.id]) == 5  # each member's text, labelled 区人社局
    newcomer = ticket_services.submit_ticket(firms.users[5], firms.companies[5], NewTicket(
        "车间一线工人缺口大，招不到人", "订单增加，一线工人缺口约90人，招聘两个月招不到人，希望帮助招工。", "labour"))
    session.commit()
    suggested = department_suggestions(newcomer)
    assert suggested and suggested[0].department.id == firms.hr.id
    assert "相似问题中" in suggested[0].reason and "交办区人社局" in suggested[0].reason
    assert "同类问题中 1 次由该部门办理" in suggested[0].reason  # the group's dispatch once, not five times
    # A returned group dispatch is no history (the department it went to next is).
    services.perform(firms.helper, group, "return", {"version": group.version, "reason": "不属于本部门"})
    session.commit()
    assert not [ex for _at, ex in department_model.history() if ex.label == firms.hr.id]
    assert fresh_group(session, group.id).status == "escalated"


def fresh_group(session, id_):
    session.expire_all()
    return session.get(CommonProblem, id_)
