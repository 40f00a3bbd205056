"""SQL pagination for list pages, with the current query string kept in links."""
from flask import request, url_for

from app.extensions import db


def paginate(select, per_page: int | None = None):
    """Paginate a select in SQL (LIMIT/OFFSET plus one COUNT)."""
    from flask import current_app

    return db.paginate(
        select,
        per_page=per_page or current_app.config["ITEMS_PER_PAGE"],
        max_per_page=200,
        error_out=False,
    )


def page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)
