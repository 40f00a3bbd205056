"""`flask backup` then `flask restore` gives back every row (counts and checksums) and every uploaded file."""
from pathlib import Path

import sqlalchemy as sa

from app.backup.cli import table_fingerprints
from app.demo.cli import seed_demo
from app.extensions import db
from app.tickets.models import Ticket


def test_backup_restore_round_trip(fresh_app, tmp_path):
    with fresh_app.app_context():
        seed_demo("a-demo-password-long-enough", companies=12)
        db.session.commit()
        with db.engine.connect() as connection:
            before = table_fingerprints(connection)
    uploads = Path(fresh_app.config["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "abc.pdf").write_bytes(b"%PDF-1.4 evidence")

    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "backups").glob("peipao-backup-*.tar.gz"))

    # Damage: a problem deleted, a title changed, the file lost.
    with fresh_app.app_context():
        first = db.session.scalars(sa.select(Ticket).order_by(Ticket.id)).first()
        db.session.execute(sa.delete(Ticket).where(Ticket.id == first.id + 1))
        first.title = "被改动的标题"
        db.session.commit()
        with db.engine.connect() as connection:
            assert table_fingerprints(connection) != before
    (uploads / "abc.pdf").unlink()

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "checksums match" in result.output
    with fresh_app.app_context():
        with db.engine.connect() as connection:
            after = table_fingerprints(connection)
    assert after == before
    assert after["tickets"]["rows"] > 0 and after["companies"]["rows"] == 12
    assert (uploads / "abc.pdf").read_bytes() == b"%PDF-1.4 evidence"
