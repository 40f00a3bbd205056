"""Configurable values kept in the database, with documented defaults."""
import sqlalchemy as sa

from app.core.models import Setting
from app.extensions import db

DEFAULTS: dict[str, object] = {}


def register_defaults(values: dict[str, object]) -> None:
    """Feature packages declare their settings and defaults at import time."""
    DEFAULTS.update(values)


def get_setting(key: str):
    row = db.session.get(Setting, key)
    if row is not None:
        return row.value
    return DEFAULTS[key]


# Built once (pages read settings on every view: the dashboard twice); the keys are bound per call.
_STORED = sa.select(Setting.key, Setting.value).where(Setting.key.in_(sa.bindparam("keys", expanding=True)))


def get_settings(keys) -> dict:
    keys = list(keys)
    stored = dict(db.session.execute(_STORED, {"keys": keys}).all())
    return {k: stored.get(k, DEFAULTS.get(k)) for k in keys}


def set_setting(key: str, value) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
