"""The home blueprint: views.py adds its routes to it."""
from flask import Blueprint

bp = Blueprint("home", __name__)

from app.home import views  # noqa: E402,F401  (adds its routes to bp)
