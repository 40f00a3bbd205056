"""In-app notifications, and e-mail for them when SMTP is configured (off by default).

notify() adds Notification rows to the caller's transaction. E-mails are queued
on the session and sent only after that transaction commits, so a refused or
rolled-back action never mails anyone.
"""
import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.core.models import Notification
from app.extensions import db

log = logging.getLogger("peipao.mail")
_QUEUE_KEY = "peipao_mail_queue"


def notify(users, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify each distinct active user once."""
    created = []
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, title=title[:200], body=body, url=url[:300])
        db.session.add(note)
        created.append(note)
        if user.email and has_app_context() and current_app.config.get("MAIL_SERVER"):
            db.session().info.setdefault(_QUEUE_KEY, []).append((user.email, title, body, url))
    return created


def unread_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def _send(messages) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for to, title, body, url in messages:
                message = EmailMessage()
                message["From"] = config["MAIL_DEFAULT_SENDER"]
                message["To"] = to
                message["Subject"] = f"[陪跑] {title}"
                message.set_content(f"{body}\n\n{url}".strip())
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("sending %d notification e-mail(s) failed", len(messages))


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session) -> None:
    messages = session.info.pop(_QUEUE_KEY, None)
    if messages and has_app_context():
        _send(messages)


@sa.event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session) -> None:
    session.info.pop(_QUEUE_KEY, None)
