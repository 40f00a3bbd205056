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

A serving process also collects its youngest generation after 5,000 new container objects instead of Python's 700.
A request builds thousands (a list page's problems with their companies, states and template contexts) and holds
them until it ends, so at 700 each request ran two or three young collections that walked the same live objects
and promoted them to older generations, where they made the costlier collections come sooner: 0.87 ms of
collection a request over the working-day mix, against 0.39 ms at 5,000 (one process, SQLite 200,000; a young
collection then takes about 2 ms, now mostly between requests, when the request's objects are already freed).
"""
import gc
import itertools
import logging

from flask import Flask

log = logging.getLogger(__name__)
WARM_REQUESTS = 200
YOUNG_THRESHOLD = 5000


def settle(app: Flask) -> None:
    """Compile the app's templates and freeze the objects built so far (called once per serving process)."""
    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=("html", "txt")):
            app.jinja_env.get_template(name)
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
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
