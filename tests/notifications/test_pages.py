"""The pages, used as an admin and a company would: robots and subscriptions added through forms, the
delivery log, and a portal withdrawal with a reason that tells the escort once."""
import re

import sqlalchemy as sa

from app.core.models import Notification
from app.notify import outbox
from app.notify.models import Robot, WebhookSubscription
from tests.tickets.helpers import World


def test_an_admin_adds_a_robot_and_a_subscription_and_reads_the_delivery_log(login_as, make, receiver, db_session,
                                                                             outbound_private):
    browser, _admin = login_as("admin")
    w = World(make)
    page = browser.get("/admin/notifications/")
    assert page.status_code == 200 and "群机器人" in page.get_data(as_text=True)
    response = browser.post("/admin/notifications/robots", {
        "owner": f"department:{w.department.id}", "kind": "dingtalk",
        "url": f"{receiver.url}/robot/send?access_token=t", "secret": "SECabc"}, form_page="/admin/notifications/")
    assert response.status_code == 302
    robot = db_session.scalars(sa.select(Robot)).one()
    assert (robot.owner_type, robot.owner_id, robot.kind, robot.secret) == ("department", w.department.id,
                                                                          "dingtalk", "SECabc")
    refused = browser.post("/admin/notifications/webhooks", {
        "url": f"{receiver.url}/hook", "events": ["ticket.created"], "secret": "s" * 20},
        form_page="/admin/notifications/")
    assert "不能向内网或本机地址发送" in browser.follow(refused).get_data(as_text=True)
    browser.post("/admin/notifications/webhooks", {
        "url": f"{receiver.url}/hook", "events": ["ticket.created", "ticket.status_changed"], "secret": "s" * 20,
        "allow_private": "y", "description": "区数据平台"}, form_page="/admin/notifications/")
    subscription = db_session.scalars(sa.select(WebhookSubscription)).one()
    assert subscription.allow_private and subscription.events == ["ticket.created", "ticket.status_changed"]

    receiver.responses.append((502, b"bad gateway"))
    w.new_ticket()
    outbox.drain()
    log = browser.get(f"/admin/notifications/webhooks/{subscription.id}").get_data(as_text=True)
    assert "ticket.created" in log and "HTTP 502" in log and "待重试" in log


def test_a_withdrawal_with_a_reason_tells_the_escort_once(app, make, db_session):
    from tests.conftest import Browser

    w = World(make)
    ticket = w.new_ticket()
    db_session.execute(sa.delete(Notification))
    db_session.commit()
    browser = Browser(app.test_client())
    assert browser.login(w.company_user.username).status_code == 302
    url = f"/portal/problems/{ticket.id}"
    page = browser.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = browser.post(f"{url}/actions/withdraw", {"version": version, "reason": "已自行解决"}, form_page=url)
    assert response.status_code == 302
    notes = db_session.scalars(sa.select(Notification).where(Notification.user_id == w.escort.id)).all()
    assert [n.kind for n in notes] == ["ticket_withdrawn"]
