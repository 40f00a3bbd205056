"""Entry point: `flask --app run <command>` and `gunicorn run:app`."""
import sys

from app import create_app
from app.core.serving import settle

app = create_app()
if "gunicorn" in sys.modules:  # a serving process (not a `flask` command): app/core/serving.py
    settle(app)
