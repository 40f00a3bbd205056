"""What each timeline event is called, in one table: the problem page, the portal and the 共性问题 page
read it. Actions are called what the transitions table calls them; the rest are the system's events,
comments and a 共性问题's own events."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.tickets.transitions import COLLECT_EVENT, TRANSITIONS

EVENT_LABELS = {
    **{action: t.label for action, t in TRANSITIONS.items()},
    "submit": _l("提交问题"),
    COLLECT_EVENT: _l("走访收集并受理"),
    "comment": _l("留言"),
    "note": _l("内部备注"),
    "auto_close": _l("逾期未评价，自动办结"),
    "deadline_recomputed": _l("工作日历调整，期限重算"),
    "co_opinions_overdue": _l("协办意见逾期"),
    "join_common": _l("并入共性问题"),
    "leave_common": _l("脱离共性问题"),
    # A 共性问题's own timeline.
    "create": _l("创建共性问题"),
    "add_members": _l("加入问题"),
    "remove_member": _l("移出问题"),
    "close": _l("办结"),
    "member_reopened": _l("成员评价不满意，已脱离并单独重新办理"),
}


def event_label(event) -> str:
    """The label of a timeline event (a problem's or a 共性问题's); unknown kinds show as they are stored."""
    if event.kind == "supervise" and (event.data or {}).get("automatic"):
        return _("超期自动督办")
    return str(EVENT_LABELS.get(event.kind, event.kind))
