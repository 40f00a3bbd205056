"""The refusal of an action on a problem, raised by permissions.require_action and the services."""


class TicketActionError(Exception):
    """A refused action: `status` is the HTTP status the API answers with, `code` the reason code."""

    def __init__(self, message: str, status: int = 409, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.code = code or {400: "validation_error", 403: "forbidden", 409: "conflict"}.get(status, "error")
