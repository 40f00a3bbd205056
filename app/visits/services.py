"""Logging a visit: the visit, the problems raised at it (tickets, source 'visit') and its photos.

Everything is checked before anything is written, and all of it goes into the
caller's transaction (flush, never commit): a visit with a bad problem row or
a refused photo saves nothing.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from app.companies.models import Company
from app.core import audit
from app.core.db import utcnow
from app.core.payloads import PayloadError
from app.core.stored_files import AttachmentError, check_upload, discard_files, save_file
from app.core.timeutil import local_today
from app.extensions import db
from app.tickets import services as ticket_services
from app.notify import events
from app.tickets.services import NewTicket, TicketActionError
from app.visits import permissions, schemas
from app.visits.models import Visit, VisitPhoto
from app.visits.schemas import MAX_DAYS_BACK  # noqa: F401  (the form shows it)

MAX_PHOTOS = 9
PHOTO_TYPES = ("jpg", "jpeg", "png")  # of stored_files.ALLOWED
PROBLEM_FIELDS = ("title", "description", "category")


class VisitError(Exception):
    """A refused visit. `fields` maps field → message (problem rows as ``problems[i].title``);
    `problem_errors` maps row index → {field: message} for forms that show errors per row."""

    def __init__(self, message: str, status: int = 400, fields: dict | None = None,
                 problem_errors: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.problem_errors = problem_errors or {}
        self.code = code or {400: "validation_error", 403: "forbidden", 413: "payload_too_large",
                             415: "unsupported_media_type"}.get(status, "error")


@dataclass
class VisitData:
    visited_on: date
    mode: str
    participants: str = ""
    summary: str = ""
    company_status: str = ""
    next_step: str = ""
    problems: list[NewTicket] = field(default_factory=list)


def _text(value) -> str | None:
    """Stripped text, '' for missing, None for a value that is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.strip()


def is_blank_problem(row: dict) -> bool:
    """A problem row with nothing typed in it (the form's spare rows) is ignored."""
    return all(_text(row.get(name)) == "" for name in PROBLEM_FIELDS)


ROW_PATH = re.compile(r"problems\[(\d+)\](?:\.(\w+))?")


def validate_visit(data: dict, problems=(), *, today: date | None = None) -> tuple[VisitData | None, dict, dict]:
    """Check a visit and its problem rows (schemas.VisitFields); returns (value, {field: message},
    {row: {field: message}}). Blank rows are skipped; a row's errors name it by its place in `problems`."""
    rows, where = problems, []
    if isinstance(problems, (list, tuple)):
        kept = [(index, row) for index, row in enumerate(problems)
                if not (isinstance(row, dict) and is_blank_problem(row))]
        rows, where = [row for _index, row in kept], [index for index, _row in kept]
    try:
        value = schemas.VisitFields.parse({**data, "problems": rows}, today=today or local_today())
    except PayloadError as error:
        errors, row_errors = {}, {}
        for path, message in error.fields.items():
            match = ROW_PATH.fullmatch(path)
            if match is None:
                errors[path] = message
                continue
            index, name = where[int(match[1])], match[2] or ""
            row_errors.setdefault(index, {})[name] = message
            key = f"problems[{index}].{name}" if name else f"problems[{index}]"
            errors[key] = _("第%(n)d个问题：%(message)s", n=index + 1, message=message)
        return None, errors, row_errors
    new_tickets = [NewTicket(p.title, p.description, p.category, p.urgency, "visit") for p in value.problems]
    return VisitData(visited_on=value.visited_on, mode=value.mode, participants=value.participants,
                     summary=value.summary, company_status=value.company_status, next_step=value.next_step,
                     problems=new_tickets), {}, {}


def _chosen(photos) -> list:
    """The files actually chosen (a file input with nothing chosen still sends an empty part)."""
    return [p for p in (photos or ()) if p is not None and getattr(p, "filename", "")]


def check_photo(file_storage, actor=None) -> tuple[str, str, int]:
    """Only JPG and PNG, checked by content as for ticket attachments (and, with `actor`, their daily quota)."""
    name = file_storage.filename or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in PHOTO_TYPES:
        raise AttachmentError(_("“%(name)s”不是照片：只能上传 JPG 或 PNG 图片。", name=name[:100]), 415)
    return check_upload(file_storage, actor)


def check_photos(photos, actor=None) -> list:
    photos = _chosen(photos)
    if len(photos) > MAX_PHOTOS:
        raise AttachmentError(_("每次走访最多上传 %(n)d 张照片。", n=MAX_PHOTOS))
    for photo in photos:
        check_photo(photo, actor)
    return photos


def create_visit(actor, company: Company, data: dict, *, problems=(), photos=(), today: date | None = None,
                 now: datetime | None = None) -> Visit:
    """Log a visit by `company`'s current escort, filing each problem raised as a ticket (source 'visit',
    accepted by the escort as it is saved).

    `data` holds visited_on, mode, participants, summary, company_status,
    next_step; `problems` is a list of {title, description?, category, urgency?}
    rows (blank rows are skipped; a missing description is the title); `photos` are uploaded files. Everything is
    validated first; on any refusal VisitError is raised and nothing is written.
    """
    if not permissions.can_log_visit(actor, company):
        raise VisitError(_("只有该企业当前的陪跑员可以记录走访。"), 403)
    now = now or utcnow()
    value, errors, row_errors = validate_visit(data, problems, today=today)
    photo_status = 400
    try:
        chosen = check_photos(photos, actor)
    except AttachmentError as exc:
        errors["photos"], photo_status = exc.message, exc.status
    if set(errors) == {"photos"}:  # only a photo refused: 413/415 as for any upload
        raise VisitError(errors["photos"], photo_status, errors)
    if errors:
        message = _("走访记录未保存，请检查填写的内容。")
        if row_errors:
            message += _("第%(rows)s个问题填写不完整。", rows="、".join(str(i + 1) for i in sorted(row_errors)))
        raise VisitError(message, 400, errors, row_errors)

    visit = Visit(
        company_id=company.id, escort_id=actor.id, visited_on=value.visited_on, mode=value.mode,
        participants=value.participants, summary=value.summary, company_status=value.company_status,
        next_step=value.next_step, created_at=now, created_by_id=actor.id,
    )
    db.session.add(visit)
    db.session.flush()
    stored: list[VisitPhoto] = []
    try:
        ticket_ids = []
        for new in value.problems:
            ticket = ticket_services.submit_ticket(actor, company, new, now=now, visit_id=visit.id)
            ticket_ids.append(ticket.id)
        for file_storage in chosen:
            stored.append(save_file(VisitPhoto, actor, file_storage, check=check_photo, prefix="visit-",
                                    visit_id=visit.id))
        db.session.flush()
    except TicketActionError as exc:
        discard_files(stored)
        raise VisitError(exc.message, exc.status, exc.fields) from exc
    except BaseException:
        discard_files(stored)
        raise
    audit.record("visit_create", visit, actor=actor, after={
        "company_id": company.id, "visited_on": value.visited_on.isoformat(), "mode": value.mode,
        "ticket_ids": ticket_ids, "photos": len(stored),
    })
    events.emit("visit.created", {**events.visit_data(visit), "ticket_ids": ticket_ids}, now=now)
    return visit
