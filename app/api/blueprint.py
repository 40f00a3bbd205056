"""The API's blueprint: each module below adds its routes to it."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")

from app.api import common_problems, companies, knowledge, openapi, rankings, saved_views, tickets, tokens, visits, webhooks  # noqa: E402,F401  (each adds its routes to bp)
