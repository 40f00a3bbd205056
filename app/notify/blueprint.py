"""The notify blueprint: inbox.py and views.py each add their routes to it."""
from flask import Blueprint

bp = Blueprint("notify", __name__, template_folder="templates")

from app.notify import inbox, views  # noqa: E402,F401  (each adds its routes to bp)
