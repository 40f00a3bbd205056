"""The monitoring blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("monitoring", __name__, template_folder="templates")

from app.monitoring import views  # noqa: E402,F401  (each adds its routes to bp)
