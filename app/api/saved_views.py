"""Saved views of the problem list through the API: each person's own named condition sets (staff).

The rules live in app.tickets.saved_views (names, normalised query strings) and app.tickets.permissions;
a view is only conditions: the list still applies the caller's scope when it is opened.
"""
from flask import url_for
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import bp
from app.api.common import (
    check_query_params, current_api_user, fail, get_or_404, json_body, parse_payload, refused, token_required,
)
from app.extensions import db
from app.tickets import permissions, queries, saved_views
from app.tickets.models import SavedView
from app.tickets.schemas import SavedViewCreate, SavedViewRename
from app.tickets.services import TicketActionError


def saved_view_json(view: SavedView) -> dict:
    return answers.SavedView.of(**{
        "id": view.id,
        "name": view.name,
        "query": view.query,
        "url": url_for("tickets.index") + ("?" + view.query if view.query else ""),
        "created_at": view.created_at.isoformat(),
    })


def _views_answer(user) -> dict:
    views = db.session.scalars(queries.visible_saved_views(user))
    return answers.SavedViews.of(items=[saved_view_json(view) for view in views])


def _staff_user():
    user = current_api_user()
    if not permissions.can_save_ticket_views(user):
        fail(403, _("只有工作人员可以保存问题列表的视图。"), "forbidden")
    return user


def _own_view_or_404(user, view_id: int) -> SavedView:
    view = get_or_404(queries.visible_saved_views(user), SavedView, view_id)
    if not permissions.can_manage_saved_view(user, view):
        fail(403, _("只能修改自己的视图。"), "forbidden")
    return view


@bp.get("/saved-views")
@token_required
def list_saved_views():
    user = _staff_user()
    check_query_params(set())
    return _views_answer(user)


@bp.post("/saved-views")
@token_required
def create_saved_view():
    user = _staff_user()
    payload = parse_payload(SavedViewCreate, json_body())
    try:
        view = saved_views.create_view(user, payload.name, payload.query or "")
    except TicketActionError as error:
        refused(error)
    body = saved_view_json(view)
    db.session.commit()
    return body, 201


@bp.patch("/saved-views/<int:saved_view_id>")
@token_required
def rename_saved_view(saved_view_id: int):
    user = _staff_user()
    view = _own_view_or_404(user, saved_view_id)
    payload = parse_payload(SavedViewRename, json_body())
    try:
        saved_views.rename_view(user, view, payload.name)
    except TicketActionError as error:
        refused(error)
    body = saved_view_json(view)
    db.session.commit()
    return body


@bp.delete("/saved-views/<int:saved_view_id>")
@token_required
def delete_saved_view(saved_view_id: int):
    user = _staff_user()
    check_query_params(set())
    saved_views.delete_view(user, _own_view_or_404(user, saved_view_id))
    db.session.commit()
    return _views_answer(user)
