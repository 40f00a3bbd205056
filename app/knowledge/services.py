"""Writes for 政策问答 entries and reply templates: validate, write, audit, flush (never commit)."""
import re

from flask_babel import gettext as _

from app.core import audit
from app.core.db import utcnow
from app.extensions import db
from app.knowledge import permissions
from app.knowledge.models import KnowledgeEntry, ReplyTemplate

PLACEHOLDER = "某企业"
_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司", "厂")


class KnowledgeError(Exception):
    def __init__(self, message: str, fields: dict | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.fields, self.status = message, fields or {}, status


_REGIONS = ("浙江省", "浙江", "杭州市", "杭州", "萧山区", "萧山")


def identity_marks(company) -> list[str]:
    """What names the company in a text: its credit code, its name, and the name without its legal
    form (有限公司…) and without the place in front of it (杭州萧山…), as people shorten it."""
    marks = {company.name, company.uscc}
    short = company.name
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) - len(suffix) >= 2:
            short = short[: -len(suffix)]
            break
    marks.add(short)
    for name in (company.name, short):
        trimmed = name
        changed = True
        while changed:
            changed = False
            for region in _REGIONS:
                if trimmed.startswith(region) and len(trimmed) - len(region) >= 4:
                    trimmed, changed = trimmed[len(region):], True
        marks.add(trimmed)
    return sorted((m for m in marks if m and len(m) >= 2), key=len, reverse=True)


def anonymize(text: str, company) -> str:
    """The text with the company's name (full or short) and credit code replaced by 某企业."""
    for mark in identity_marks(company):
        text = re.sub(re.escape(mark), PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def _company(ticket):
    """The problem's company (the loaded one when there is one)."""
    from app.companies.models import Company

    return ticket.__dict__.get("company") or db.session.get(Company, ticket.company_id)


def draft_from_ticket(ticket) -> dict:
    """The publishing form's starting point: the problem's words with the company edited out."""
    company = _company(ticket)
    return {"title": anonymize(ticket.title, company), "question": anonymize(ticket.description, company),
            "answer": anonymize(ticket.reply_message, company)}


def _clean(data: dict, company=None) -> dict:
    fields, errors = {}, {}
    for name, limit in (("title", 200), ("question", 5000), ("answer", 10000)):
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = _("请填写此项。")
        elif len(value) > limit:
            errors[name] = _("最多 %(n)d 个字符。", n=limit)
        elif company is not None and any(m.lower() in value.lower() for m in identity_marks(company)):
            errors[name] = _("请删去企业名称或统一社会信用代码：政策问答不显示提问的企业。")
        fields[name] = value
    if errors:
        raise KnowledgeError(_("请检查填写的内容。"), errors)
    return fields


def publish_from_ticket(actor, ticket, data: dict) -> KnowledgeEntry:
    """Publish an answered problem as a question–answer entry (edited; the company never shown)."""
    if not permissions.can_publish_knowledge(actor, ticket):
        raise KnowledgeError(_("您不能发布该问题的答复。"), status=403)
    if db.session.scalar(db.select(KnowledgeEntry.id).where(KnowledgeEntry.source_ticket_id == ticket.id)):
        raise KnowledgeError(_("该问题已发布为政策问答。"), status=409)
    fields = _clean(data, _company(ticket))
    now = utcnow()
    entry = KnowledgeEntry(**fields, category=ticket.category, department_id=ticket.department_id,
                           source_ticket_id=ticket.id, published_by_id=actor.id, published_at=now, updated_at=now)
    db.session.add(entry)
    db.session.flush()
    audit.record("knowledge.publish", entry, actor=actor, after={"ticket_id": ticket.id, "title": entry.title})
    return entry


def withdraw_entry(actor, entry: KnowledgeEntry) -> None:
    if not permissions.can_manage_knowledge(actor, entry):
        raise KnowledgeError(_("您不能撤下该条目。"), status=403)
    entry.active = False
    db.session.flush()
    audit.record("knowledge.withdraw", entry, actor=actor, before={"active": True}, after={"active": False})


def create_template(actor, data: dict) -> ReplyTemplate:
    """A reply template: district-wide (department_id None, managers only) or a department's."""
    department_id = data.get("department_id") or None
    if not permissions.can_write_district_templates(actor):
        department_id = actor.department_id
    template = ReplyTemplate(department_id=department_id)
    if not permissions.can_manage_template(actor, template):
        raise KnowledgeError(_("您不能添加该常用答复。"), status=403)
    title, body = (data.get("title") or "").strip(), (data.get("body") or "").strip()
    errors = {}
    if not title or len(title) > 100:
        errors["title"] = _("请填写标题（最多 100 个字符）。")
    if not body or len(body) > 5000:
        errors["body"] = _("请填写答复内容（最多 5000 个字符）。")
    if errors:
        raise KnowledgeError(_("请检查填写的内容。"), errors)
    template.title, template.body, template.created_by_id, template.created_at = title, body, actor.id, utcnow()
    db.session.add(template)
    db.session.flush()
    audit.record("reply_template.create", template, actor=actor, after={"title": title, "department_id": department_id})
    return template


def delete_template(actor, template: ReplyTemplate) -> None:
    if not permissions.can_manage_template(actor, template):
        raise KnowledgeError(_("您不能删除该常用答复。"), status=403)
    template.active = False
    db.session.flush()
    audit.record("reply_template.delete", template, actor=actor, before={"active": True}, after={"active": False})
