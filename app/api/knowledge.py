"""政策问答 through the API: any signed-in caller, companies included; an entry never names the company."""
from flask import request
from flask_babel import gettext as _

from app.api import answers
from app.api.blueprint import bp
from app.api.common import check_query_params, fail, paginate_by_id, token_required
from app.knowledge import queries
from app.knowledge.models import KnowledgeEntry


def knowledge_json(entry: KnowledgeEntry) -> dict:
    return answers.Knowledge.of(**{
        "id": entry.id,
        "title": entry.title,
        "question": entry.question,
        "answer": entry.answer,
        "category": entry.category,
        "department": {"id": entry.department.id, "name": entry.department.name} if entry.department else None,
        "published_at": entry.published_at.isoformat(),
    })


@bp.get("/knowledge")
@token_required
def list_knowledge():
    check_query_params({"q"}, paginated=True)
    q = request.args.get("q", "")
    if len(q) > 100:
        fail(400, _("提交的数据有误。"), "validation_error", {"q": _("最多 100 个字符。")})
    stmt = queries.search_knowledge(queries.visible_knowledge(), q, ordered=False)
    return paginate_by_id(stmt, KnowledgeEntry, knowledge_json)
