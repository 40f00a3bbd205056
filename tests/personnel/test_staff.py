"""人员管理: the staff directory, creating and editing staff, passwords, (de)activation."""
import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.passwords import password_problems, verify_password
from tests.conftest import Browser
from tests.personnel.helpers import audit_actions, fresh_user, temp_password, text

STAFF_PAGES = ["/staff/", "/staff/new", "/staff/workload", "/staff/reassign"]


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("role,status", [
    (Role.ADMIN, 200), (Role.MANAGER, 200), (Role.ESCORT, 403), (Role.HELPER, 403), (Role.COMPANY, 403),
])
def test_only_managers_and_admins_reach_personnel_pages(login_as, url, role, status):
    b, _user = login_as(role)
    response = b.get(url)
    assert response.status_code == status


@pytest.mark.parametrize("role", [Role.ESCORT, Role.HELPER, Role.COMPANY])
def test_other_roles_are_refused_staff_pages(login_as, make, role):
    other = make.user(role=Role.ESCORT)
    b, _user = login_as(role)
    assert b.get(f"/staff/{other.id}").status_code == 403
    assert b.post(f"/staff/{other.id}/deactivate", {}, form_page="/auth/password").status_code == 403


def test_nav_shows_personnel_for_managers_only(login_as):
    b, _ = login_as(Role.MANAGER)
    assert "人员管理" in text(b.get("/companies/"))
    b, _ = login_as(Role.ESCORT)
    assert "人员管理" not in text(b.get("/companies/"))


def test_directory_filters_by_role_department_town_active_and_text(login_as, make):
    dept = make.department(name="区税务局")
    town = make.town(name="瓜沥镇")
    make.user(role=Role.HELPER, name="税务张三", department=dept, phone="13900000001")
    make.user(role=Role.ESCORT, name="瓜沥李四", town=town)
    make.user(role=Role.ESCORT, name="离职王五", active=False)
    make.user(role=Role.COMPANY, name="企业赵六")
    b, _ = login_as(Role.MANAGER)

    everyone = text(b.get("/staff/"))
    assert "税务张三" in everyone and "瓜沥李四" in everyone and "离职王五" in everyone
    assert "企业赵六" not in everyone  # portal accounts live on their company's page

    assert "瓜沥李四" not in text(b.get(f"/staff/?department_id={dept.id}"))
    assert "税务张三" in text(b.get(f"/staff/?department_id={dept.id}"))
    by_town = text(b.get(f"/staff/?town_id={town.id}"))
    assert "瓜沥李四" in by_town and "税务张三" not in by_town
    by_role = text(b.get("/staff/?role=helper"))
    assert "税务张三" in by_role and "瓜沥李四" not in by_role
    inactive = text(b.get("/staff/?active=0"))
    assert "离职王五" in inactive and "瓜沥李四" not in inactive
    assert "税务张三" in text(b.get("/staff/?q=13900000001"))
    assert "瓜沥李四" not in text(b.get("/staff/?q=13900000001"))


def _build_users(make, n: int, dept, town):
    roles = [Role.ESCORT, Role.HELPER, Role.MANAGER, Role.ADMIN]
    for i in range(n):
        role = roles[i % len(roles)]
        user = make.user(role=role, department=dept if role == Role.HELPER else None, town=town)
        if role == Role.ESCORT and i % 3 == 0:
            make.company(escort=user)


def test_staff_list_query_count_does_not_grow_with_users(login_as, make, count_queries):
    dept, town = make.department(), make.town()
    b, _ = login_as(Role.MANAGER)
    _build_users(make, 10, dept, town)
    b.get("/staff/")  # warm up
    with count_queries() as small:
        response = b.get("/staff/")
    assert response.status_code == 200
    _build_users(make, 55, dept, town)
    with count_queries() as large:
        response = b.get("/staff/")
    page = text(response)
    assert response.status_code == 200
    assert "共 66 条" in page  # 65 built + the manager, 50 rows on this page
    assert page.count('href="/staff/') >= 50
    assert large.count == small.count, large.statements


# ---------------------------------------------------------------- create


