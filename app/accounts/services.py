"""Writes about people: sign-in, passwords, language, API tokens. Flush, never commit."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts.auth import end_all_sessions
from app.accounts.models import ApiToken, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.core import audit
from app.core.db import utcnow
from app.extensions import db

# Verifying against this when the username is unknown keeps timing alike.
_DUMMY_HASH = hash_password("peipao-timing-equaliser")


def find_user(username: str) -> User | None:
    return db.session.scalars(sa.select(User).where(User.username == (username or "").strip())).first()


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None. Logs both outcomes; never says which part was wrong."""
    user = find_user(username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record("login_failed", message=f"unknown username {username[:60]!r}")
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        audit.record("login_failed", user, actor=user, message="wrong password" if user.active else "inactive")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("login", user, actor=user)
    return user


def change_password(user: User, new_password: str, *, actor: User | None = None) -> None:
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_all_sessions(user)
    audit.record("password_changed", user, actor=actor or user)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def create_api_token(user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token; the plain value is returned once and only its hash is stored."""
    plain = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=hash_token(plain),
        expires_at=utcnow() + timedelta(days=days or current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token_created", token, actor=user, after={"name": token.name})
    return token, plain


def revoke_api_token(token: ApiToken, actor: User) -> None:
    token.revoked_at = utcnow()
    audit.record("token_revoked", token, actor=actor)


def revoke_all_tokens(user: User, actor: User) -> int:
    """Revoke every live API token of `user` (after a password reset: the old secret may be known)."""
    now = utcnow()
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    if tokens:
        audit.record("tokens_revoked", user, actor=actor, after={"count": len(tokens)})
    return len(tokens)


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()
