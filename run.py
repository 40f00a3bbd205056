"""Entry point: `flask --app run <command>` and `gunicorn run:app`."""
from app import create_app

app = create_app()
