"""One rule per object type: the SQL scope condition (every list, count and lookup selects with it) and
its Python mirror (the per-object checks, which read already-loaded relations instead of querying) agree
for every user and every object of the access-matrix world, with and without an escort's history.

The world gets what the matrix alone lacks: a former escort (side B's company handed to a new escort,
who visits it), a co-department (side A's department on one of side B's problems), a helper without a
department and a portal user without a company.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.companies import permissions as company_permissions
from app.companies.models import Company
from app.extensions import db
from app.tickets import permissions as ticket_permissions
from app.tickets.models import Ticket
from app.visits import permissions as visit_permissions
from app.visits.models import Visit


@pytest.fixture(scope="module")
def scoped_world(world):
    from app.companies.services import assign_escort
    from app.tickets import services as ticket_services
    from app.visits import services as visit_services
    from tests.factories import Factories

    with world.app.app_context():
        make = Factories(db.session)
        company_b = db.session.get(Company, world.ids["company:b"])
        new_escort = make.user(role="escort", name="接任陪跑员")
        assign_escort(None, company_b, new_escort, "片区调整")
        visit_services.create_visit(new_escort, company_b, {"visited_on": date.today().isoformat(),
                                                            "mode": "phone", "summary": "接任后的走访"})
        manager = db.session.scalars(sa.select(User).where(User.role == "manager")).first()
        user_b = db.session.get(User, world.ids["company_user:b"])
        ticket = ticket_services.submit_ticket(user_b, company_b, ticket_services.NewTicket("协办的问题", "描述", "land"))
        db.session.flush()
        ticket_services.perform(manager, ticket, "dispatch", {
            "department_id": world.ids["department:b"], "co_departments": [world.ids["department:a"]],
            "version": ticket.version})
        make.user(role="helper", name="无部门帮帮团")
        make.user(role="company", name="无企业联系人")
        db.session.commit()
    return world


def _ids(model, condition) -> set[int]:
    return set(db.session.scalars(sa.select(model.id).where(condition)))


@pytest.mark.parametrize("history", [False, True], ids=["working", "history"])
def test_each_scope_condition_equals_its_python_mirror(scoped_world, history):
    mirrors = {
        Company: (company_permissions.company_scope,
                  company_permissions.can_view_company if history else company_permissions.serves_company),
        Ticket: (ticket_permissions.ticket_scope,
                 ticket_permissions.can_view_ticket if history else ticket_permissions.in_working_scope),
        Visit: (visit_permissions.visit_scope,
                visit_permissions.can_view_visit if history else visit_permissions.in_working_scope),
    }
    checked = 0
    with scoped_world.app.test_request_context():
        users = db.session.scalars(sa.select(User).order_by(User.id)).all()
        for model, (scope, mirror) in mirrors.items():
            objects = db.session.scalars(sa.select(model).order_by(model.id)).all()
            for user in users:
                in_scope = _ids(model, scope(user, history=history))
                for obj in objects:
                    assert mirror(user, obj) == (obj.id in in_scope), (model.__name__, user.role, user.name, obj.id)
                    checked += 1
    assert checked > 100


def test_the_former_escort_reads_history_but_works_on_nothing_of_it(scoped_world):
    with scoped_world.app.test_request_context():
        former = db.session.get(User, scoped_world.ids["escort:b"])
        company = db.session.get(Company, scoped_world.ids["company:b"])
        ticket = db.session.get(Ticket, scoped_world.ids["ticket:b"])
        assert company_permissions.can_view_company(former, company)
        assert not company_permissions.serves_company(former, company)
        assert ticket_permissions.can_view_ticket(former, ticket)
        assert ticket_permissions.allowed_actions(former, ticket) == []
        assert not (ticket_permissions.can_comment_ticket(former, ticket)
                    or ticket_permissions.can_add_internal_note(former, ticket)
                    or ticket_permissions.can_attach_to_ticket(former, ticket)
                    or ticket_permissions.can_tag_ticket(former, ticket))
        # Their working lists no longer hold the company: only history lookups do.
        assert company.id not in _ids(Company, company_permissions.company_scope(former))
        assert company.id in _ids(Company, company_permissions.company_scope(former, history=True))