def test_manager_creates_escort_who_must_change_password(app, login_as, make, db_session):
    town = make.town(name="新塘街道")
    b, manager = login_as(Role.MANAGER)
    response = b.post("/staff/new", {
        "username": "chen.escort", "name": "陈陪跑", "role": "escort", "town_id": town.id,
        "department_id": 0, "phone": "0571-82000000", "email": "",
    })
    assert response.status_code == 200
    password = temp_password(response)
    assert not password_problems(password, staff=True, context=("chen.escort", "陈陪跑"))
    assert "只显示这一次" in text(response)

    user = db_session.scalars(sa.select(User).where(User.username == "chen.escort")).one()
    assert (user.role, user.name, user.town_id, user.must_change_password) == ("escort", "陈陪跑", town.id, True)
    assert verify_password(user.password_hash, password)
    assert "user_created" in audit_actions(db_session, "users", user.id)

    newcomer = Browser(app.test_client())
    first = newcomer.login("chen.escort", password)
    assert first.headers["Location"] == "/auth/password"
    assert newcomer.get("/companies/").headers["Location"] == "/auth/password"


def test_manager_may_set_an_initial_password_but_it_must_pass_the_rules(login_as, db_session):
    b, _ = login_as(Role.MANAGER)
    weak = b.post("/staff/new", {"username": "weakling", "name": "弱密码", "role": "escort", "password": "12345678"})
    assert "密码至少需要12个字符" in text(weak)
    assert db_session.scalar(sa.select(User.id).where(User.username == "weakling")) is None
    ok = b.post("/staff/new", {"username": "strongling", "name": "强密码", "role": "escort",
                               "password": "Lantern-river-42-quietly"})
    assert temp_password(ok) == "Lantern-river-42-quietly"


def test_duplicate_username_is_refused_in_chinese(login_as, make, db_session):
    make.user(role=Role.ESCORT, username="wangfang")
    b, _ = login_as(Role.MANAGER)
    response = b.post("/staff/new", {"username": "WangFang", "name": "王芳", "role": "escort"})
    assert response.status_code == 200
    assert "用户名“WangFang”已被使用，请换一个。" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User).where(User.name == "王芳")) == 0


def test_only_an_admin_may_create_an_admin(login_as, db_session):
    b, _ = login_as(Role.MANAGER)
    page = text(b.get("/staff/new"))
    assert 'value="admin"' not in page
    response = b.post("/staff/new", {"username": "sneaky", "name": "越权", "role": "admin"})
    assert "您不能设置这个角色。" in text(response)
    assert db_session.scalar(sa.select(User.id).where(User.username == "sneaky")) is None

    b, _ = login_as(Role.ADMIN)
    assert 'value="admin"' in text(b.get("/staff/new"))
    response = b.post("/staff/new", {"username": "second.admin", "name": "第二管理员", "role": "admin"})
    temp_password(response)
    assert db_session.scalar(sa.select(User.role).where(User.username == "second.admin")) == "admin"


def test_helper_requires_a_department(login_as, make, db_session):
    dept = make.department(name="区人力社保局")
    b, _ = login_as(Role.MANAGER)
    response = b.post("/staff/new", {"username": "helper.x", "name": "帮帮", "role": "helper", "department_id": 0})
    assert "帮帮团成员必须选择所属职能部门。" in text(response)
    assert db_session.scalar(sa.select(User.id).where(User.username == "helper.x")) is None
    response = b.post("/staff/new", {"username": "helper.x", "name": "帮帮", "role": "helper", "department_id": dept.id})
    temp_password(response)
    assert db_session.scalar(sa.select(User.department_id).where(User.username == "helper.x")) == dept.id


def test_bad_username_is_explained(login_as):
    b, _ = login_as(Role.MANAGER)
    response = b.post("/staff/new", {"username": "a b", "name": "空格", "role": "escort"})
    assert "用户名须为3–64位字母、数字" in text(response)


# ---------------------------------------------------------------- edit


def test_manager_edits_an_escort(login_as, make, db_session):
    town = make.town(name="宁围街道")
    escort = make.user(role=Role.ESCORT, name="旧名字")
    b, _ = login_as(Role.MANAGER)
    response = b.post(f"/staff/{escort.id}/edit", {
        "name": "新名字", "role": "escort", "town_id": town.id, "department_id": 0, "phone": "13800000000",
    })
    assert response.status_code == 302
    stored = fresh_user(db_session, escort)
    assert (stored.name, stored.town_id, stored.phone) == ("新名字", town.id, "13800000000")
    assert "user_updated" in audit_actions(db_session, "users", escort.id)


def test_manager_cannot_edit_an_admin(login_as, make):
    admin = make.user(role=Role.ADMIN)
    b, _ = login_as(Role.MANAGER)
    assert b.get(f"/staff/{admin.id}/edit").status_code == 403
    assert b.post(f"/staff/{admin.id}/edit", {"name": "x", "role": "escort"}, form_page="/staff/new").status_code == 403
    assert b.get(f"/staff/{admin.id}/password").status_code == 403
    assert b.get(f"/staff/{admin.id}/deactivate").status_code == 403


