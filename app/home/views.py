"""Home redirect, language switch, health checks (/healthz liveness, /readyz readiness)."""
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_required

from app.accounts.services import set_locale
from app.core.inputs import safe_next
from app.extensions import csrf, db
from app.home.blueprint import bp
from app.home.landing import home_url
from app.home.permissions import navigation


@bp.app_context_processor
def _navigation():
    """base.html's menu flags (app.home.permissions.navigation)."""
    return {"navigation": navigation}


@bp.route("/")
@login_required
def index():
    return redirect(home_url(current_user))


@bp.route("/language", methods=["POST"])
def set_language():
    code = request.form.get("lang", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            set_locale(current_user, code)
            db.session.commit()
    target = request.form.get("next") or ""
    return redirect(safe_next(target) or url_for("home.index"))


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """Liveness for load balancers: the process answers. No database work, so it stays cheap."""
    return {"status": "ok"}


@bp.route("/readyz")
@csrf.exempt
def readyz():
    """Readiness: the database answers a trivial query (503 otherwise, and the pool drops the connection)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("readiness check: database unreachable", exc_info=True)
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
