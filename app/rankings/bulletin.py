"""The monthly 通报 (ranking bulletin) as a Word document, made from the month's publications.

Usual bulletin form: 标题, 期号, 日期, 总体情况 (the month's figures), each published board (ranked
rows, then the rows with too little data), the 黄牌名单, 共性问题 (the categories most problems fell
in) and the overdue highlights (open problems past their deadline at the end of the month). The
boards come from the publications only, so the bulletin says exactly what was published.
"""
import io
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from flask_babel import gettext as _

from app.companies.models import Company
from app.core.timeutil import local_date
from app.extensions import db
from app.rankings.content import texts_for
from app.rankings.scoring import BOARDS
from app.reference.models import Department
from app.tickets.models import CATEGORIES, SLA_STATES, Ticket
from app.visits.models import Visit

TOP_CATEGORIES = 5
OVERDUE_HIGHLIGHTS = 10


@dataclass(frozen=True)
class Overview:
    collected: int
    closed: int
    satisfied: int
    rated: int
    visits: int
    overdue: int


def month_overview(period, now: datetime) -> Overview:
    """The month's totals (2 queries): problems in, closed, rated well, visits, overdue at its end."""
    cutoff = min(period.end_utc, now)
    row = db.session.execute(sa.select(
        sa.func.count().filter(period.holds(Ticket.created_at)).label("collected"),
        sa.func.count().filter(sa.and_(Ticket.status == "closed", period.holds(Ticket.closed_at))).label("closed"),
        sa.func.count().filter(sa.and_(period.holds(Ticket.rated_at), Ticket.rating.is_not(None))).label("rated"),
        sa.func.count().filter(sa.and_(period.holds(Ticket.rated_at),
                                       Ticket.rating.in_(("satisfied", "basically_satisfied")))).label("satisfied"),
        sa.func.count().filter(sa.and_(Ticket.status.in_(SLA_STATES), Ticket.due_at < cutoff)).label("overdue"),
    )).one()
    visits = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
        period.holds_day(Visit.visited_on)))
    return Overview(row.collected, row.closed, row.satisfied, row.rated, visits or 0, row.overdue)


def common_categories(period) -> list[tuple[str, int, int]]:
    """The categories most of the month's problems fell in: (label, problems, companies)."""
    rows = db.session.execute(
        sa.select(Ticket.category, sa.func.count(), sa.func.count(sa.distinct(Ticket.company_id)))
        .where(period.holds(Ticket.created_at))
        .group_by(Ticket.category)
        .order_by(sa.func.count().desc(), Ticket.category)
        .limit(TOP_CATEGORIES)
    ).all()
    return [(str(CATEGORIES.get(category, category)), count, companies) for category, count, companies in rows]


def overdue_highlights(period, now: datetime) -> list:
    """The open problems longest past their deadline at the end of the month (or now, if earlier)."""
    cutoff = min(period.end_utc, now)
    return db.session.execute(
        sa.select(Ticket.number, Ticket.title, Ticket.due_at, Company.name.label("company"),
                  Department.name.label("department"))
        .join(Company, Company.id == Ticket.company_id)
        .outerjoin(Department, Department.id == Ticket.department_id)
        .where(Ticket.status.in_(SLA_STATES), Ticket.due_at < cutoff)
        .order_by(Ticket.due_at, Ticket.id)
        .limit(OVERDUE_HIGHLIGHTS)
    ).all()


def _table(document, headers: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)


def build_bulletin(period, publications: dict, *, now: datetime, title: str) -> bytes:
    """The .docx bytes of the month's 通报; `publications` maps board key → its latest publication."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)

    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue = document.add_paragraph(_("%(year)d年第%(n)d期", year=period.start.year, n=period.start.month))
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    published = max(p.published_at for p in publications.values())
    date_line = document.add_paragraph(_("%(org)s　%(date)s", org=_("区助企服务专班"),
                                          date=local_date(published).isoformat()))
    date_line.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(_("一、总体情况"), level=1)
    o = month_overview(period, now)
    satisfaction = f"{o.satisfied / o.rated * 100:.1f}%" if o.rated else "—"
    document.add_paragraph(_(
        "%(period)s，全区陪跑员走访企业 %(visits)d 次，收集问题 %(collected)d 个，办结 %(closed)d 个；"
        "评价 %(rated)d 个，满意率（满意与基本满意）%(satisfaction)s；统计期末仍超期未办的问题 %(overdue)d 个。",
        period=period.label, visits=o.visits, collected=o.collected, closed=o.closed, rated=o.rated,
        satisfaction=satisfaction, overdue=o.overdue))

    document.add_heading(_("二、晾晒比拼结果"), level=1)
    cards = []
    for number, key in enumerate(k for k in BOARDS if k in publications):
        publication = publications[key]
        content = publication.content
        texts = texts_for(content)
        document.add_heading(_("（%(n)s）%(board)s榜", n="一二三四五"[number], board=texts["board_label"]), level=2)
        line = _("第%(v)d版，发布于 %(at)s。", v=publication.version, at=local_date(publication.published_at).isoformat())
        if publication.reason:
            line += _("更正原因：%(reason)s", reason=publication.reason)
        document.add_paragraph(line)
        ranked = [r for r in content["rows"] if r["ranked"]]
        _table(document, [_("名次"), texts["entity_label"], _("综合得分"), _("黄牌")],
               [[r["rank"], r["name"], f"{r['score']:.1f}", _("黄牌") if r["yellow_card"] else ""] for r in ranked])
        unranked = [r["name"] for r in content["rows"] if not r["ranked"]]
        if unranked:
            document.add_paragraph(_("样本不足、不参与排名：%(names)s。", names="、".join(unranked)))
        cards += [(texts["board_label"], r["name"], r["rank"]) for r in ranked if r["yellow_card"]]

    document.add_heading(_("三、黄牌名单"), level=1)
    if cards:
        _table(document, [_("榜单"), _("名称"), _("名次")], [list(c) for c in cards])
    else:
        document.add_paragraph(_("本期无黄牌。"))

    document.add_heading(_("四、共性问题"), level=1)
    common = common_categories(period)
    if common:
        _table(document, [_("问题类别"), _("问题数"), _("涉及企业数")], [list(c) for c in common])
    else:
        document.add_paragraph(_("本期未收集到问题。"))

    document.add_heading(_("五、超期问题"), level=1)
    overdue = overdue_highlights(period, now)
    if overdue:
        _table(document, [_("编号"), _("企业"), _("问题"), _("承办部门"), _("期限")],
               [[t.number, t.company, t.title, t.department or "—", local_date(t.due_at).isoformat()]
                for t in overdue])
    else:
        document.add_paragraph(_("统计期末没有超期未办的问题。"))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
