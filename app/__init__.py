"""Application factory: each step of assembling the app is a named function."""
import logging

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user, logout_user

from config import get_config
from app.extensions import babel, bootstrap, cache, csrf, db, limiter, login_manager, migrate


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(get_config(config_name))
    app.config.update(overrides)
    from app.core.sessions import SessionInterface

    app.session_interface = SessionInterface()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _check_production(app)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _install_notice_delivery(app)
    _register_request_hooks(app)
    _register_template_helpers(app)
    _register_cli(app)
    from app.core.errors import register_error_handlers

    register_error_handlers(app)
    return app


def _check_production(app: Flask) -> None:
    if app.config["IS_PRODUCTION"] and app.config["SECRET_KEY"] in ("", "dev-only-not-secret"):
        raise RuntimeError("SECRET_KEY must be set in production")


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client's address from X-Forwarded-For (and the scheme
    from X-Forwarded-Proto) so per-IP login throttling and the audit log see the real client."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=0)


def _init_extensions(app: Flask) -> None:
    from app.core.inputs import BoundedIntConverter, install as install_input_checks
    from app.core.widgets import install_fast_html_params

    install_input_checks()  # every form field refuses what the database cannot hold
    install_fast_html_params()  # WTForms' attribute writer, the same text, cheaper
    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from app.core.db import postgresql_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(__import__("pathlib").Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    from app.monitoring.aggregates import cache_config

    cache.init_app(app, config=cache_config(app.config.get("REDIS_URL", "")))

    from app.accounts.auth import load_user_from_cookie
    from app.core.i18n import install_fast_translations, select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_fast_translations(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_cookie)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from app.core.db import configure_sqlite

            configure_sqlite(db.engine)
    # Import every model so metadata (and Alembic autogenerate) sees all tables.
    import app.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    """Each feature's blueprint.py holds its Blueprint and imports the views modules that add routes to it."""
    from app.accounts.blueprint import bp as accounts_bp
    from app.api.blueprint import bp as api_bp
    from app.audit.blueprint import bp as audit_bp
    from app.common_problems.blueprint import bp as common_problems_bp
    from app.companies.blueprint import bp as companies_bp
    from app.home.blueprint import bp as home_bp
    from app.knowledge.blueprint import bp as knowledge_bp
    from app.monitoring.blueprint import bp as monitoring_bp
    from app.notify.blueprint import bp as notify_bp
    from app.personnel.blueprint import bp as personnel_bp
    from app.portal.blueprint import bp as portal_bp
    from app.rankings.blueprint import bp as rankings_bp
    from app.reference.blueprint import bp as reference_bp
    from app.settings.blueprint import bp as settings_bp
    from app.tickets.blueprint import bp as tickets_bp
    from app.visits.blueprint import bp as visits_bp

    for blueprint in (home_bp, accounts_bp, companies_bp, reference_bp, api_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(settings_bp)
    app.register_blueprint(personnel_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(common_problems_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(rankings_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(notify_bp)
    csrf.exempt(api_bp)  # bearer-token API: no cookies, no CSRF


def _install_notice_delivery(app: Flask) -> None:
    """app.core.notifications writes in-app notices, linked to a problem's page by app.tickets; app.notify
    reaches people by e-mail, SMS and robots."""
    from app.core.notifications import set_delivery, set_ticket_link
    from app.notify.notices import Delivery
    from app.tickets.links import ticket_path

    set_ticket_link(app, ticket_path)
    set_delivery(app, Delivery())


def _register_request_hooks(app: Flask) -> None:
    from app.accounts.auth import session_expired

    if app.config.get("OUTBOX_WORKER") == "thread":
        @app.before_request
        def start_outbox_worker():
            """The serving process drains the outbox itself (no extra process for `make run`)."""
            from app.notify.outbox import worker_thread

            worker_thread(app)

    @app.before_request
    def enforce_session_rules():
        if request.blueprint == "api" or request.endpoint in ("static", "bootstrap.static"):
            return None
        if current_user.is_authenticated:
            if session_expired():
                logout_user()
                session.clear()
                return redirect(url_for("accounts.login", next=request.full_path))
            session.permanent = True
            allowed = {"accounts.change_password", "accounts.logout", "home.set_language"}
            if current_user.must_change_password and request.endpoint not in allowed:
                return redirect(url_for("accounts.change_password"))
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Signed in (read from the cookie, so a DB outage cannot break this) or a bearer-token API call:
        # nothing the answer holds may be kept by the browser or a proxy — downloads included, whose
        # send_file() headers ("no-cache, max-age=0" still lets the browser store them) are replaced.
        signed_in = session.get("_user_id") or request.headers.get("Authorization")
        if signed_in and request.endpoint not in ("static", "bootstrap.static"):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _register_template_helpers(app: Flask) -> None:
    from app.core import templating

    templating.register(app)


def _register_cli(app: Flask) -> None:
    from app.demo.cli import demo_cli
    from app.notify.cli import notify_cli, outbox_cli
    from app.search.cli import search_cli
    from app.tickets.cli import tickets_cli

    from app.backup.cli import backup_command, restore_command

    app.cli.add_command(demo_cli)
    app.cli.add_command(tickets_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
