"""The accounts blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/auth", template_folder="templates")

from app.accounts import views  # noqa: E402,F401  (each adds its routes to bp)
