"""`flask tickets sweep` — run from cron (e.g. every 15 minutes)."""
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.extensions import db
from app.tickets.sweep import sweep

tickets_cli = AppGroup("tickets", help="Problem maintenance.")


@tickets_cli.command("sweep")
@click.option("--now", help="Pretend it is this time (ISO 8601, for testing and catching up).")
def sweep_command(now: str | None) -> None:
    """Auto-close, mark overdue, supervise, send due-soon/overdue notices and due digests, drain the outbox.
    Idempotent."""
    moment = None
    if now:
        moment = datetime.fromisoformat(now)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    result = sweep(moment)
    db.session.commit()
    click.echo(
        f"auto-closed {result.auto_closed}, overdue notices {result.overdue_notified}, "
        f"supervised {result.supervised}, due-soon notices {result.due_soon_notified}, "
        f"reply deadlines set {result.deadlines_set}"
    )
    # Digests that came due, then everything queued (this run's notices included) goes out; old
    # outbox rows are pruned. With a worker thread or RQ running this is a safety net.
    from app.notify import outbox
    from app.notify.digests import send_due_digests

    digests = send_due_digests(moment)
    db.session.commit()
    counts = outbox.drain(moment)
    pruned = outbox.prune(moment)
    db.session.commit()
    click.echo(f"digests {sum(digests.values())}; outbox sent {counts['sent']}, retry later {counts['pending']}, "
               f"failed {counts['failed']}, pruned {pruned}")
