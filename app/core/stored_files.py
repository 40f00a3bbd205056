"""Stored files (problem attachments, visit photos): allow-listed types checked by content, size-capped,
stored outside static/ under random names, counted against a daily per-user quota, sent with no-store.

One helper for every kind of stored file and one mixin (StoredFileMixin) for their shared columns: the original
name is kept only for display and for the download's Content-Disposition. Each user may store at most
`uploads.daily_mb_per_user` MB a day (local days), attachments and photos together.
"""
import hashlib
import secrets
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.core.settings import get_setting, register_defaults
from app.core.timeutil import local_today, start_of_local_day
from app.extensions import db


class StoredFileMixin:
    """The columns every stored file has; the model adds what it belongs to (a problem, a visit)."""

    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)  # the name shown, cleaned
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)  # under UPLOAD_DIR
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)


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
    """Bytes `user` has stored since local midnight, in every kind of stored file."""
    since = start_of_local_day(local_today())
    total = 0
    for model in StoredFileMixin.__subclasses__():
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


def save_file(model, actor, file_storage, *, check=check_upload, prefix: str = "", **columns):
    """Check `file_storage` with `check` (type, size, the actor's daily quota), write it under a random name and
    add a `model` row for it with `columns` (what it belongs to); no flush, no commit."""
    name, ext, size = check(file_storage, actor)
    stored_name = f"{prefix}{secrets.token_hex(16)}.{ext}"
    digest = hashlib.sha256()
    with open(upload_dir() / stored_name, "wb") as out:
        for chunk in iter(lambda: file_storage.stream.read(64 * 1024), b""):
            digest.update(chunk)
            out.write(chunk)
    row = model(uploaded_by_id=getattr(actor, "id", None), filename=name, stored_name=stored_name,
                content_type=ALLOWED[ext], size=size, sha256=digest.hexdigest(), **columns)
    db.session.add(row)
    return row


def discard_files(rows) -> None:
    """Remove the files of stored-file rows whose transaction was rolled back."""
    for row in rows:
        try:
            (upload_dir() / row.stored_name).unlink(missing_ok=True)
        except OSError:
            pass


def send_stored_file(row, *, inline: bool = False):
    """The file of `row` (404 when it is gone), never kept on the user's disk; a download unless `inline`."""
    path = upload_dir() / row.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=not inline, download_name=row.filename,
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"  # a private file: never kept on the user's disk
    return response
