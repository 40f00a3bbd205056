"""The visits blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates")

from app.visits import views  # noqa: E402,F401  (each adds its routes to bp)
