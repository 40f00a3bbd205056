"""Saved views (保存的视图) of the problem list: a named set of its conditions, one person's own.

A view stores only the list's query string (search words, tag and every filter), normalised here, so
opening it is the list with those conditions — applied, like any condition, inside the viewer's own
scope. The list's header shows the viewer's views as links; its owner renames and deletes them.
Shared by the pages (app.tickets.views) and the API (app.api.saved_views).
"""
import unicodedata
from functools import cache
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask_babel import gettext as _
from wtforms.fields.core import UnboundField

from app.core import audit
from app.extensions import db
from app.tickets.models import SavedView
from app.tickets.services import TicketActionError

MAX_NAME = 30
MAX_QUERY = 2000
MAX_PER_USER = 20


@cache
def _condition_names() -> tuple[str, ...]:
    """The problem list's condition fields (TicketFilterForm's, in their order), csrf excluded."""
    from app.tickets.forms import TicketFilterForm  # forms import the models; keep this module light

    fields = []
    for klass in reversed(TicketFilterForm.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField) and name not in fields:
                fields.append(name)
    return tuple(fields)


def normalise_query(pairs) -> str:
    """The list's conditions as a query string: only the list's own fields, no empty values, in the
    form's field order (paging cursors, csrf and unknown parameters dropped). `pairs` is a query
    string or (key, value) pairs (e.g. request.args.items(multi=True))."""
    if isinstance(pairs, str):
        pairs = parse_qsl(pairs.lstrip("?"), keep_blank_values=False)
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        value = (value or "").strip()
        if value and "\x00" not in value:
            values.setdefault(key, []).append(value)
    return urlencode([(name, value) for name in _condition_names() for value in values.get(name, ())])


def check_name(text) -> str:
    """The view's name, stripped, or a TicketActionError (400) saying what is wrong with it."""
    name = unicodedata.normalize("NFC", text if isinstance(text, str) else "").strip()
    if not name:
        message = _("请填写视图名称。")
    elif len(name) > MAX_NAME:
        message = _("视图名称最多 %(n)d 个字。", n=MAX_NAME)
    elif any(unicodedata.category(ch)[0] == "C" for ch in name):
        message = _("视图名称不能包含控制字符。")
    else:
        return name
    raise TicketActionError(message, 400, fields={"name": message})


def _check_unique(user, name: str, *, except_id=None) -> None:
    stmt = sa.select(SavedView.id).where(SavedView.user_id == user.id, SavedView.name == name)
    if except_id is not None:
        stmt = stmt.where(SavedView.id != except_id)
    if db.session.scalar(stmt) is not None:
        message = _("已有名为“%(name)s”的视图，请换一个名称。", name=name)
        raise TicketActionError(message, 400, fields={"name": message})


def create_view(user, name, query) -> SavedView:
    """Save the conditions `query` (normalised) under `name` for `user`."""
    name = check_name(name)
    query = normalise_query(query if isinstance(query, str) else "")
    if len(query) > MAX_QUERY:
        message = _("筛选条件太长，无法保存。")
        raise TicketActionError(message, 400, fields={"query": message})
    _check_unique(user, name)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(SavedView).where(SavedView.user_id == user.id))
    if count >= MAX_PER_USER:
        message = _("每人最多保存 %(n)d 个视图，请先删除不用的。", n=MAX_PER_USER)
        raise TicketActionError(message, 400, fields={"name": message})
    view = SavedView(user_id=user.id, name=name, query=query)
    db.session.add(view)
    db.session.flush()
    audit.record("saved_view_create", view, actor=user, after={"name": name, "query": query})
    return view


def rename_view(user, view: SavedView, name) -> SavedView:
    name = check_name(name)
    if name != view.name:
        _check_unique(user, name, except_id=view.id)
        audit.record("saved_view_rename", view, actor=user, before={"name": view.name}, after={"name": name})
        view.name = name
        db.session.flush()
    return view


def delete_view(user, view: SavedView) -> None:
    audit.record("saved_view_delete", view, actor=user, before={"name": view.name, "query": view.query})
    db.session.delete(view)
    db.session.flush()
