"""Writes to reference lists. Flush and audit; the caller commits."""
from app.core import audit
from app.extensions import db

FIELDS = ("code", "name", "active")


def save_reference(actor, model, obj, data: dict):
    created = obj is None
    if created:
        obj = model()
        db.session.add(obj)
    before = None if created else audit.snapshot(obj, FIELDS)
    obj.code = data["code"].strip()
    obj.name = data["name"].strip()
    obj.active = bool(data["active"])
    db.session.flush()
    audit.record(f"{model.__tablename__}_{'created' if created else 'updated'}", obj, actor=actor,
                 before=before, after=audit.snapshot(obj, FIELDS))
    return obj
