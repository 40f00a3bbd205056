"""A serving process's start (app/core/serving.py): every template compiled, and what the app built kept out of
the garbage collector's full collections (issue 14: a full collection walked ~170,000 objects, 85–115 ms, about
once in ten requests)."""
import gc

from app.core.serving import settle


def test_a_serving_process_compiles_every_template_and_freezes_what_it_built(app, login_as, monkeypatch):
    from app.core import serving

    monkeypatch.setattr(serving, "WARM_REQUESTS", 3)
    names = app.jinja_env.list_templates(extensions=("html", "txt"))
    assert "tickets/index.html" in names and "base.html" in names
    before = gc.get_freeze_count()
    try:
        settle(app)
        compiled = {key[1] for key in app.jinja_env.cache.keys()}
        assert set(names) <= compiled, sorted(set(names) - compiled)
        assert gc.get_freeze_count() > before + 10_000
        # The app serves as before: a page, and a collection of what requests leave behind.
        browser, _user = login_as("manager")  # two requests: the form, the sign-in
        frozen = gc.get_freeze_count()
        assert browser.get("/tickets/").status_code == 200  # the third: what the first requests built is frozen too
        assert gc.get_freeze_count() > frozen
        assert browser.get("/tickets/").status_code == 200
    finally:
        gc.unfreeze()
