"""Tags (标签) on problems: free text, normalised, at most MAX_LENGTH characters and MAX_PER_TICKET a problem.

Staff add and remove them on a problem's page; the problem list filters by one (filter_tickets' `tag`);
the tag page lists the tags in use on the problems the user may see, with counts.
"""
import re
import unicodedata

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.extensions import db
from app.tickets.models import Ticket, TicketTag
from app.tickets.services import TicketActionError

MAX_LENGTH = 20
MAX_PER_TICKET = 10
_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """NFKC (full-width letters and digits become half-width), spaces collapsed, Latin letters lower-cased."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub(" ", text).strip().lower()


def check(text: str | None) -> str:
    """The normalised tag, or a TicketActionError (400) saying in words what is wrong with it."""
    name = normalise(text)
    if not name:
        raise TicketActionError(_("请填写标签。"), 400, fields={"name": _("请填写标签。")})
    if len(name) > MAX_LENGTH:
        message = _("标签最多 %(n)d 个字。", n=MAX_LENGTH)
        raise TicketActionError(message, 400, fields={"name": message})
    if any(unicodedata.category(ch)[0] == "C" for ch in name) or "," in name or "，" in name:
        message = _("标签不能包含控制字符或逗号。")
        raise TicketActionError(message, 400, fields={"name": message})
    return name


def ticket_tags(ticket: Ticket) -> list[str]:
    return list(db.session.scalars(
        sa.select(TicketTag.name).where(TicketTag.ticket_id == ticket.id).order_by(TicketTag.name)))


def tags_by_ticket(ticket_ids) -> dict[int, list[str]]:
    """The tags of each of these problems, sorted, in one query (for lists and the API)."""
    found: dict[int, list[str]] = {}
    if ticket_ids:
        rows = db.session.execute(sa.select(TicketTag.ticket_id, TicketTag.name)
                                  .where(TicketTag.ticket_id.in_(list(ticket_ids)))
                                  .order_by(TicketTag.ticket_id, TicketTag.name))
        for ticket_id, name in rows:
            found.setdefault(ticket_id, []).append(name)
    return found


def add_tag(user, ticket: Ticket, text: str | None) -> str:
    name = check(text)
    existing = ticket_tags(ticket)
    if name in existing:
        return name
    if len(existing) >= MAX_PER_TICKET:
        raise TicketActionError(_("每个问题最多 %(n)d 个标签。", n=MAX_PER_TICKET), 409)
    db.session.add(TicketTag(ticket_id=ticket.id, name=name, created_by_id=user.id))
    audit.record("ticket_tag_add", ticket, actor=user, after={"tag": name})
    return name


def remove_tag(user, ticket: Ticket, text: str | None) -> str:
    name = normalise(text)
    tag = db.session.scalar(sa.select(TicketTag).where(TicketTag.ticket_id == ticket.id, TicketTag.name == name))
    if tag is None:
        raise TicketActionError(_("该问题没有这个标签。"), 404, code="not_found")
    db.session.delete(tag)
    audit.record("ticket_tag_remove", ticket, actor=user, before={"tag": name})
    return name


def tag_counts(scoped: sa.Select, limit: int = 200) -> list[tuple[str, int]]:
    """Tags on the problems of `scoped` (a visible_tickets select) with how many problems carry each."""
    ids = scoped.with_only_columns(Ticket.id).order_by(None)
    stmt = (sa.select(TicketTag.name, sa.func.count()).where(TicketTag.ticket_id.in_(ids))
            .group_by(TicketTag.name).order_by(sa.func.count().desc(), TicketTag.name).limit(limit))
    return [(name, count) for name, count in db.session.execute(stmt)]


def tagged(name: str):
    """The condition "the problem carries tag `name`" (one IN (subquery) over ix_ticket_tags_name_ticket)."""
    return Ticket.id.in_(sa.select(TicketTag.ticket_id).where(TicketTag.name == normalise(name)))
