"""The common_problems blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("common_problems", __name__, url_prefix="/common-problems", template_folder="templates")

from app.common_problems import views  # noqa: E402,F401  (each adds its routes to bp)
