"""The API's blueprint and its route table: each module below adds its routes with @operation, which
declares, next to the view, the route and what the OpenAPI document says of it; app/api/openapi.py
assembles the document from OPERATIONS."""
from dataclasses import dataclass

from flask import Blueprint

from app.api.common import token_required
from app.core.payloads import Paging

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")


@dataclass(frozen=True)
class Operation:
    """One operation: its route, texts, and the models of its query, body and answer.

    `answer`: the success answer's model (a list's items when `query` pages), or None when it is not
    one of ours (the document, the reference page). `body`: the payload model, or the name of a schema
    the document composes (the ticket actions). `errors`: the error statuses besides 401 (added unless
    public) and 404 (added for paths with an id)."""

    method: str
    rule: str
    endpoint: str
    operation_id: str
    tag: str
    summary: str
    description: str
    answer: type | None
    status: int = 200
    errors: tuple[int, ...] = ()
    query: type | None = None
    body: type | str | None = None
    example: dict | None = None
    public: bool = False
    media: str = "application/json"

    @property
    def paged(self) -> bool:
        """A list: its answer is a page of `answer` objects."""
        return self.query is not None and issubclass(self.query, Paging)

    @property
    def ok(self) -> str | None:
        """The name of the success answer's schema ("<Item>List" for a page)."""
        if self.answer is None:
            return None
        return self.answer.__name__ + ("List" if self.paged else "")

    @property
    def body_name(self) -> str | None:
        return self.body if self.body is None or isinstance(self.body, str) else self.body.__name__


OPERATIONS: dict[tuple[str, str], Operation] = {}
BY_ENDPOINT: dict[str, Operation] = {}


def operation(method: str, rule: str, operation_id: str, **spec):
    """Route `method rule` to the view, behind a bearer token unless `public`, documented by `spec`
    (Operation's fields)."""

    def register(view):
        op = Operation(method, bp.url_prefix + rule, f"{bp.name}.{view.__name__}", operation_id, **spec)
        OPERATIONS[(method, op.rule)] = BY_ENDPOINT[op.endpoint] = op
        bp.add_url_rule(rule, view_func=view if op.public else token_required(view), methods=[method])
        return view

    return register


from app.api import common_problems, companies, knowledge, openapi, rankings, saved_views, tickets, tokens, visits, webhooks  # noqa: E402,F401  (each adds its routes to bp)
