"""Notices beyond the app: e-mail and SMS per the person's choices (app.notify.preferences), and the
group robots — the department's, the escort group's (the escorts of the company's town) and the task
force's — per ROBOT_ROUTES. Each is an outbox row (app.notify.outbox), delivered after the commit by a
worker; e-mail, SMS and robots carry absolute links (BASE_URL).

app.core.notifications.notify() writes the in-app notice and hands each one to `Delivery` (installed by
create_app with `set_delivery`).
"""
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.companies.models import Company
from app.core.notifications import render
from app.extensions import db
from app.notify import preferences
from app.notify.models import Robot
from app.notify.outbox import enqueue, transaction_token
from app.tickets.links import ticket_path

# Which group robots hear of which kind of notice.
ROBOT_ROUTES = {
    "ticket_new": ("town",),
    "ticket_dispatched": ("department",),
    "ticket_supervised": ("department", "town"),
    "ticket_overdue": ("department", "town", "taskforce"),
    "ticket_reopened": ("department", "town"),
    "ticket_escalated": ("taskforce",),
    "ticket_returned": ("taskforce",),
    "extension_requested": ("taskforce",),
    "weekly_summary": ("taskforce",),
}


def absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return current_app.config["BASE_URL"].rstrip("/") + path


class Delivery:
    """What app.core.notifications.notify() hands each notice to."""

    @staticmethod
    def person(user, kind: str, locale: str, title: str, body: str, link: str, *, urgent: bool) -> None:
        """E-mail and SMS to one person, per the person's choices for this kind of notice."""
        wanted = preferences.channels_for(user, kind, urgent=urgent)
        key = uuid.uuid4().hex
        if "email" in wanted and user.email and current_app.config.get("MAIL_SERVER"):
            with force_locale(locale):
                subject = _("【陪跑】%(title)s", title=title)
            text = "\n\n".join(part for part in (title, body, absolute(link)) if part)
            enqueue("email", user.email, {"subject": subject, "text": text}, f"email:{key}", event=kind,
                    user_id=user.id)
        if "sms" in wanted and user.phone:
            enqueue("sms", user.phone, {"text": f"{title} {absolute(link)}".strip()}, f"sms:{key}",
                    event=kind, user_id=user.id)

    @staticmethod
    def groups(kind: str, title, body, *, ticket, event: str) -> None:
        """The group robots that hear of this event (a problem's, or a kind routed to robots)."""
        if ticket is not None or kind in ROBOT_ROUTES:
            notify_robots(kind, title, body, ticket=ticket, event=event)


def robots_for(kind: str, ticket=None):
    owners = ROBOT_ROUTES.get(kind, ())
    if not owners:
        return []
    conditions = []
    if "taskforce" in owners:
        conditions.append(Robot.owner_type == "taskforce")
    if ticket is not None and "department" in owners and ticket.department_id:
        conditions.append(sa.and_(Robot.owner_type == "department", Robot.owner_id == ticket.department_id))
    if ticket is not None and "town" in owners:
        town_id = sa.select(Company.town_id).where(Company.id == ticket.company_id).scalar_subquery()
        conditions.append(sa.and_(Robot.owner_type == "town", Robot.owner_id == town_id))
    if not conditions:
        return []
    return db.session.scalars(sa.select(Robot).where(Robot.active.is_(True), sa.or_(*conditions))
                              .order_by(Robot.id)).all()


def notify_robots(kind: str, title, body="", *, ticket=None, event: str = "", path: str = "") -> int:
    """Markdown messages to the group robots that hear of this kind (in the district's language)."""
    robots = robots_for(kind, ticket)
    if not robots:
        return 0
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    shown_title, shown_body = render(title, locale)[:200], render(body, locale)
    link = absolute(ticket_path(ticket) if ticket is not None else path)
    with force_locale(locale):
        open_label = _("打开")
    lines = [f"### {shown_title}"]
    if shown_body:
        lines.append(shown_body)
    if link:
        lines.append(f"[{open_label}]({link})")
    text = "\n\n".join(lines)
    for robot in robots:
        enqueue(robot.kind, robot.url, {"robot_id": robot.id, "title": shown_title, "text": text},
                f"robot:{robot.id}:{event or uuid.uuid4().hex}:{transaction_token()}", event=kind)
    return len(robots)
