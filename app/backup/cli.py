"""`flask backup` / `flask restore`: the database and the uploaded files in one archive.

SQLite is copied with its online backup API (safe while the app runs); PostgreSQL
with `pg_dump -Fc` / `pg_restore --clean`. The archive holds a manifest with each
table's row count and checksum, which restore checks after loading.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


def table_fingerprints(connection) -> dict[str, dict]:
    """Row count and a checksum of every row (ordered by primary key) for each table."""
    metadata = db.metadata
    result = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        count = 0
        for row in connection.execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(_normal(v) for v in row)).encode())
            count += 1
        result[table.name] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _normal(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if hasattr(value, "is_finite"):  # Decimal
        return str(value.normalize()) if value == value else str(value)
    return value


def _pg_env_and_dsn(url):
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = []
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    return env, args, url.database


def create_backup(target: Path) -> Path:
    """Write the archive to `target` (a directory or a .tar.gz path) and return its path."""
    url = db.engine.url
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if target.suffix != ".gz":
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"peipao-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with db.engine.connect() as connection:
            manifest = {"created_at": stamp, "dialect": url.get_backend_name(),
                        "tables": table_fingerprints(connection)}
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(url.database)
            copy = sqlite3.connect(tmp / "database.sqlite3")
            with copy:
                source.backup(copy)
            copy.close()
            source.close()
            db_member = "database.sqlite3"
        else:
            env, args, name = _pg_env_and_dsn(url)
            subprocess.run(["pg_dump", "-Fc", "-f", str(tmp / "database.pgdump"), *args, name], check=True, env=env)
            db_member = "database.pgdump"
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(target, "w:gz") as archive:
            archive.add(tmp / "manifest.json", "manifest.json")
            archive.add(tmp / db_member, db_member)
            uploads = Path(current_app.config["UPLOAD_DIR"])
            if uploads.is_dir():
                archive.add(uploads, "uploads")
    return target


def restore_backup(archive_path: Path) -> dict:
    """Load the archive over the current database and upload folder; verify the manifest."""
    url = db.engine.url
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest["dialect"] != url.get_backend_name():
            raise click.ClickException(
                f"this backup is of a {manifest['dialect']} database; the app uses {url.get_backend_name()}")
        db.session.remove()
        db.engine.dispose()
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(tmp / "database.sqlite3")
            destination = sqlite3.connect(url.database)
            with destination:
                source.backup(destination)
            destination.close()
            source.close()
        else:
            env, args, name = _pg_env_and_dsn(url)
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", name, *args,
                            str(tmp / "database.pgdump")], check=True, env=env)
        uploads = Path(current_app.config["UPLOAD_DIR"])
        if (tmp / "uploads").is_dir():
            if uploads.exists():
                shutil.rmtree(uploads)
            shutil.copytree(tmp / "uploads", uploads)
        with db.engine.connect() as connection:
            found = table_fingerprints(connection)
    mismatched = {name for name, fp in manifest["tables"].items() if found.get(name) != fp}
    if mismatched:
        raise click.ClickException(f"restored data differs from the backup in: {', '.join(sorted(mismatched))}")
    return found


@click.command("backup")
@click.option("--output", "-o", default="backups", type=click.Path(path_type=Path),
              help="Directory (or .tar.gz path) for the archive.")
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database and uploaded files into one archive."""
    path = create_backup(output)
    click.echo(f"backup written: {path}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and uploaded files with ARCHIVE (stop the app first)."""
    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    tables = restore_backup(archive)
    click.echo(f"restored {sum(t['rows'] for t in tables.values())} rows in {len(tables)} tables; checksums match")
