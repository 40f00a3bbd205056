"""A serving process's start (app/core/serving.py): every template compiled, and what the app built kept out of
the garbage collector's full collections (issue 14: a full collection walked ~170,000 objects, 85–115 ms, about
once in ten requests); after its first requests, what they built too."""
import gc

from app import create_app
from app.core import serving
from app.extensions import db


def test_a_serving_process_compiles_every_template_and_freezes_what_it_built(app, monkeypatch):
    monkeypatch.setattr(serving, "WARM_REQUESTS", 3)
    # A worker's own app, before its first request (as gunicorn imports run.py), on the suite's database.
    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       UPLOAD_DIR=app.config["UPLOAD_DIR"])
    names = fresh.jinja_env.list_templates(extensions=("html", "txt"))
    assert "tickets/index.html" in names and "base.html" in names
    before, threshold = gc.get_freeze_count(), gc.get_threshold()
    try:
        serving.settle(fresh)
        assert gc.get_threshold()[0] == serving.YOUNG_THRESHOLD
        compiled = {key[1] for key in fresh.jinja_env.cache.keys()}
        assert set(names) <= compiled, sorted(set(names) - compiled)
        assert gc.get_freeze_count() > before + 10_000
        client = fresh.test_client()
        assert client.get("/auth/login").status_code == 200
        assert client.get("/auth/login").status_code == 200
        frozen = gc.get_freeze_count()
        assert client.get("/auth/login").status_code == 200  # the third: what the first requests built is frozen too
        assert gc.get_freeze_count() > frozen
        assert client.get("/auth/login").status_code == 200
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        with fresh.app_context():
            db.engine.dispose()
