"""The rankings blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("rankings", __name__, url_prefix="/rankings", template_folder="templates")

from app.rankings import views  # noqa: E402,F401  (each adds its routes to bp)
