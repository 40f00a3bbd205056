"""Saved views of the problem list through the API: each person's own named condition sets (staff).

The rules live in app.tickets.saved_views (names, normalised query strings) and app.tickets.permissions;
a view is only conditions: the list still applies the caller's scope when it is opened.
"""
from flask import url_for
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import operation
from app.api.common import current_api_user, fail, get_or_404, json_body, parse_payload, parse_query, refused
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


@operation(
    "GET", "/saved-views", "listSavedViews", tag="saved-views", summary="我的视图 · My saved views",
    description=(
        "调用者自己保存的问题列表视图（名称和筛选条件）；工作人员可用，企业用户 403。\n\n"
        "The caller's own saved views of the problem list (name and conditions); staff only, 403 for company users."),
    answer=answers.SavedViews, errors=(400, 403),
)
def list_saved_views():
    user = _staff_user()
    parse_query()
    return _views_answer(user)


@operation(
    "POST", "/saved-views", "createSavedView", tag="saved-views", summary="保存视图 · Save a view",
    description=(
        "把一组问题列表条件以名称保存（与列表页头的“保存当前筛选”相同）：名称为空、过长、与本人已有视图重名，"
        "或已有 20 个视图时为 400。\n\n"
        "Saves a set of problem-list conditions under a name (as the list's 保存当前筛选): an empty, too long or "
        "duplicate name, or a 21st view, is a 400."),
    answer=answers.SavedView, status=201, errors=(400, 403, 413, 415), body=SavedViewCreate,
    example={"name": "超期的用工问题", "query": "overdue=y&tag=用工"},
)
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


@operation(
    "PATCH", "/saved-views/<int:saved_view_id>", "renameSavedView", tag="saved-views", summary="重命名视图 · Rename a view",
    description=(
        "只有视图的主人可以重命名；他人的视图为 404。\n\nOnly the owner renames a view; another person's is a 404."),
    answer=answers.SavedView, errors=(400, 403, 413, 415), body=SavedViewRename,
    example={"name": "超期未办"},
)
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


@operation(
    "DELETE", "/saved-views/<int:saved_view_id>", "deleteSavedView", tag="saved-views", summary="删除视图 · Delete a view",
    description=(
        "只有视图的主人可以删除；他人的视图为 404。返回剩余的视图。\n\n"
        "Only the owner deletes a view; another person's is a 404. Returns the remaining views."),
    answer=answers.SavedViews, errors=(400, 403),
)
def delete_saved_view(saved_view_id: int):
    user = _staff_user()
    parse_query()
    saved_views.delete_view(user, _own_view_or_404(user, saved_view_id))
    db.session.commit()
    return _views_answer(user)
