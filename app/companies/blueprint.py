"""The companies blueprint: io_views.py and views.py each add their routes to it."""
from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/companies", template_folder="templates")

from app.companies import io_views, views  # noqa: E402,F401  (each adds its routes to bp)
