"""Field-level writes: fields a user may not set are ignored or refused, and nothing in any form lets a
user widen their own scope or role."""
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.tickets.models import Ticket
from tests.tickets.helpers import World

def _fresh(db_session, model, object_id):
    db_session.expire_all()
    return db_session.get(model, object_id)


def _newest_ticket(db_session):
    db_session.expire_all()
    return db_session.scalars(sa.select(Ticket).order_by(Ticket.id.desc())).first()


def test_portal_submission_ignores_company_status_escort_and_department(app, make, db_session):
    from tests.conftest import Browser

    world = World(make)
    other_company = make.company(escort=make.user(role=Role.ESCORT))
    b = Browser(app.test_client())
    b.login(world.company_user.username)
    response = b.post("/portal/problems/new", {
        "title": "越权字段测试", "description": "企业用户带上了不该有的字段。", "category": "financing",
        "urgency": "ordinary", "company_id": other_company.id, "status": "closed", "escort_id": world.manager.id,
        "department_id": world.department.id, "helper_id": world.helper.id, "source": "hotline",
        "supervision": "flagged", "number": "XS-2026-999999",
    })
    assert response.status_code == 302
    ticket = _newest_ticket(db_session)
    assert ticket.title == "越权字段测试"
    assert ticket.company_id == world.company.id
    assert (ticket.status, ticket.department_id, ticket.helper_id, ticket.source) == ("submitted", None, None, "portal")
    assert ticket.escort_id in (None, world.escort.id)
    assert ticket.number != "XS-2026-999999"


def test_api_submission_by_a_company_user_files_for_its_own_company_only(make, api, db_session):
    world = World(make)
    other_company = make.company(escort=make.user(role=Role.ESCORT))
    client, _user, headers = api(user=world.company_user)
    response = client.post("/api/v1/tickets", headers=headers, json={
        "company_id": other_company.id, "title": "接口越权字段", "description": "带了状态和部门。",
        "category": "financing", "urgency": "ordinary", "source": "portal", "status": "closed",
        "department_id": world.department.id, "escort_id": world.manager.id, "helper_id": world.helper.id,
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["company_id"] == world.company.id
    assert (body["status"], body["department_id"], body["helper_id"]) == ("submitted", None, None)
    stored = _fresh(db_session, Ticket, body["id"])
    assert stored.company_id == world.company.id and stored.department_id is None


def test_a_company_user_cannot_pick_a_staff_source(make, api):
    world = World(make)
    client, _user, headers = api(user=world.company_user)
    response = client.post("/api/v1/tickets", headers=headers, json={
        "title": "来源冒充", "description": "冒充热线来源。", "category": "financing", "source": "hotline"})
    assert response.status_code == 400
    assert "source" in response.get_json()["error"]["fields"]


def test_an_action_cannot_move_a_problem_anywhere_but_its_transition(make, api, db_session):
    world = World(make)
    ticket = world.new_ticket()
    client, _user, headers = api(user=world.company_user)
    response = client.post(f"/api/v1/tickets/{ticket.id}/actions", headers=headers, json={
        "action": "withdraw", "version": ticket.version, "status": "closed", "company_id": 999,
        "department_id": world.department.id, "rating": "satisfied"})
    assert response.status_code == 200, response.get_json()
    stored = _fresh(db_session, Ticket, ticket.id)
    assert (stored.status, stored.company_id, stored.department_id, stored.rating) == (
        "withdrawn", world.company.id, None, None)


def test_a_portal_account_created_by_an_escort_is_always_a_company_user_of_that_company(app, make, db_session):
    from tests.conftest import Browser

    world = World(make)
    other_company = make.company()
    b = Browser(app.test_client())
    b.login(world.escort.username)
    response = b.post(f"/companies/{world.company.id}/accounts", {
        "username": "widened-account", "name": "扩权账号", "role": "admin", "company_id": other_company.id,
        "department_id": world.department.id, "active": "1", "must_change_password": "",
    })
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    db_session.expire_all()
    account = db_session.scalars(sa.select(User).where(User.username == "widened-account")).one()
    assert (account.role, account.company_id, account.department_id) == (Role.COMPANY, world.company.id, None)
    assert account.must_change_password is True


def test_nobody_changes_their_own_role_and_managers_cannot_make_admins(app, make, login_as, db_session):
    b, manager = login_as(Role.MANAGER)
    escort = make.user(role=Role.ESCORT)
    for target in (manager, escort):
        b.post(f"/staff/{target.id}/edit", {
            "name": target.name, "role": Role.ADMIN, "phone": "", "email": "", "department_id": 0, "town_id": 0})
        assert _fresh(db_session, User, target.id).role == target.role
    b, escort_self = login_as(Role.ESCORT)
    b.post("/auth/profile", {"name": "令牌", "role": Role.ADMIN, "company_id": 1, "department_id": 1})
    stored = _fresh(db_session, User, escort_self.id)
    assert (stored.role, stored.company_id, stored.department_id) == (Role.ESCORT, None, None)
