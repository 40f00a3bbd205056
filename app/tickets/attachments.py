"""Attachments of a problem: stored files (app/core/stored_files.py) with the problem, the timeline event
they came with and whether the company sees them. Downloads always go through a permission check and are
sent as attachments, never inline.
"""
from contextlib import contextmanager

from app.core import audit
from app.core.stored_files import (  # noqa: F401  (the errors and checks of attachments, for their callers)
    AttachmentError, check_upload, check_uploads, discard_files, save_file, send_stored_file,
)
from app.extensions import db
from app.tickets.models import Attachment


def save_attachment(actor, ticket, file_storage, *, event=None, public: bool = True) -> Attachment:
    """Check (type, size, the actor's daily quota) and store one file for `ticket` (flush, no commit)."""
    attachment = save_file(Attachment, actor, file_storage, ticket_id=ticket.id, event_id=getattr(event, "id", None),
                           public=public)
    db.session.flush()
    audit.record("attachment_uploaded", ticket, actor=actor,
                 after={"filename": attachment.filename, "size": attachment.size})
    return attachment


@contextmanager
def undone_on_error():
    """A list for the attachments stored inside the block: if the block raises, the transaction is rolled
    back and their files removed, so nothing of a failed upload stays."""
    stored = []
    try:
        yield stored
    except BaseException:
        db.session.rollback()
        discard_files(stored)
        raise


def send_attachment(attachment: Attachment):
    return send_stored_file(attachment)
