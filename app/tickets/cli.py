"""`flask tickets sweep` — run from cron (e.g. every 15 minutes); `flask tickets train-departments` and
`flask tickets evaluate-departments` for the learned department model."""
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.extensions import db
from app.tickets import department_model
from app.tickets.sweep import sweep

tickets_cli = AppGroup("tickets", help="Problem maintenance.")


@tickets_cli.command("sweep")
@click.option("--now", help="Pretend it is this time (ISO 8601, for testing and catching up).")
def sweep_command(now: str | None) -> None:
    """Auto-close, mark overdue, supervise, send due-soon/overdue notices and due digests, rebuild the past
    months' summary rows, drain the outbox. Idempotent."""
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
        f"reply deadlines set {result.deadlines_set}; 协办: due-soon notices {result.co_due_soon_notified}, "
        f"overdue notices {result.co_overdue_notified}, lead told of overdue opinions {result.co_lead_notified}"
    )
    # The past months' summary rows the dashboard's trend reads (replaced whole: idempotent).
    from app.monitoring.summary import rebuild_month_counts

    months = rebuild_month_counts(moment)
    db.session.commit()
    click.echo(f"month summaries rebuilt: {months}")
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
    # The department model is trained again once a day when problems were dispatched since.
    if department_model.due_for_training(moment):
        row = department_model.train_and_store(moment)
        db.session.commit()
        click.echo(f"department model trained on {row.examples} dispatches")


@tickets_cli.command("train-departments")
def train_departments_command() -> None:
    """Train the department model on every past dispatch (text and category → the department that kept
    the problem) and store it; the dispatch form uses it from the next request on."""
    row = department_model.train_and_store()
    db.session.commit()
    click.echo(f"department model trained on {row.examples} dispatches ({len(row.payload) // 1024} KiB)")
    model = department_model.Model.loads(row.payload)
    h = model.holdout
    if h.get("tested"):
        click.echo(f"on the newest {h['tested']} (trained on the older rest): model top-1 {h['model_top1']:.1%}, "
                   f"top-3 {h['model_top3']:.1%}; category counts top-1 {h['category_top1']:.1%}, "
                   f"top-3 {h['category_top3']:.1%}")
    if row.examples < department_model.MIN_EXAMPLES:
        click.echo(f"fewer than {department_model.MIN_EXAMPLES}: suggestions keep counting the category's history")
    elif not model.useful:
        click.echo("no better than the category counts on the newest part: suggestions keep counting them")
    else:
        click.echo("suggestions use the model")


@tickets_cli.command("evaluate-departments")
@click.option("--test-share", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.95),
              help="The newest share of the history to test on; the model is trained on the older rest.")
def evaluate_departments_command(test_share: float) -> None:
    """Top-1 and top-3 accuracy of the department model and of the category counts, trained on the older
    part of the dispatch history and tested on the newest part. Stores nothing."""
    result, trained, tested = department_model.holdout(test_share)
    click.echo(f"trained on {trained} older dispatches, tested on the newest {tested}")
    for name, accuracy in result.items():
        click.echo(f"{name}: {accuracy}")
