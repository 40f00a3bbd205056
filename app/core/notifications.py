"""Notices to people: an in-app row per person, in the person's language; delivery elsewhere is a hook.

notify() works in the caller's transaction and never talks to a remote server:
- one notice per person per event: a person named twice for the same problem in one transaction
  (e.g. as escort and as the person who owes the step) gets one;
- each notice is written in the recipient's language (title and body may be lazy strings, rendered
  under the recipient's locale);
- a notice about a problem links to it: company users to the portal, staff to the staff pages (the link
  the tickets feature installs at start, `set_ticket_link`).
Reaching people outside the app (e-mail, SMS, group robots: app.notify) is the delivery the app installs
at start (`set_delivery`): for each notice written it is told the person, the rendered text and the link,
and once per call the event, for the group robots. Without one, notices stay in the app.
"""
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.core.models import Notification
from app.extensions import db

_SEEN_KEY = "peipao_notice_seen"
_DELIVERY_KEY = "peipao_notice_delivery"
_TICKET_LINK_KEY = "peipao_notice_ticket_link"


def set_delivery(app, delivery) -> None:
    """Install what reaches people outside the app: an object with
    `person(user, kind, locale, title, body, link, *, urgent)` and `groups(kind, title, body, *, ticket, event)`."""
    app.extensions[_DELIVERY_KEY] = delivery


def set_ticket_link(app, ticket_path) -> None:
    """Install how a notice about a problem links to it: `ticket_path(ticket, *, for_company) -> str`."""
    app.extensions[_TICKET_LINK_KEY] = ticket_path


def render(text, locale: str) -> str:
    """A lazy string (or plain text) in the given language."""
    if text is None:
        return ""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(text)


def notify(users, kind: str, title, body="", url: str = "", *, ticket=None, robots: bool = True,
           event_key: str | None = None) -> list[Notification]:
    """Notify each distinct active user once per event (see the module's doc)."""
    session = db.session()
    seen = session.info.setdefault(_SEEN_KEY, set())
    event = event_key or (f"ticket:{ticket.id}" if ticket is not None else f"notice:{uuid.uuid4().hex}")
    urgent = getattr(ticket, "urgency", None) == "urgent"
    languages = current_app.config["LANGUAGES"]
    delivery = current_app.extensions.get(_DELIVERY_KEY)
    ticket_link = current_app.extensions[_TICKET_LINK_KEY] if ticket is not None else None
    created = []
    for user in users:
        if user is None or not user.active or (user.id, event) in seen:
            continue
        seen.add((user.id, event))
        locale = user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
        shown_title, shown_body = render(title, locale)[:200], render(body, locale)
        link = ticket_link(ticket, for_company=not user.is_staff) if ticket is not None else url
        note = Notification(user_id=user.id, kind=kind, title=shown_title, body=shown_body, url=link[:300])
        db.session.add(note)
        created.append(note)
        if delivery is not None:
            delivery.person(user, kind, locale, shown_title, shown_body, link, urgent=urgent)
    if robots and delivery is not None:
        delivery.groups(kind, title, body, ticket=ticket, event=event)
    return created


# Every signed-in page's bell asks this: the statement is built (and its cache key computed) once, not per page
# (half the count's time, issue 14).
_UNREAD = sa.select(sa.func.count()).select_from(Notification).where(
    Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0