@pytest.mark.parametrize("role,wanted", [(Role.MANAGER, Role.ADMIN), (Role.ADMIN, Role.ESCORT), (Role.ESCORT, Role.MANAGER)])
def test_nobody_changes_their_own_role(login_as, db_session, role, wanted):
    b, me = login_as(role)
    if role == Role.ESCORT:
        assert b.get(f"/staff/{me.id}/edit").status_code == 403
        return
    response = b.post(f"/staff/{me.id}/edit", {"name": me.name, "role": wanted})
    assert response.status_code == 200
    assert "不能修改自己的角色。" in text(response)
    assert fresh_user(db_session, me).role == role


def test_role_change_of_an_escort_with_companies_is_refused(login_as, make, db_session):
    escort = make.user(role=Role.ESCORT, name="有企业的陪跑员")
    make.company(escort=escort)
    b, _ = login_as(Role.MANAGER)
    response = b.post(f"/staff/{escort.id}/edit", {"name": escort.name, "role": "manager"})
    assert "名下还有 1 家企业" in text(b.follow(response) if response.status_code == 302 else response)
    assert fresh_user(db_session, escort).role == Role.ESCORT


# ---------------------------------------------------------------- passwords


def test_reset_password_shows_it_once_and_ends_sessions(app, login_as, db_session):
    escort_browser, escort = login_as(Role.ESCORT)
    assert escort_browser.get("/companies/").status_code == 200
    b, _ = login_as(Role.MANAGER)
    response = b.post(f"/staff/{escort.id}/password", {})
    password = temp_password(response)

    stored = fresh_user(db_session, escort)
    assert stored.must_change_password is True
    assert verify_password(stored.password_hash, password)
    assert "password_reset" in audit_actions(db_session, "users", escort.id)
    # The escort's open session is over.
    assert escort_browser.get("/companies/").headers["Location"].startswith("/auth/login")
    # And the new password works, straight into the forced change.
    again = Browser(app.test_client())
    assert again.login(escort.username, password).headers["Location"] == "/auth/password"


def test_nobody_resets_their_own_password_here(login_as):
    b, me = login_as(Role.MANAGER)
    assert b.get(f"/staff/{me.id}/password").status_code == 403


# ---------------------------------------------------------------- deactivate


def test_deactivating_a_helper_ends_their_sessions_and_can_be_undone(login_as, db_session):
    helper_browser, helper = login_as(Role.HELPER)
    assert helper_browser.get("/auth/profile").status_code == 200
    b, _ = login_as(Role.MANAGER)
    response = b.post(f"/staff/{helper.id}/deactivate", {"reason": "调离"})
    assert response.status_code == 302
    assert "已停用" in text(b.follow(response))
    assert fresh_user(db_session, helper).active is False
    assert helper_browser.get("/auth/profile").headers["Location"].startswith("/auth/login")
    assert "user_deactivated" in audit_actions(db_session, "users", helper.id)

    response = b.post(f"/staff/{helper.id}/reactivate", {}, form_page=f"/staff/{helper.id}")
    assert response.status_code == 302
    assert fresh_user(db_session, helper).active is True


def test_nobody_deactivates_themselves(login_as, db_session):
    b, me = login_as(Role.ADMIN)
    assert b.get(f"/staff/{me.id}/deactivate").status_code == 403
    assert b.post(f"/staff/{me.id}/deactivate", {"reason": "x"}, form_page="/staff/").status_code == 403
    assert fresh_user(db_session, me).active is True
    detail = text(b.get(f"/staff/{me.id}"))
    assert f'/staff/{me.id}/deactivate' not in detail


def test_service_refuses_to_deactivate_oneself(make):
    from app.personnel.services import Refused, deactivate_staff

    manager = make.user(role=Role.MANAGER)
    with pytest.raises(Refused, match="不能停用自己的账号"):
        deactivate_staff(manager, manager)
    assert manager.active is True


def test_password_reset_revokes_the_users_api_tokens(make, login_as, app):
    from app.accounts.services import create_api_token

    escort = make.user(role="escort")
    _token, plain = create_api_token(escort, "hotline")
    make.session.commit()
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200

    browser, _manager = login_as("manager")
    response = browser.post(f"/staff/{escort.id}/password", {})
    assert response.status_code == 200 and "密码已重置" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
