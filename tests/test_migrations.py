"""The schema comes only from Alembic: every migration goes down and up again, and matches the models."""
import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from app.search.models import include_object

FOUNDATION_TABLES = {
    "users", "api_tokens", "companies", "escort_assignments", "departments", "towns", "industries",
    "settings", "calendar_overrides", "audit_log", "notifications",
}


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _heads(app) -> set[str]:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    return set(ScriptDirectory.from_config(config).get_heads())


def _current(engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def test_downgrade_to_base_and_upgrade_again_on_a_throwaway_database(app, tmp_path):
    with app.app_context():
        test_url = db.engine.url.render_as_string(hide_password=False)
        test_tables_before = _tables(db.engine)
        test_revision_before = _current(db.engine)

    url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    assert url != test_url
    throwaway = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with throwaway.app_context():
        engine = db.engine
        assert engine.url.database.endswith("migrations.sqlite3")
        flask_migrate.upgrade(revision="heads")
        assert FOUNDATION_TABLES <= _tables(engine)
        assert _current(engine) == _heads(throwaway)

        flask_migrate.downgrade(revision="base")
        assert _tables(engine) <= {"alembic_version"}
        assert _current(engine) == set()

        flask_migrate.upgrade(revision="heads")
        full = _tables(engine)
        assert FOUNDATION_TABLES <= full
        assert _current(engine) == _heads(throwaway)
        # The schema works: a row goes in through the app's models.
        db.session.execute(sa.text("INSERT INTO towns (name, code, active) VALUES ('测试镇', 't', 1)"))
        db.session.commit()
        db.session.remove()
        engine.dispose()

    # The test database the suite runs on was not touched.
    with app.app_context():
        assert _tables(db.engine) == test_tables_before
        assert _current(db.engine) == test_revision_before


def test_models_match_the_migrations(app):
    """Autogenerate finds nothing to do on the database the session fixture migrated."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                         "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_migration_has_a_downgrade(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    for revision in script.walk_revisions():
        module = revision.module
        assert callable(getattr(module, "downgrade", None)), revision.revision
        assert "UTCDateTime" not in open(revision.path, encoding="utf-8").read(), revision.revision
        # alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer id (SQLite would store it).
        assert len(revision.revision) <= 32, revision.revision


def test_0013_moves_collected_problems_still_waiting_to_accepted(app, tmp_path):
    """Collected problems (visit, escort) still 待受理 become 已受理 without a clock; nothing else moves."""
    from app.tickets.models import Ticket, TicketEvent
    from tests.factories import Factories
    from tests.tickets.helpers import World

    url = f"sqlite:///{tmp_path / 'm0013.sqlite3'}"
    throwaway = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with throwaway.app_context():
        # The rows are made with today's models (which know columns added after 0013), then the schema is
        # taken back to before 0013 — the rows stay as the older code left them — and upgraded again.
        flask_migrate.upgrade(revision="heads")
        world = World(Factories(db.session))
        waiting = world.new_ticket(by=world.escort, source="hotline", title="走访时提出、仍待受理")
        accepted = world.new_ticket(by=world.escort, source="hotline", title="走访时提出、已受理")
        world.act(world.escort, accepted, "accept")
        portal = world.new_ticket(by=world.company_user, title="企业自己提交")
        # What the older code wrote for a problem collected at a visit: 待受理 with a 'submit' event.
        db.session.execute(sa.update(Ticket).where(Ticket.id.in_([waiting.id, accepted.id])).values(source="visit"))
        db.session.commit()
        ids = (waiting.id, accepted.id, portal.id)
        before = {t.id: (t.status, t.version, t.accepted_at, t.due_at) for t in
                  db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ids)))}
        db.session.remove()
        flask_migrate.downgrade(revision="0006_audit_indexes")

        flask_migrate.upgrade(revision="heads")
        rows = {t.id: t for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ids)))}
        moved = rows[waiting.id]
        assert moved.status == "accepted" and moved.accepted_at == moved.created_at
        assert moved.accept_due_at is None and moved.due_at is None and moved.accepted_on_time is None
        assert moved.version == before[waiting.id][1] + 1
        first = db.session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == waiting.id)
                                   .order_by(TicketEvent.id)).first()
        assert (first.kind, first.to_status) == ("collect", "accepted")
        for untouched in (accepted.id, portal.id):
            t = rows[untouched]
            assert (t.status, t.version, t.accepted_at, t.due_at) == before[untouched]
        assert db.session.scalar(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == portal.id)
                                 .order_by(TicketEvent.id).limit(1)) == "submit"
        db.session.remove()

        flask_migrate.downgrade(revision="0006_audit_indexes")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent)
                                 .where(TicketEvent.kind == "collect")) == 0
        db.session.remove()
        db.engine.dispose()
