"""`flask search rebuild` — refill the search rows and the full-text index from the problems."""
import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.search.index import rebuild

search_cli = AppGroup("search", help="Full-text search maintenance.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild every problem's search row (after a bulk load or a restore from elsewhere)."""
    started = time.perf_counter()
    count = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"search rows rebuilt for {count} problems in {time.perf_counter() - started:.1f} s")
