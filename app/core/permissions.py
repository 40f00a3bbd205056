"""Helpers shared by every feature's permission functions.

Each feature has `can_<verb>_<noun>(user, obj) -> bool` functions in its own
permissions.py and `visible_<things>(user)` scoped selects in its queries.py.
Views load through the scoped select (so an out-of-scope id is a 404) and
then call `require(can_…)` (so a visible object the role may not act on is 403).
"""

from flask import abort, g, has_request_context

from app.extensions import db


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def get_visible_or_404(select, model, object_id: int):
    """Load one object through a scoped select; anything outside the scope is a 404."""
    if not 0 < object_id < 2**31:  # no such row, and too big for the database's integer (500 on SQLite)
        abort(404)
    obj = db.session.scalars(select.where(model.id == object_id)).unique().first()
    if obj is None:
        if has_request_context():
            g.refused_object = (model.__tablename__, object_id)  # the audit of refused access names it
        abort(404)
    return obj

