"""JSON API v1 (described by app/api/openapi.py, served at /api/v1/docs): bearer tokens, JSON errors, cursor lists."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")

from app.api import common_problems, companies, knowledge, openapi, rankings, saved_views, tickets, tokens, visits, webhooks  # noqa: E402,F401  (routes register on import)
