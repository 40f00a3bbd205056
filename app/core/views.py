"""Home redirect, language switch, health checks (/healthz liveness, /readyz readiness)."""
from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required

from app.accounts.models import Role
from app.accounts.services import set_locale
from app.extensions import csrf, db

bp = Blueprint("core", __name__)


def home_url(user) -> str:
    """Where each role lands after signing in."""
    if user.role == Role.COMPANY:
        if user.company_id:
            return url_for("portal.home")
        return url_for("accounts.profile")
    if user.role in (Role.ADMIN, Role.MANAGER):
        return url_for("monitoring.dashboard")
    if user.role in (Role.ESCORT, Role.HELPER):
        return url_for("monitoring.home")
    return url_for("companies.index")


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
    from app.accounts.views import safe_next

    return redirect(safe_next(target) or url_for("core.index"))


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
