"""The personnel blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("personnel", __name__, url_prefix="/staff", template_folder="templates")

from app.personnel import views  # noqa: E402,F401  (each adds its routes to bp)
