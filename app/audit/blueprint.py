"""The audit log's blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")

from app.audit import views  # noqa: E402,F401  (adds its routes to bp)
