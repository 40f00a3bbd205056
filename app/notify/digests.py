"""Digests and reminders, each in the recipient's language, sent once per period:

- daily (from `notify.digest_hour`, local time): to each person who owes something — due today,
  overdue, to sign (helpers), to rate (company users);
- monthly (from day `notify.visit_reminder_day` of the month): to each escort, the companies not yet
  visited in the current visit window;
- weekly (Mondays from `notify.digest_hour`): a summary of the past seven days to the managers (and the
  task force's robot).

`send_due_digests(now)` is called by `flask tickets sweep` (cron every 15 minutes); the periods already
sent are remembered in the setting `notify.digests_sent`, so repeated runs send nothing twice.
"""
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User
from app.companies.models import Company
from app.core.db import utcnow
from app.core.notifications import notify
from app.core.settings import get_settings, register_defaults, set_setting
from app.core.timeutil import end_of_local_day, local_date, to_local
from app.extensions import db
from app.notify.notices import notify_robots
from app.tickets.models import OPEN_STATES, Ticket

register_defaults({"notify.digest_hour": 8, "notify.visit_reminder_day": 20, "notify.digests_sent": {}})
LIST_LIMIT = 10


def _locale(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _line(ticket, now: datetime) -> str:  # a Ticket, or a CommonProblem (number, title, due_at alike)
    due = local_date(ticket.due_at).isoformat() if ticket.due_at else ""
    return f"- {ticket.number} {ticket.title}" + (_("（%(due)s 到期）", due=due) if due else "")


def owed_by_person(now: datetime) -> dict[int, dict[str, list[Ticket]]]:
    """{user_id: {"due_today", "overdue", "to_sign", "to_rate": [tickets]}} from one read of the open problems."""
    today_end = end_of_local_day(local_date(now))
    users = db.session.scalars(sa.select(User).where(User.active.is_(True), User.role.in_(
        (Role.MANAGER, Role.ESCORT, Role.HELPER, Role.COMPANY)))).all()
    managers = [u for u in users if u.role == Role.MANAGER]
    helpers_by_department = defaultdict(list)
    company_users = defaultdict(list)
    for u in users:
        if u.role == Role.HELPER and u.department_id:
            helpers_by_department[u.department_id].append(u)
        elif u.role == Role.COMPANY and u.company_id:
            company_users[u.company_id].append(u)
    active_ids = {u.id for u in users}
    owed: dict[int, dict[str, list[Ticket]]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        sa.select(Ticket, Company.escort_id).join(Company, Company.id == Ticket.company_id)
        .where(Ticket.status.in_(OPEN_STATES)).order_by(Ticket.due_at, Ticket.id)
    ).all()
    for ticket, escort_id in rows:
        if ticket.common_problem_id is not None and ticket.status != "replied":
            continue  # a member of a 共性问题 is owed once, as its group (below); its company still rates it
        if ticket.status == "replied":
            for u in company_users.get(ticket.company_id, []):
                owed[u.id]["to_rate"].append(ticket)
            continue
        if ticket.status in ("dispatched", "in_progress"):
            owers = [u for u in helpers_by_department.get(ticket.department_id, [])
                     if ticket.helper_id in (None, u.id)]
        elif ticket.status == "escalated":
            owers = managers
        else:
            owers = [db.session.get(User, escort_id)] if escort_id in active_ids else []
        _owe(owed, owers, ticket, now, today_end)
    _owed_common_problems(owed, now, today_end, managers, helpers_by_department)
    return owed


def _owe(owed, owers, item, now, today_end) -> None:
    """A problem or a 共性问题 in each ower's sections: 待签收 when dispatched, 已超期 or 今日到期 by its deadline."""
    for u in owers:
        if item.status == "dispatched":
            owed[u.id]["to_sign"].append(item)
        if item.due_at is not None and item.due_at < now:
            owed[u.id]["overdue"].append(item)
        elif item.due_at is not None and item.due_at <= today_end:
            owed[u.id]["due_today"].append(item)


def _owed_common_problems(owed, now, today_end, managers, helpers_by_department) -> None:
    """Each open 共性问题 once, owed as a problem in its state would be (one statement): 待交办 by the managers,
    已交办/办理中 by its department's helpers (the named helper only, when there is one)."""
    from app.common_problems.models import OPEN_GROUP_STATUSES, CommonProblem  # common problems build on tickets

    groups = db.session.scalars(sa.select(CommonProblem).where(CommonProblem.status.in_(OPEN_GROUP_STATUSES))
                                .order_by(CommonProblem.due_at, CommonProblem.id)).all()
    for group in groups:
        if group.status == "escalated":
            owers = managers
        else:
            owers = [u for u in helpers_by_department.get(group.department_id, [])
                     if group.helper_id in (None, u.id)]
        _owe(owed, owers, group, now, today_end)


SECTIONS = (("due_today", _l("今日到期")), ("overdue", _l("已超期")), ("to_sign", _l("待签收")),
            ("to_rate", _l("待评价")))


def daily_digest_text(user, sections: dict, now: datetime) -> tuple[str, str]:
    """(title, body) in the user's language."""
    with force_locale(_locale(user)):
        title = _("每日待办：今日到期 %(due)d，超期 %(overdue)d，待签收 %(sign)d，待评价 %(rate)d",
                  due=len(sections.get("due_today", [])), overdue=len(sections.get("overdue", [])),
                  sign=len(sections.get("to_sign", [])), rate=len(sections.get("to_rate", [])))
        parts = []
        for key, label in SECTIONS:
            tickets = sections.get(key) or []
            if not tickets:
                continue
            lines = [_("%(label)s（%(n)d）", label=label, n=len(tickets))] + [_line(t, now) for t in tickets[:LIST_LIMIT]]
            if len(tickets) > LIST_LIMIT:
                lines.append(_("另有 %(n)d 项", n=len(tickets) - LIST_LIMIT))
            parts.append("\n".join(lines))
        return title, "\n\n".join(parts)


def send_daily(now: datetime) -> int:
    sent = 0
    owed = owed_by_person(now)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(owed))))}
    day = local_date(now).isoformat()
    for user_id, sections in owed.items():
        user = users[user_id]
        title, body = daily_digest_text(user, sections, now)
        url = "/portal/" if user.role == Role.COMPANY else "/home"
        notify([user], "digest_daily", title, body, url, robots=False, event_key=f"digest_daily:{day}")
        sent += 1
    return sent


