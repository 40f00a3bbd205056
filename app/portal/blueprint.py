"""The portal blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")

from app.portal import views  # noqa: E402,F401  (each adds its routes to bp)
