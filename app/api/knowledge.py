"""政策问答 through the API: any signed-in caller, companies included; an entry never names the company."""
from app.api import answers
from app.api.blueprint import operation
from app.api.common import paginate_by_id, parse_query
from app.knowledge import queries
from app.knowledge.schemas import KnowledgeQuery
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


@operation(
    "GET", "/knowledge", "listKnowledge", tag="knowledge", summary="政策问答 · Knowledge base",
    description=(
        "已发布的政策问答（问题、答复、答复部门、日期；从不包含提问企业），所有登录用户可查，企业用户也可以。"
        "`q` 中空格分隔的词须全部出现在标题、问题或答复中。\n\n"
        "Published questions and answers (question, answer, department, date; never the asking company), for "
        "every signed-in caller, companies included. Every space-separated word of `q` must occur in the "
        "title, question or answer."),
    query=KnowledgeQuery, answer=answers.Knowledge, errors=(400,),
)
def list_knowledge():
    args = parse_query(KnowledgeQuery)
    stmt = queries.search_knowledge(queries.visible_knowledge(), args.q, ordered=False)
    return paginate_by_id(stmt, KnowledgeEntry, args, knowledge_json)
