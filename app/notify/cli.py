"""`flask outbox …` (delivery) and `flask notify digests` (the daily, weekly and monthly messages)."""
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.notify import outbox

outbox_cli = AppGroup("outbox", help="Deliver queued e-mail, SMS, robot messages and webhooks.")
notify_cli = AppGroup("notify", help="Digests and reminders.")


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@outbox_cli.command("drain")
def drain_command() -> None:
    """Deliver everything that is due now, once, and prune old rows."""
    counts = outbox.drain()
    pruned = outbox.prune()
    db.session.commit()
    click.echo(f"sent {counts['sent']}, retry later {counts['pending']}, failed {counts['failed']}, pruned {pruned}")


@outbox_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for the outbox queue (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set; without Redis the app's own worker thread delivers.")
    from app.notify.rq_worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)


@notify_cli.command("digests")
@click.option("--now", help="Pretend it is this time (ISO 8601).")
def digests_command(now: str | None) -> None:
    """Send the digests that are due (daily, weekly summary, monthly visit reminder); idempotent."""
    from app.notify.digests import send_due_digests

    sent = send_due_digests(_moment(now))
    db.session.commit()
    click.echo(", ".join(f"{name} {count}" for name, count in sent.items()))
