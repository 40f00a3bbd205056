"""Notices to people: in-app rows plus, through the outbox, e-mail, SMS and group robots.

notify() works in the caller's transaction and never talks to a remote server:
- one notice per person per event: a person named twice for the same problem in one transaction
  (e.g. as escort and as the person who owes the step) gets one;
- each notice is written in the recipient's language (title and body may be lazy strings, rendered
  under the recipient's locale);
- company users get portal links, staff the staff pages; e-mail, SMS and robots carry absolute links
  (BASE_URL);
- e-mail and SMS go out per the person's choices (app.notify.preferences); the robots of the
  department, the escort group (the escorts of the company's town) and the task force per ROBOT_ROUTES.
Everything external is an outbox row (app.notify.outbox), delivered after the commit by a worker.
"""
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.models import Notification
from app.extensions import db

_SEEN_KEY = "peipao_notice_seen"

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


def ticket_path(ticket, *, for_company: bool = False) -> str:
    """The problem's page for staff or the portal, built without a request (CLI, worker)."""
    adapter = current_app.url_map.bind("localhost")
    endpoint = "portal.problem" if for_company else "tickets.detail"
    return adapter.build(endpoint, {"ticket_id": ticket.id})


def absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return current_app.config["BASE_URL"].rstrip("/") + path


def render(text, locale: str) -> str:
    """A lazy string (or plain text) in the given language."""
    if text is None:
        return ""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(text)


def notify(users, kind: str, title, body="", url: str = "", *, ticket=None, robots: bool = True,
           event_key: str | None = None) -> list[Notification]:
    """Notify each distinct active user once per event (see the module's doc)."""
    from app.notify import preferences
    from app.notify.outbox import enqueue

    session = db.session()
    seen = session.info.setdefault(_SEEN_KEY, set())
    event = event_key or (f"ticket:{ticket.id}" if ticket is not None else f"notice:{uuid.uuid4().hex}")
    urgent = getattr(ticket, "urgency", None) == "urgent"
    languages = current_app.config["LANGUAGES"]
    created = []
    for user in users:
        if user is None or not user.active or (user.id, event) in seen:
            continue
        seen.add((user.id, event))
        locale = user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
        shown_title, shown_body = render(title, locale)[:200], render(body, locale)
        link = ticket_path(ticket, for_company=user.role == "company") if ticket is not None else url
        note = Notification(user_id=user.id, kind=kind, title=shown_title, body=shown_body, url=link[:300])
        db.session.add(note)
        created.append(note)
        wanted = preferences.channels_for(user, kind, urgent=urgent)
        key = uuid.uuid4().hex
        if "email" in wanted and user.email and current_app.config.get("MAIL_SERVER"):
            with force_locale(locale):
                subject = _("【陪跑】%(title)s", title=shown_title)
            text = "\n\n".join(part for part in (shown_title, shown_body, absolute(link)) if part)
            enqueue("email", user.email, {"subject": subject, "text": text}, f"email:{key}", event=kind,
                    user_id=user.id)
        if "sms" in wanted and user.phone:
            enqueue("sms", user.phone, {"text": f"{shown_title} {absolute(link)}".strip()}, f"sms:{key}",
                    event=kind, user_id=user.id)
    if robots and (ticket is not None or kind in ROBOT_ROUTES):
        notify_robots(kind, title, body, ticket=ticket, event=event)
    return created


def robots_for(kind: str, ticket=None):
    from app.companies.models import Company
    from app.notify.models import Robot

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
    from app.notify.outbox import enqueue, transaction_token

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


def unread_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0
