"""The problem ledger (台账): one row per problem with every SLA date and the rating, for XLSX export."""
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.companies.models import CATEGORIES as COMPANY_CATEGORIES
from app.companies.models import Company
from app.core.workdays import overdue_working_days
from app.extensions import db
from app.reference.models import Department, Town
from app.tickets.models import (
    CATEGORIES, COMPLEXITIES, RATINGS, SLA_STATES, SOURCES, STATUSES, SUPERVISION_LEVELS, URGENCIES, Ticket,
)


def headers() -> list[str]:
    return [
        _("编号"), _("企业名称"), _("统一社会信用代码"), _("镇街"), _("企业类别"), _("问题标题"), _("问题描述"),
        _("问题类别"), _("来源"), _("紧急程度"), _("复杂程度"), _("状态"), _("陪跑员"), _("承办部门"), _("经办人"),
        _("提交时间"), _("受理期限"), _("受理时间"), _("交办时间"), _("签收期限"), _("签收时间"), _("办理期限"),
        _("答复时间"), _("答复内容"), _("办结时间"), _("当前期限"), _("是否超期"), _("超期工作日"), _("督办"),
        _("评价"), _("评价说明"), _("评价时间"), _("自动办结"), _("重办次数"), _("退回次数"), _("共性问题"),
        _("协办部门"), _("协办意见"),
    ]


def co_state(row, now) -> str:
    """One co-department's state in words: 待签收 / 已签收 / 已提交意见, and 逾期 where its own clock says so."""
    if row.opinion_at is not None:
        return _("已提交意见") + ("" if row.opinion_on_time else _("（逾期）"))
    if row.signed_at is not None:
        late = _("（意见逾期）") if row.opinion_overdue(now) else ""
        return _("已签收") + ("" if row.signed_on_time else _("（签收逾期）")) + late
    return _("待签收") + (_("（逾期）") if now > row.sign_due_at else "")


def _co_columns(ids, now, *, group: bool = False) -> dict[int, tuple[str, str]]:
    """The 协办 columns of these problems (or, `group`, of these common problems: their members show the
    group's) — the current dispatch's co-departments — in one query."""
    from app.tickets.models import TicketCoDepartment

    if not ids:
        return {}
    key = TicketCoDepartment.common_problem_id if group else TicketCoDepartment.ticket_id
    found: dict[int, list] = {}
    for row, name in db.session.execute(
            sa.select(TicketCoDepartment, Department.name).join(Department,
                                                                Department.id == TicketCoDepartment.department_id)
            .where(key.in_(ids), TicketCoDepartment.ended_at.is_(None))
            .order_by(key, TicketCoDepartment.id)):
        found.setdefault(row.common_problem_id if group else row.ticket_id, []).append((row, name))
    return {subject: ("\n".join(f"{name}：{co_state(row, now)}" for row, name in rows),
                      "\n".join(f"{name}：{row.opinion}" for row, name in rows if row.opinion))
            for subject, rows in found.items()}


def rows(stmt, *, now, batch: int = 1000):
    """Plain columns through the caller's scoped, filtered select: constant memory, no query per row."""
    from app.common_problems.models import CommonProblem

    company, town, escort, helper, department = (
        aliased(Company), aliased(Town), aliased(User), aliased(User), aliased(Department))
    group = aliased(CommonProblem)
    stmt = (
        stmt.join(company, Ticket.company_id == company.id)
        .join(town, company.town_id == town.id)
        .outerjoin(escort, company.escort_id == escort.id)
        .outerjoin(department, Ticket.department_id == department.id)
        .outerjoin(helper, Ticket.helper_id == helper.id)
        .outerjoin(group, Ticket.common_problem_id == group.id)
        .with_only_columns(
            Ticket.number, company.name, company.uscc, town.name, company.category, Ticket.title, Ticket.description,
            Ticket.category, Ticket.source, Ticket.urgency, Ticket.complexity, Ticket.status, escort.name,
            department.name, helper.name, Ticket.created_at, Ticket.accept_due_at, Ticket.accepted_at,
            Ticket.dispatched_at, Ticket.sign_due_at, Ticket.signed_at, Ticket.reply_due_at, Ticket.replied_at,
            Ticket.reply_message, Ticket.closed_at, Ticket.due_at, Ticket.supervision, Ticket.rating,
            Ticket.rating_comment, Ticket.rated_at, Ticket.auto_closed, Ticket.reopen_count, Ticket.return_count,
            group.number, Ticket.id, Ticket.co_department_count, group.id, group.co_department_count,
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .execution_options(yield_per=batch)
    )
    label = lambda table, key: str(table[key]) if key in table else (key or "")  # noqa: E731
    yes, no = _("是"), _("否")
    for chunk in db.session.execute(stmt).partitions(batch):
        # 协办 columns for the problems of this chunk that name co-departments, and for the members of groups
        # that do (the group's): one query each per chunk at most.
        co = _co_columns([r[-4] for r in chunk if r[-3]], now)
        group_co = _co_columns(list({r[-2] for r in chunk if r[-1]}), now, group=True)
        for r in chunk:
            yield _row(r[:-4], now, label, yes, no) + co.get(r[-4], group_co.get(r[-2], ("", "")))


def _row(r, now, label, yes, no) -> tuple:
    (number, company_name, uscc, town_name, company_category, title, description, category, source, urgency,
     complexity, status, escort_name, department_name, helper_name, created_at, accept_due_at, accepted_at,
     dispatched_at, sign_due_at, signed_at, reply_due_at, replied_at, reply_message, closed_at, due_at,
     supervision, rating, rating_comment, rated_at, auto_closed, reopen_count, return_count, group_number) = r
    overdue = status in SLA_STATES and due_at is not None and now > due_at
    return (
        number, company_name, uscc, town_name, str(COMPANY_CATEGORIES[company_category][0]), title, description,
        label(CATEGORIES, category), label(SOURCES, source), label(URGENCIES, urgency),
        label(COMPLEXITIES, complexity), label(STATUSES, status), escort_name or "", department_name or "",
        helper_name or "", created_at, accept_due_at, accepted_at, dispatched_at, sign_due_at, signed_at,
        reply_due_at, replied_at, reply_message, closed_at if status == "closed" else None,
        due_at if status in SLA_STATES else None, yes if overdue else no,
        overdue_working_days(due_at, now) if overdue else 0,
        label(SUPERVISION_LEVELS, supervision) if supervision else "", label(RATINGS, rating) if rating else "",
        rating_comment, rated_at, yes if auto_closed else no, reopen_count, return_count, group_number or "",
    )