def send_visit_reminders(now: datetime) -> int:
    from app.visits.queries import unvisited_companies
    from app.visits.window import current_window

    window = current_window(local_date(now))
    sent = 0
    for escort in db.session.scalars(sa.select(User).where(User.role == Role.ESCORT, User.active.is_(True))
                                     .order_by(User.id)):
        rows = db.session.execute(unvisited_companies(escort, window)).all()
        if not rows:
            continue
        with force_locale(_locale(escort)):
            title = _("%(window)s尚未走访的企业：%(n)d 家", window=window.label, n=len(rows))
            lines = [f"- {company.name}" for company, _last in rows[:20]]
            if len(rows) > 20:
                lines.append(_("另有 %(n)d 项", n=len(rows) - 20))
        notify([escort], "visit_reminder", title, "\n".join(lines), "/visits/unvisited", robots=False,
               event_key=f"visit_reminder:{window.start.isoformat()}")
        sent += 1
    return sent


def weekly_numbers(now: datetime) -> dict:
    since = now - timedelta(days=7)
    count = lambda *conditions: db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(*conditions)) or 0  # noqa: E731
    return {
        "new": count(Ticket.created_at >= since, Ticket.created_at < now),
        "closed": count(Ticket.status == "closed", Ticket.closed_at >= since, Ticket.closed_at < now),
        "open": count(Ticket.status.in_(OPEN_STATES)),
        "overdue": count(Ticket.status.in_(OPEN_STATES), Ticket.due_at < now, Ticket.status != "replied"),
        "supervised": count(Ticket.status.in_(OPEN_STATES), Ticket.supervision.is_not(None)),
    }


def send_weekly(now: datetime) -> int:
    numbers = weekly_numbers(now)
    title = _l("本周小结：新增 %(new)d，办结 %(closed)d，在办 %(open)d，超期 %(overdue)d，督办中 %(supervised)d",
               **numbers)
    managers = db.session.scalars(sa.select(User).where(User.role == Role.MANAGER, User.active.is_(True))).all()
    week = to_local(now).strftime("%G-W%V")
    notify(managers, "weekly_summary", title, "", "/dashboard", robots=False, event_key=f"weekly:{week}")
    notify_robots("weekly_summary", title, "", event=f"weekly:{week}", path="/dashboard")
    return len(managers)


def send_due_digests(now: datetime | None = None) -> dict:
    """Send each digest whose period has come and was not sent yet; returns how many people got one."""
    now = now or utcnow()
    local = to_local(now)
    values = get_settings(["notify.digest_hour", "notify.visit_reminder_day", "notify.digests_sent"])
    done = dict(values["notify.digests_sent"] or {})
    result = {"daily": 0, "weekly": 0, "monthly": 0}
    if local.hour >= int(values["notify.digest_hour"]) and done.get("daily") != local.date().isoformat():
        result["daily"] = send_daily(now)
        done["daily"] = local.date().isoformat()
    week = local.strftime("%G-W%V")
    if local.weekday() == 0 and local.hour >= int(values["notify.digest_hour"]) and done.get("weekly") != week:
        result["weekly"] = send_weekly(now)
        done["weekly"] = week
    month = local.strftime("%Y-%m")
    if local.day >= int(values["notify.visit_reminder_day"]) and done.get("monthly") != month:
        result["monthly"] = send_visit_reminders(now)
        done["monthly"] = month
    if done != (values["notify.digests_sent"] or {}):
        set_setting("notify.digests_sent", done)
        db.session.flush()
    return result

