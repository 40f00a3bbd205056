"""Which personal channels a person wants per kind of event (个人设置 → 通知方式).

In-app notices are always kept (the bell is the record). E-mail and SMS are chosen per kind; until a
person chooses, the defaults apply: overdue and supervision notices everywhere, notices about urgent
problems everywhere, the rest in-app only.
"""
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.notify.models import NotificationPreference

PERSONAL_CHANNELS = {"email": _l("电子邮件"), "sms": _l("短信")}

# Kinds a person can choose channels for, in the order the settings page lists them.
KINDS = {
    "urgent": _l("紧急问题的任何通知"),
    "ticket_overdue": _l("问题超期"),
    "ticket_supervised": _l("督办"),
    "ticket_due_soon": _l("即将到期"),
    "ticket_new": _l("新问题"),
    "ticket_dispatched": _l("交办给本部门"),
    "ticket_co_dispatched": _l("请本部门协办"),
    "ticket_co_opinion": _l("收到协办意见"),
    "ticket_co_overdue": _l("协办意见逾期（可以答复）"),
    "ticket_escalated": _l("提请交办"),
    "ticket_returned": _l("问题被退回"),
    "ticket_accepted": _l("问题已受理"),
    "ticket_rejected": _l("问题不予受理"),
    "ticket_replied": _l("问题已答复"),
    "ticket_reopened": _l("不满意重新办理"),
    "ticket_withdrawn": _l("企业撤回问题"),
    "ticket_comment": _l("留言和回复"),
    "ticket_paused": _l("待企业补充材料"),
    "ticket_resumed": _l("恢复计时"),
    "extension_requested": _l("延期申请"),
    "extension_decided": _l("延期审批结果"),
    "digest_daily": _l("每日待办摘要"),
    "visit_reminder": _l("每月未走访提醒"),
    "weekly_summary": _l("每周工作小结"),
}

DEFAULTS = {"urgent": ["email", "sms"], "ticket_overdue": ["email", "sms"], "ticket_supervised": ["email", "sms"]}


def chosen(user) -> dict:
    """The person's choices merged over the defaults: {kind: [channel, …]}."""
    row = db.session.get(NotificationPreference, user.id)
    saved = row.channels if row is not None else {}
    return {kind: list(saved.get(kind, DEFAULTS.get(kind, []))) for kind in KINDS}


def channels_for(user, kind: str, *, urgent: bool = False) -> set[str]:
    choices = chosen(user)
    wanted = set(choices.get(kind, DEFAULTS.get(kind, [])))
    if urgent:
        wanted |= set(choices["urgent"])
    return wanted & set(PERSONAL_CHANNELS)


def save(user, choices: dict) -> NotificationPreference:
    clean = {kind: sorted(set(choices.get(kind, [])) & set(PERSONAL_CHANNELS)) for kind in KINDS}
    row = db.session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id, channels=clean)
        db.session.add(row)
    else:
        row.channels = clean
    return row
