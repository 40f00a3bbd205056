"""Fixtures for the security suite: apps on their own databases (real commits), and a world of
two sides — A (the signed-in users' own objects) and B (everyone else's) — with a signed-in
browser and an API token for every role."""
import io
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from tests.conftest import Browser, FreshContextClient, isolated_app  # noqa: F401  (re-exported)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Text that belongs to side B (or to staff only): a signed-in user of side A must never see it.
B_COMPANY = "杭州乙方保密科技有限公司"
B_TICKET_TITLE = "乙方专属问题甲看不到"
B_VISIT_SUMMARY = "乙方走访纪要甲看不到"
B_ATTACHMENT = "乙方附件甲看不到.png"
B_COMPANY_USER = "乙方企业联系人"
A_INTERNAL_NOTE = "甲方内部备注企业看不到"
A_INTERNAL_FILE = "甲方内部附件企业看不到.png"

ROLES = ("anonymous", "admin", "manager", "escort", "helper", "company")


def png(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(PNG), filename=name, content_type="image/png")


@dataclass
class Side:
    company: object = None
    escort: object = None
    helper: object = None
    department: object = None
    company_user: object = None
    ticket: object = None
    attachment: object = None
    internal_attachment: object = None
    visit: object = None
    photo: object = None
    common_problem: object = None


@dataclass
class World:
    app: object
    ids: dict = field(default_factory=dict)  # name → id of every object the tests address
    users: dict = field(default_factory=dict)  # role → user id (side A for escort/helper/company)
    browsers: dict = field(default_factory=dict)  # role → signed-in Browser (anonymous: not signed in)
    tokens: dict = field(default_factory=dict)  # role → bearer token (anonymous: none)


