"""The settings blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/admin/settings", template_folder="templates")

from app.settings import views  # noqa: E402,F401  (each adds its routes to bp)
