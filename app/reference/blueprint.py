"""The reference blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/admin/reference", template_folder="templates")

from app.reference import views  # noqa: E402,F401  (each adds its routes to bp)
