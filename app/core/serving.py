"""What a serving process does once, before its first request: compile every template, then move everything
built so far out of the garbage collector's way (issue 14).

Python's collector walks every object it tracks on each full (oldest-generation) collection. A worker holds
about 170,000 such objects once the app is built — the models and their mappers, the routes, the forms, the
translations, the compiled templates — and none of them is ever garbage; walking them took 85–115 ms, and a
full collection came about once in ten requests: one page in ten was 100 ms slower than it had to be, the whole
tail of the working-day mix (docs/benchmarks.md). `gc.freeze()` moves them to a permanent generation the
collector skips (what the Python documentation suggests for pre-forked servers); the templates are compiled
first so that they are among them (Jinja compiles each on its first use otherwise). The first requests build
more that lives as long as the process (SQLAlchemy's compiled statements, the working-day calendar, the
translations' catalogues: ~50,000 objects, a full collection of 12–26 ms): after WARM_REQUESTS the worker
freezes once more. Every request's own objects are collected as before.
"""
import gc
import itertools
import logging

from flask import Flask

log = logging.getLogger(__name__)
WARM_REQUESTS = 200


def settle(app: Flask) -> None:
    """Compile the app's templates and freeze the objects built so far (called once per serving process)."""
    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=("html", "txt")):
            app.jinja_env.get_template(name)
    _freeze()
    served = itertools.count(1)

    @app.teardown_request
    def _freeze_when_warm(_error=None):
        if next(served) == WARM_REQUESTS:
            _freeze()


def _freeze() -> None:
    gc.collect()
    gc.freeze()
    log.info("serving: %d objects frozen out of the garbage collector's full collections", gc.get_freeze_count())
