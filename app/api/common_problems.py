"""Suggested 共性问题 through the API (managers and admins): alike open problems of ≥ 3 companies."""
from flask_babel import gettext as _

from app.accounts.models import Role
from app.api import bp
from app.api.common import check_query_params, current_api_user, fail, token_required
from app.search import common


@bp.get("/common-problems/suggestions")
@token_required
def list_common_problem_suggestions():
    user = current_api_user()
    check_query_params(set())
    if user.role not in (Role.MANAGER, Role.ADMIN):
        fail(403, _("仅管理者可以查看疑似共性问题。"), "forbidden")
    return {"items": [{"ticket_ids": s.ticket_ids, "companies": len(s.companies), "towns": s.towns,
                       "score": s.score, "title": s.title} for s in common.suggestions()]}
