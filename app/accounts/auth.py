"""Sign-in mechanics: cookie loading, session lifetime, ending every session."""
from datetime import datetime, timedelta, timezone

from flask import current_app, session
from flask_login import login_user

from app.core.db import utcnow
from app.extensions import db


def load_user_from_cookie(user_id: str):
    """Flask-Login user loader. The id is "<user id>:<session version>"."""
    from app.accounts.models import User

    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def start_session(user, remember: bool = False) -> None:
    """A fresh session at every login (no session fixation), stamped for the absolute lifetime."""
    session.clear()
    login_user(user, remember=remember)
    session["login_at"] = utcnow().timestamp()
    session.permanent = True


def session_expired() -> bool:
    """Past the absolute lifetime (SESSION_ABSOLUTE_HOURS since sign-in), however active the user was.

    The idle timeout is Flask's: the session cookie's signature carries its time and is
    refused once older than PERMANENT_SESSION_LIFETIME (renewed on every request).
    """
    login_at = session.get("login_at")
    if login_at is None:
        return True
    hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
    started = datetime.fromtimestamp(login_at, timezone.utc)
    return utcnow() - started > timedelta(hours=hours)


def end_all_sessions(user) -> None:
    """Invalidate every cookie issued to this user (they carry the old version)."""
    user.session_version = (user.session_version or 1) + 1
