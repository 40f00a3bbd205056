"""Attachments: allow-listed types checked by content, size-capped, stored outside static/.

Files live under UPLOAD_DIR with random names; the original name is kept only
for display and for the download's Content-Disposition. Downloads always go
through a permission check and are sent as attachments, never inline.
Each user may store at most `uploads.daily_mb_per_user` MB a day (local days).
"""
import hashlib
import secrets
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, send_file
from flask_babel import gettext as _

from app.core import audit
from app.core.settings import get_setting, register_defaults
from app.core.timeutil import local_today, start_of_local_day
from app.extensions import db
from app.tickets.models import Attachment

QUOTA_KEY = "uploads.daily_mb_per_user"
register_defaults({QUOTA_KEY: 200})  # 0 switches the quota off

# extension → (content type, content check)
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AttachmentError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _ooxml_kind(path_or_file) -> str | None:
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(head: bytes, stream) -> str | None:
    """What the bytes really are, among the allowed kinds (None: none of them)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(stream)
    return None


def clean_filename(name: str) -> str:
    """Keep a readable (also Chinese) display name; drop paths and control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:200] or "file"


def max_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def uploaded_today(user) -> int:
    """Bytes `user` has stored since local midnight: problem attachments and visit photos."""
    from app.visits.models import VisitPhoto

    since = start_of_local_day(local_today())
    total = 0
    for model in (Attachment, VisitPhoto):
        total += db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(model.size), 0)).where(
            model.uploaded_by_id == user.id, model.created_at >= since)) or 0
    return int(total)


def check_quota(user, size: int) -> None:
    """Refuse a file that would take `user` past the daily upload quota (413)."""
    limit_mb = get_setting(QUOTA_KEY)
    if not limit_mb or user is None or getattr(user, "id", None) is None:
        return
    if uploaded_today(user) + size > int(limit_mb) * 1024 * 1024:
        raise AttachmentError(
            _("您今天上传的文件已达每日 %(mb)d MB 的上限，请明天再上传；如确有需要，请联系系统管理员。", mb=int(limit_mb)),
            413)


def check_upload(file_storage, actor=None) -> tuple[str, str, int]:
    """Validate one upload; returns (display name, extension kind, size) or raises AttachmentError.

    With `actor`, the file must also fit in the actor's daily upload quota."""
    name = clean_filename(file_storage.filename or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise AttachmentError(_("“%(name)s”的文件类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。", name=name))
    stream = file_storage.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise AttachmentError(_("“%(name)s”是空文件。", name=name))
    if size > max_bytes():
        raise AttachmentError(
            _("“%(name)s”超过 %(mb)d MB 的大小限制。", name=name, mb=current_app.config["MAX_UPLOAD_MB"]), 413)
    head = stream.read(8)
    stream.seek(0)
    kind = sniff(head, stream)
    stream.seek(0)
    expected = "jpg" if ext == "jpeg" else ext
    if kind != expected:
        raise AttachmentError(_("“%(name)s”的内容与扩展名不符，或不是允许的文件类型。", name=name), 415)
    if actor is not None:
        check_quota(actor, size)
    return name, ext, size


def check_uploads(files, actor=None) -> list[str]:
    """Check every chosen file before anything is stored; the reasons for those refused (empty: all fine)."""
    problems = []
    for file in files:
        try:
            check_upload(file, actor)
        except AttachmentError as exc:
            problems.append(exc.message)
    return problems


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_attachment(actor, ticket, file_storage, *, event=None, public: bool = True) -> Attachment:
    """Check (type, size, the actor's daily quota) and store one file for `ticket` (flush, no commit)."""
    name, ext, size = check_upload(file_storage, actor=actor)
    stored_name = f"{secrets.token_hex(16)}.{ext}"
    digest = hashlib.sha256()
    target = upload_dir() / stored_name
    with open(target, "wb") as out:
        for chunk in iter(lambda: file_storage.stream.read(64 * 1024), b""):
            digest.update(chunk)
            out.write(chunk)
    attachment = Attachment(
        ticket_id=ticket.id, event_id=getattr(event, "id", None), uploaded_by_id=getattr(actor, "id", None),
        filename=name, stored_name=stored_name, content_type=ALLOWED[ext], size=size,
        sha256=digest.hexdigest(), public=public,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record("attachment_uploaded", ticket, actor=actor, after={"filename": name, "size": size})
    return attachment


def discard_files(attachments) -> None:
    """Remove stored files of attachments whose transaction was rolled back."""
    for attachment in attachments:
        try:
            (upload_dir() / attachment.stored_name).unlink(missing_ok=True)
        except OSError:
            pass


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
    path = upload_dir() / attachment.stored_name
    if not path.is_file():
        from flask import abort

        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # a private file: never kept on the user's disk
    return response
