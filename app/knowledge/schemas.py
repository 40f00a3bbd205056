"""The query string of GET /api/v1/knowledge."""
from pydantic import Field

from app.core.payloads import Paging, query_text


class KnowledgeQuery(Paging):
    """政策问答的搜索。 / A search of the knowledge base."""

    q: query_text(100) = Field("", description="搜索词 / Words to find")
