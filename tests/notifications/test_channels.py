"""Robots, e-mail and SMS against real servers on 127.0.0.1: the messages' shape, signature and links."""
import base64
import hashlib
import hmac
import json
import smtplib
import time
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.notify import channels, outbox
from app.notify.models import OutboxMessage, Robot
from app.notify.preferences import save
from tests.notifications.servers import free_port
from tests.tickets.helpers import World

REAL_SMTP = smtplib.SMTP  # before the suite's autouse fixture refuses SMTP


def _robot(make, receiver, **fields) -> Robot:
    robot = Robot(url=f"{receiver.url}/robot/send?access_token=tok123", active=True, **fields)
    make.session.add(robot)
    make.session.commit()
    return robot


def test_a_dispatched_problem_reaches_the_departments_dingtalk_group_signed(make, receiver, outbound_private):
    w = World(make)
    _robot(make, receiver, owner_type="department", owner_id=w.department.id, kind="dingtalk",
           secret="SEC0123456789abcdef")
    ticket = w.ticket_in("dispatched")
    assert outbox.drain()["sent"] == 1
    (request,) = receiver.requests
    assert request["path"] == "/robot/send" and request["query"]["access_token"] == ["tok123"]
    timestamp, sign = request["query"]["timestamp"][0], request["query"]["sign"][0]
    assert abs(int(timestamp) / 1000 - time.time()) < 60
    expected = base64.b64encode(hmac.new(b"SEC0123456789abcdef", f"{timestamp}\nSEC0123456789abcdef".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected
    body = json.loads(request["body"])
    assert body["msgtype"] == "markdown"
    assert ticket.number in body["markdown"]["title"]
    assert f"(https://peipao.test/tickets/{ticket.id})" in body["markdown"]["text"]


def test_the_task_force_wecom_robot_hears_of_escalations_and_the_escort_group_of_new_problems(
        make, receiver, outbound_private):
    w = World(make)
    _robot(make, receiver, owner_type="taskforce", kind="wecom")
    _robot(make, receiver, owner_type="town", owner_id=w.company.town_id, kind="wecom")
    ticket = w.ticket_in("escalated")
    outbox.drain()
    contents = [json.loads(r["body"]) for r in receiver.requests]
    assert all(c["msgtype"] == "markdown" for c in contents)
    texts = [c["markdown"]["content"] for c in contents]
    assert sum(f"新问题 {ticket.number}" in t for t in texts) == 1  # the escort group (town robot)
    assert sum(f"问题 {ticket.number} 待交办" in t for t in texts) == 1  # the task force
    assert len(texts) == 2


def test_a_robot_answering_an_error_code_is_retried(make, receiver, outbound_private, db_session):
    w = World(make)
    _robot(make, receiver, owner_type="town", owner_id=w.company.town_id, kind="dingtalk", secret="")
    receiver.responses.append((200, b'{"errcode":310000,"errmsg":"sign not match"}'))
    w.new_ticket()
    assert outbox.drain()["pending"] == 1
    row = db_session.scalars(sa.select(OutboxMessage)).one()
    assert "310000" in row.last_error and row.attempts == 1


@pytest.fixture
def smtp_server(app, monkeypatch):
    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield inbox
    controller.stop()


def test_email_goes_through_smtp_with_absolute_links_portal_ones_for_companies(make, smtp_server, db_session):
    w = World(make)
    w.company_user.email = "boss@company.example"
    w.escort.email = "escort@district.example"
    save(w.company_user, {"ticket_accepted": ["email"]})
    save(w.escort, {"ticket_new": ["email"]})
    db_session.commit()
    ticket = w.ticket_in("accepted")
    assert outbox.drain()["sent"] == 2
    by_rcpt = {e.rcpt_tos[0]: message_from_bytes(e.content, policy=policy.default) for e in smtp_server.messages}
    company_mail = by_rcpt["boss@company.example"]
    assert company_mail["Subject"] == f"【陪跑】问题 {ticket.number} 已受理"
    assert f"https://peipao.test/portal/problems/{ticket.id}" in company_mail.get_content()
    assert f"https://peipao.test/tickets/{ticket.id}" in by_rcpt["escort@district.example"].get_content()


def test_sms_through_the_aliyun_request_shape_with_a_valid_signature(app, make, receiver, monkeypatch, db_session,
                                                                    outbound_private):
    receiver.ok_body = b'{"Code":"OK","Message":"OK","BizId":"1"}'
    for key, value in {"SMS_PROVIDER": "aliyun", "SMS_ALIYUN_ENDPOINT": receiver.url,
                       "SMS_ALIYUN_ACCESS_KEY_ID": "LTAIkey", "SMS_ALIYUN_ACCESS_KEY_SECRET": "s3cret",
                       "SMS_ALIYUN_SIGN_NAME": "萧山陪跑", "SMS_ALIYUN_TEMPLATE": "SMS_0001"}.items():
        monkeypatch.setitem(app.config, key, value)
    w = World(make)
    w.helper.phone = "13800000000"
    db_session.commit()
    ticket = w.new_ticket(urgency="urgent")  # urgent: every channel by default
    w.act(w.manager, ticket, "dispatch", department_id=w.department.id)
    outbox.drain()
    (request,) = [r for r in receiver.requests if r["method"] == "GET"]
    params = {k: v[0] for k, v in request["query"].items()}
    assert params["Action"] == "SendSms" and params["PhoneNumbers"] == "13800000000"
    assert params["SignName"] == "萧山陪跑" and params["TemplateCode"] == "SMS_0001"
    assert ticket.number in json.loads(params["TemplateParam"])["content"]
    signature = params.pop("Signature")
    assert signature == channels.aliyun_signature(params, "s3cret")
