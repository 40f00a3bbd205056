"""The refusal of an action on a problem, raised by permissions.require_action and the services."""


class TicketActionError(Exception):
    """A refused action: `status` is the HTTP status the API answers with, `code` the reason code."""

    def __init__(self, message: str, status: int = 409, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.code = code or {400: "validation_error", 403: "forbidden", 409: "conflict"}.get(status, "error")


def commit_or_refuse(form, work, *, hidden=()) -> tuple[object, TicketActionError | None]:
    """A page's post: run `work` (the service call) and commit; returns (what it returned, None). A refusal
    rolls everything back, goes on the form the person filled in (app.core.inputs.put_field_errors; `hidden`:
    fields whose message the page does not show) and comes back as (None, refusal), for the page to show
    again with what they typed."""
    from app.core.inputs import put_field_errors
    from app.extensions import db

    try:
        result = work()
        db.session.commit()
    except TicketActionError as refusal:
        db.session.rollback()
        put_field_errors(form, {k: v for k, v in refusal.fields.items() if k not in hidden})
        return None, refusal
    return result, None
