"""Bulk actions on the problem list (managers and admins): supervise, tag, export a selection.

Each selected problem goes through the same path as on its own page: loaded through the actor's
visible_tickets (a problem outside the scope is skipped, never touched), checked with the action's
own permission function, then the same service call (services.perform for 督办, tags.add_tag). A
refusal skips that problem with the reason in words and leaves the others done; nothing is
committed here (the view commits once).
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.tickets import permissions, queries, services, tags
from app.tickets.models import STATUSES, Ticket
from app.tickets.services import TicketActionError

MAX_SELECTION = 100  # at least one full page of the list (ITEMS_PER_PAGE), bounded for one request


@dataclass
class BulkResult:
    done: list[Ticket] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (problem number or id, why)


def selected_tickets(user, ids: list[int]) -> tuple[list[Ticket], list[int]]:
    """The selected problems the user may see (in the selection's order, one query) and the ids that are not."""
    found = {t.id: t for t in db.session.scalars(
        queries.with_list_loads(queries.visible_tickets(user)).where(Ticket.id.in_(ids))).unique()}
    return [found[i] for i in ids if i in found], [i for i in ids if i not in found]


def _why_not_supervise(user, ticket: Ticket) -> str:
    if ticket.status not in permissions.TRANSITIONS["supervise"].sources:
        return _("当前状态为“%(status)s”，不能督办", status=str(STATUSES[ticket.status]))
    if ticket.supervision == "flagged":
        return _("已是挂牌督办")
    return _("您不能督办该问题")


def _one_by_one(user, ids: list[int], may, why_not, act) -> BulkResult:
    """Run `act(ticket)` on each selected problem `may(ticket)` allows, in its own savepoint: a refusal
    (TicketActionError) skips that problem with its message and keeps what the others did."""
    result = BulkResult()
    tickets, missing = selected_tickets(user, ids)
    for ticket_id in missing:
        result.skipped.append((f"#{ticket_id}", _("不存在或不在您的范围内")))
    for ticket in tickets:
        if not may(ticket):
            result.skipped.append((ticket.number, why_not(ticket)))
            continue
        savepoint = db.session.begin_nested()
        try:
            act(ticket)
            savepoint.commit()
        except TicketActionError as exc:
            savepoint.rollback()
            result.skipped.append((ticket.number, exc.message))
        else:
            result.done.append(ticket)
    return result


def supervise_many(user, ids: list[int], level: str) -> BulkResult:
    """督办 each selected problem at `level`, one by one, through services.perform (its own checks)."""
    return _one_by_one(
        user, ids, lambda ticket: permissions.can_perform(user, ticket, "supervise"),
        lambda ticket: _why_not_supervise(user, ticket),
        lambda ticket: services.perform(user, ticket, "supervise", {"version": ticket.version, "level": level}))


def tag_many(user, ids: list[int], text: str) -> tuple[str, BulkResult]:
    """Add one tag (checked once, TicketActionError 400 when bad) to each selected problem the user may tag."""
    name = tags.check(text)
    return name, _one_by_one(
        user, ids, lambda ticket: permissions.can_tag_ticket(user, ticket),
        lambda ticket: _("您不能为该问题添加标签"), lambda ticket: tags.add_tag(user, ticket, name))


def export_select(user, ids: list[int]) -> sa.Select:
    """The selected problems within the user's scope, for the ledger export (app.tickets.ledger)."""
    return queries.visible_tickets(user).where(Ticket.id.in_(ids))
