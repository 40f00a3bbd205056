"""Where a problem's page is, for staff or in the portal, built without a request (CLI, worker)."""
from flask import current_app


def ticket_path(ticket, *, for_company: bool = False) -> str:
    """The problem's page for staff or the portal (the link of every notice about it)."""
    adapter = current_app.url_map.bind("localhost")
    endpoint = "portal.problem" if for_company else "tickets.detail"
    return adapter.build(endpoint, {"ticket_id": ticket.id})