def build_world(app) -> World:
    """Two sides, each with a company, its escort and portal user, a department with a helper, a
    problem dispatched to that department (a public and an internal file, an internal note), a
    visit with a photo, notifications and API tokens; plus a manager, an admin and reference data."""
    from app.accounts.services import create_api_token
    from app.core.models import CalendarOverride, Notification
    from app.tickets import services as ticket_services
    from app.tickets.attachments import save_attachment
    from app.tickets import tags as ticket_tags
    from app.visits import services as visit_services
    from tests.factories import Factories

    world = World(app)
    with app.app_context():
        make = Factories(db.session)
        town = make.town()
        make.industry()
        admin = make.user(role="admin")
        manager = make.user(role="manager")
        sides = {}
        for key, company_name, user_name in (("a", "杭州甲方示例科技有限公司", "甲方企业联系人"),
                                              ("b", B_COMPANY, B_COMPANY_USER)):
            s = Side()
            s.department = make.department(name=f"{key}部门")
            s.escort = make.user(role="escort", name=f"陪跑员{key}")
            s.helper = make.user(role="helper", department=s.department, name=f"帮帮团{key}")
            s.company = make.company(escort=s.escort, name=company_name, town=town)
            s.company_user = make.user(role="company", company=s.company, name=user_name)
            title = "甲方的问题" if key == "a" else B_TICKET_TITLE
            s.ticket = ticket_services.submit_ticket(
                s.company_user, s.company, ticket_services.NewTicket(title, f"{title}的描述", "approval"))
            db.session.flush()
            ticket_services.perform(manager, s.ticket, "dispatch",
                                    {"department_id": s.department.id, "version": s.ticket.version})
            ticket_services.perform(s.helper, s.ticket, "sign", {"version": s.ticket.version})
            s.attachment = save_attachment(s.company_user, s.ticket, png(B_ATTACHMENT if key == "b" else "甲方附件.png"))
            note = ticket_services.add_comment(s.escort, s.ticket, body=A_INTERNAL_NOTE if key == "a" else "乙内部",
                                               internal=True)
            s.internal_attachment = save_attachment(
                s.escort, s.ticket, png(A_INTERNAL_FILE if key == "a" else "乙内部.png"), event=note, public=False)
            ticket_tags.add_tag(s.escort, s.ticket, "甲方标签" if key == "a" else "乙方标签")
            summary = "甲方走访纪要" if key == "a" else B_VISIT_SUMMARY
            s.visit = visit_services.create_visit(
                s.escort, s.company,
                {"visited_on": date.today().isoformat(), "mode": "on_site", "summary": summary},
                photos=[png(f"photo-{key}.png")])
            db.session.commit()
            sides[key] = s
        from app.visits.models import VisitPhoto

        for s in sides.values():
            s.photo = db.session.scalars(sa.select(VisitPhoto).where(VisitPhoto.visit_id == s.visit.id)).one()
        override = CalendarOverride(day=date(2031, 1, 2), is_workday=False, note="测试")
        db.session.add(override)
        from app.notify.models import Robot, WebhookSubscription

        robot = Robot(owner_type="taskforce", kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
        webhook = WebhookSubscription(url="https://data.example.gov.cn/hook", events=["ticket.created"],
                                      secret="matrix-webhook-secret")
        db.session.add_all([robot, webhook])
        a, b = sides["a"], sides["b"]
        actors = {"admin": admin, "manager": manager, "escort": a.escort, "helper": a.helper,
                  "company": a.company_user}
        for role, user in actors.items():
            world.users[role] = user.id
            db.session.add(Notification(user_id=user.id, kind="test", title=f"{role}的通知", url="/"))
        db.session.add(Notification(user_id=b.escort.id, kind="test", title="乙的通知", url="/"))
        db.session.flush()
        for role, user in actors.items():
            token, plain = create_api_token(user, "matrix")
            world.tokens[role] = plain
            world.ids[f"token:{role}"] = token.id
        other_token, _plain = create_api_token(b.escort, "other")
        world.ids["token:other"] = other_token.id
        for role, user in actors.items():
            world.ids[f"notification:{role}"] = db.session.scalar(
                sa.select(Notification.id).where(Notification.user_id == user.id, Notification.kind == "test"))
        world.ids["notification:other"] = db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == b.escort.id, Notification.kind == "test"))
        from app.tickets.saved_views import create_view

        for role, user in actors.items():  # a saved view of the problem list each; "other" is side B's escort's
            world.ids[f"saved_view:{role}"] = create_view(user, f"{role}的视图", "status=dispatched").id
        world.ids["saved_view:other"] = create_view(b.escort, "乙的视图", "status=dispatched").id
        db.session.commit()
        # 共性问题 per side: two more problems of the side's company grouped, dispatched to the side's department.
        from app.common_problems import services as common_services

        for key, s in sides.items():
            members = [ticket_services.submit_ticket(s.company_user, s.company, ticket_services.NewTicket(
                f"{'甲方' if key == 'a' else '乙方'}共性{n}", "同类问题", "labour")) for n in range(2)]
            db.session.flush()
            s.common_problem = common_services.create_common_problem(
                manager, title=f"{'甲方' if key == 'a' else '乙方'}共性问题", ticket_ids=[t.id for t in members])
            common_services.perform(manager, s.common_problem, "dispatch",
                                    {"version": s.common_problem.version, "department_id": s.department.id})
        db.session.commit()
        for key, s in sides.items():
            for name in ("company", "escort", "helper", "department", "company_user", "ticket", "attachment",
                         "internal_attachment", "visit", "photo", "common_problem"):
                world.ids[f"{name}:{key}"] = getattr(s, name).id
        world.ids["town"] = town.id
        world.ids["override"] = override.id
        world.ids["robot"] = robot.id
        world.ids["webhook"] = webhook.id
        # 政策问答 (public to every signed-in user) and a reply template per department.
        from app.knowledge.models import KnowledgeEntry, ReplyTemplate

        entry = KnowledgeEntry(title="研发费用加计扣除口径", question="某企业问研发人员工资能否归集", answer="可以归集",
                               category="policy", department_id=sides["a"].department.id)
        db.session.add(entry)
        for key, s in sides.items():
            template = ReplyTemplate(department_id=s.department.id, title=f"{key}部门模板", body="已受理，正在办理。")
            db.session.add(template)
            db.session.flush()
            world.ids[f"template:{key}"] = template.id
        db.session.commit()
        world.ids["knowledge"] = entry.id
        usernames = {role: user.username for role, user in actors.items()}
    from tests.factories import PASSWORD

    world.browsers["anonymous"] = Browser(app.test_client())
    for role, username in usernames.items():
        browser = Browser(app.test_client())
        response = browser.login(username, PASSWORD)
        assert response.status_code == 302, (role, response.get_data(as_text=True)[:300])
        world.browsers[role] = browser
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    directory = tmp_path_factory.mktemp("security")
    with isolated_app(directory, "security_world") as app:
        yield build_world(app)
