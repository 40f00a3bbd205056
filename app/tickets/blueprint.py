"""The tickets blueprint: io_views.py and views.py each add their routes to it."""
from flask import Blueprint

from app.tickets import badges

bp = Blueprint("tickets", __name__, url_prefix="/tickets", template_folder="templates")
bp.add_app_template_global(badges, "ticket_badges")  # _macros/badges.html names its functions

from app.tickets import io_views, views  # noqa: E402,F401  (each adds its routes to bp)
