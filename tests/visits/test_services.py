"""create_visit: everything checked first, the visit and its problems written together or not at all."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.models import AuditLog
from app.tickets.models import Ticket
from app.visits import services
from app.visits.models import Visit
from app.visits.services import VisitError
from tests.visits.helpers import problem, visit_data

TODAY = date(2026, 11, 18)


def counts(session):
    return (session.scalar(sa.select(sa.func.count()).select_from(Visit)),
            session.scalar(sa.select(sa.func.count()).select_from(Ticket)))


@pytest.fixture
def escort_company(make):
    escort = make.user(role="escort")
    return escort, make.company(escort=escort)


def test_visit_with_two_problems_creates_two_visit_tickets(make, escort_company):
    escort, company = escort_company
    visit = services.create_visit(
        escort, company, visit_data(visited_on="2026-11-17"),
        problems=[problem(), {"title": "", "description": "", "category": ""},
                  problem(title="厂房租金补贴未兑现", category="policy", urgency="urgent")],
        today=TODAY)
    make.session.commit()
    tickets = make.session.scalars(sa.select(Ticket).where(Ticket.visit_id == visit.id).order_by(Ticket.id)).all()
    assert [t.title for t in tickets] == ["技术工人招聘难", "厂房租金补贴未兑现"]
    assert {t.source for t in tickets} == {"visit"}
    assert [t.urgency for t in tickets] == ["ordinary", "urgent"]
    assert all(t.company_id == company.id and t.status == "accepted" and t.created_by_id == escort.id for t in tickets)
    assert visit.escort_id == escort.id and visit.visited_on == date(2026, 11, 17)
    assert make.session.scalar(sa.select(AuditLog.id).where(
        AuditLog.action == "visit_create", AuditLog.object_id == visit.id)) is not None


def test_a_half_filled_problem_row_saves_nothing_and_names_the_row(make, escort_company):
    escort, company = escort_company
    before = counts(make.session)
    with pytest.raises(VisitError) as refused:
        services.create_visit(escort, company, visit_data(visited_on="2026-11-17"),
                              problems=[problem(), problem(title="", category="")], today=TODAY)
    make.session.rollback()
    assert refused.value.status == 400
    assert refused.value.fields["problems[1].title"].startswith("第2个问题")
    assert "problems[1].category" in refused.value.fields
    assert set(refused.value.problem_errors) == {1}
    assert counts(make.session) == before


def test_a_problem_that_fails_while_saving_rolls_back_the_visit_and_earlier_tickets(make, escort_company, monkeypatch):
    """Atomic even past validation: the second ticket fails to save → no visit, no first ticket."""
    escort, company = escort_company
    from app.tickets import services as ticket_services

    real_submit, calls = ticket_services.submit_ticket, []

    def failing_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ticket_services.TicketActionError("编号服务暂不可用", 409)
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(ticket_services, "submit_ticket", failing_second)
    before = counts(make.session)
    with pytest.raises(VisitError):
        services.create_visit(escort, company, visit_data(visited_on="2026-11-17"),
                              problems=[problem(), problem(title="第二个")], today=TODAY)
    make.session.rollback()
    assert counts(make.session) == before


@pytest.mark.parametrize("visited_on,message", [
    ("2026-11-19", "走访日期不能晚于今天。"),
    ((TODAY - timedelta(days=91)).isoformat(), "只能补记 90 天内的走访"),
    ("2026-13-01", "请填写有效的走访日期"),
    ("", "请填写有效的走访日期"),
])
def test_bad_dates_are_refused_with_a_clear_message(make, escort_company, visited_on, message):
    escort, company = escort_company
    with pytest.raises(VisitError) as refused:
        services.create_visit(escort, company, visit_data(visited_on=visited_on), today=TODAY)
    assert message in refused.value.fields["visited_on"]


def test_ninety_days_back_and_today_are_accepted(make, escort_company):
    escort, company = escort_company
    for day in (TODAY - timedelta(days=90), TODAY):
        services.create_visit(escort, company, visit_data(visited_on=day.isoformat()), today=TODAY)
    make.session.commit()
    assert counts(make.session)[0] == 2


@pytest.mark.parametrize("field,value", [("mode", "walk"), ("mode", ["on_site"]), ("summary", "  "),
                                         ("participants", "人" * 501), ("next_step", 42)])
def test_bad_fields_are_named(make, escort_company, field, value):
    escort, company = escort_company
    with pytest.raises(VisitError) as refused:
        services.create_visit(escort, company, visit_data(visited_on="2026-11-17", **{field: value}), today=TODAY)
    assert field in refused.value.fields


def test_bad_problem_values_are_refused_not_crashing(make, escort_company):
    escort, company = escort_company
    with pytest.raises(VisitError) as refused:
        services.create_visit(escort, company, visit_data(visited_on="2026-11-17"),
                              problems=[problem(category=["labour"]), problem(title=7), "not a row"], today=TODAY)
    assert {"problems[0].category", "problems[1].title", "problems[2]"} <= set(refused.value.fields)


@pytest.mark.parametrize("who", ["other_escort", "manager", "admin", "previous_escort"])
def test_only_the_current_escort_may_log(make, escort_company, who):
    escort, company = escort_company
    if who == "previous_escort":
        from app.companies.services import assign_escort

        actor = escort
        assign_escort(None, company, make.user(role="escort"), "调整分工")
        make.session.commit()
    else:
        actor = make.user(role={"other_escort": "escort"}.get(who, who))
    with pytest.raises(VisitError) as refused:
        services.create_visit(actor, company, visit_data(visited_on="2026-11-17"), problems=[problem()], today=TODAY)
    assert refused.value.status == 403
    make.session.rollback()
    assert counts(make.session) == (0, 0)
