"""Service-level limits, in working days (the task force's usual limits by default), editable on the SLA
settings page."""
from dataclasses import dataclass, fields

from flask_babel import lazy_gettext as _l

from app.core.settings import get_settings, register_defaults


@dataclass(frozen=True)
class SLA:
    accept_days: int = 1            # submitted → accepted/rejected
    sign_days: int = 1              # dispatched → signed (签收)
    reply_days: int = 5             # ordinary problem: dispatched → replied
    reply_days_urgent: int = 3      # urgent problem
    reply_days_complex: int = 15    # complex, chosen at dispatch
    extension_notice_days: int = 1  # an extension must be asked this many working days before the deadline
    autoclose_days: int = 5         # replied and not rated → closed automatically
    supervise_after_days: int = 3   # overdue by this many working days → supervised (督办) automatically
    escort_reply_days: int = 5      # escort answering an accepted problem directly
    co_opinion_days: int = 3        # 协办: a co-department's opinion after dispatch (never after the lead's deadline)

    def handling_days(self, complexity: str, urgency: str) -> int:
        """The lead department's working days to reply: complex problems first, then urgent ones, then the rest."""
        if complexity == "complex":
            return self.reply_days_complex
        if urgency == "urgent":
            return self.reply_days_urgent
        return self.reply_days


LABELS = {
    "accept_days": _l("受理时限（工作日）"),
    "sign_days": _l("签收时限（工作日）"),
    "reply_days": _l("一般问题办理时限（工作日）"),
    "reply_days_urgent": _l("紧急问题办理时限（工作日）"),
    "reply_days_complex": _l("复杂问题办理时限（工作日）"),
    "extension_notice_days": _l("申请延期须提前（工作日）"),
    "autoclose_days": _l("答复后未评价自动办结（工作日）"),
    "supervise_after_days": _l("超期多少个工作日自动督办"),
    "escort_reply_days": _l("陪跑员直接答复时限（工作日）"),
    "co_opinion_days": _l("协办部门提交意见时限（工作日）"),
}

KEY_PREFIX = "sla."
register_defaults({KEY_PREFIX + f.name: f.default for f in fields(SLA)})


def get_sla() -> SLA:
    """The limits in force (stored values over defaults), one query."""
    values = get_settings(KEY_PREFIX + f.name for f in fields(SLA))
    return SLA(**{f.name: int(values[KEY_PREFIX + f.name]) for f in fields(SLA)})
