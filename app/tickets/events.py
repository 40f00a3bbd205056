"""What each timeline event is called, in one table, and the facts it shows in words: the problem page, the
portal and the 共性问题 page read them. Actions are called what the transitions table calls them; the rest are
the system's events, comments and a 共性问题's own events."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.tickets.models import COMPLEXITIES, RATINGS, STATUSES
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


def event_details(event) -> list[str]:
    """Facts an event (a problem's or a 共性问题's) carries besides its text, in words."""
    data = event.data or {}
    details = []
    if event.from_status and event.to_status and event.from_status != event.to_status:
        details.append(_("状态：%(a)s → %(b)s", a=str(STATUSES[event.from_status]), b=str(STATUSES[event.to_status])))
    if event.kind == "dispatch":
        details.append(_("承办部门：%(name)s", name=data.get("department") or ""))
        if data.get("complexity"):
            details.append(_("复杂程度：%(c)s", c=str(COMPLEXITIES.get(data["complexity"], data["complexity"]))))
        if data.get("due_on"):
            details.append(_("办理期限：%(d)s", d=data["due_on"]))
        if data.get("co_departments"):
            details.append(_("协办部门：%(names)s", names="、".join(data["co_departments"])))
    if event.kind in ("co_sign", "co_opinion"):
        details.append(_("协办部门：%(name)s", name=data.get("department") or ""))
        if data.get("on_time") is False:
            details.append(_("逾期签收") if event.kind == "co_sign" else _("逾期提交"))
    if event.kind == "co_opinions_overdue":
        details.append(_("承办部门答复时以下协办部门未提交意见：%(names)s", names="、".join(data.get("departments") or [])))
    if event.kind == "return" and data.get("suggested_department"):
        details.append(_("建议承办部门：%(name)s", name=data["suggested_department"]))
    if event.kind == "rate" and data.get("rating") in RATINGS:
        details.append(_("评价：%(r)s", r=str(RATINGS[data["rating"]])))
        if data.get("via") == "follow_up_call":
            details.append(_("陪跑员回访记录"))
    if event.kind == "deadline_recomputed" and data.get("new_due"):
        details.append(_("期限：%(a)s → %(b)s", a=data.get("old_due") or "—", b=data["new_due"]))
    if event.kind == "resume":
        details.append(_("暂停 %(n)d 个工作日，期限相应顺延", n=data.get("paused_days") or 0))
        if data.get("by_upload"):
            details.append(_("企业上传材料后自动恢复"))
    if event.kind in ("request_extension", "decide_extension") and data.get("new_due"):
        details.append(_("新期限：%(d)s", d=data["new_due"]))
    return details
