"""Badges for problems, used by the staff pages and the portal alike: one status has one colour for everyone.

Written in Python rather than as Jinja macros: a list page shows about ten per problem, fifty problems twice
(phone card and table row), and a macro call costs Jinja several times what a function call costs. The HTML is
the one the macros wrote. Templates import them from _macros/badges.html as before.
"""
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.core.templating import localdate
from app.tickets.models import SLA_STATES

STATUS_STYLES = {"submitted": "text-bg-warning", "accepted": "text-bg-info", "escalated": "text-bg-warning",
                 "dispatched": "text-bg-primary", "in_progress": "text-bg-primary", "replied": "text-bg-success",
                 "closed": "text-bg-success", "rejected": "text-bg-secondary", "withdrawn": "text-bg-secondary"}
NOTHING = Markup("")


def status_badge(ticket) -> Markup:
    style = STATUS_STYLES.get(ticket.status, "text-bg-light")
    return Markup(f'<span class="badge {style} ticket-status status-{escape(ticket.status)}">'
                  f'{escape(ticket.status_label)}</span>')


def overdue_badge(days) -> Markup:
    if not days:
        return NOTHING
    # The text outside the f-string: Babel reads no gettext call inside one before Python 3.12 (make translations).
    text = _("超期 %(n)d 个工作日", n=days)
    return Markup(f'<span class="badge text-bg-danger overdue-badge">{escape(text)}</span>')


def supervision_badge(ticket) -> Markup:
    html = ""
    if ticket.supervision:
        html = (f'<span class="badge supervision-badge supervision-{escape(ticket.supervision)}">'
                f'{escape(ticket.supervision_label)}</span>')
    html += "\n"
    if ticket.reopen_count >= 2:
        text = _("重新办理 %(n)d 次", n=ticket.reopen_count)  # outside the f-string, as in overdue_badge
        html += f'<span class="badge text-bg-dark">{escape(text)}</span>'
    return Markup(html)


def due_badge(ticket, days) -> Markup:
    """The deadline of the step owed now: 超期 N 个工作日 when late, else the date."""
    if days:
        return overdue_badge(days)
    if ticket.status == "replied" and ticket.autoclose_at:
        text = _("待评价，%(d)s 自动办结", d=localdate(ticket.autoclose_at))
    elif ticket.status in SLA_STATES and ticket.due_at:  # a step owed against a deadline
        text = _("期限 %(d)s", d=localdate(ticket.due_at))
    else:
        return NOTHING
    return Markup(f'<span class="badge text-bg-light border due-badge">{escape(text)}</span>')


def common_badge(ticket) -> Markup:
    """Membership of a 共性问题, on staff lists only (companies never see the group); needs ticket.common_problem
    loaded."""
    if not ticket.common_problem_id:
        return NOTHING
    href = url_for("common_problems.detail", common_problem_id=ticket.common_problem_id)
    return Markup(f' <a class="badge text-bg-light border common-badge" href="{escape(href)}">{escape(_("共性问题"))} '
                  f'{escape(ticket.common_problem.number)}</a>')
