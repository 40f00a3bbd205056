"""The knowledge blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge", template_folder="templates")

from app.knowledge import views  # noqa: E402,F401  (each adds its routes to bp)
