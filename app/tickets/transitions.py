"""The problem state machine as data. Services, pages, API and tests all read this table.

Each action names, per source state, the roles that may take it there, and the
state it leads to (None: the state stays, e.g. supervising). The task force's
procedure, row for row; `rate` leads to `closed`, or back to the replier's state on 不满意.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.tickets.models import OPEN_STATES

A, M, E, H, C = Role.ADMIN, Role.MANAGER, Role.ESCORT, Role.HELPER, Role.COMPANY


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: dict[str, frozenset[str]]  # from state → roles allowed
    target: str | None                  # None: stays in the same state
    # Taken by a helper of a co-department (协办部门) on its own (ticket, department) record, not by the lead
    # department: the role relation is "my department is an open co-department of this problem".
    co_department: bool = False


def _src(states, *roles):
    return {s: frozenset(roles) for s in states}


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", _l("受理"), _src(["submitted"], E, M, A), "accepted"),
        Transition("reject", _l("不予受理"), _src(["submitted"], E, M, A), "rejected"),
        Transition("withdraw", _l("撤回"), _src(["submitted", "accepted"], C), "withdrawn"),
        Transition(
            "reply", _l("答复"), {"accepted": frozenset({E}), "in_progress": frozenset({H})}, "replied"
        ),
        Transition("escalate", _l("提请交办"), _src(["accepted"], E), "escalated"),
        Transition("dispatch", _l("交办"), _src(["submitted", "accepted", "escalated"], M, A), "dispatched"),
        Transition("sign", _l("签收"), _src(["dispatched"], H), "in_progress"),
        Transition("return", _l("退回"), _src(["dispatched", "in_progress"], H), "escalated"),
        Transition("rate", _l("评价"), _src(["replied"], C, E), "closed"),
        Transition("supervise", _l("督办"), _src(OPEN_STATES, M, A), None),
        Transition("request_extension", _l("申请延期"), _src(["in_progress"], H), None),
        Transition("decide_extension", _l("审批延期"), _src(["in_progress"], M, A), None),
        # 待企业补充材料: whoever owes the next step stops their clock while the company supplies documents;
        # resume (staff, or the company's upload in the portal) moves the deadlines on by the paused working days.
        Transition("pause", _l("暂停计时（待企业补充材料）"),
                   {"accepted": frozenset({E}), "dispatched": frozenset({H}), "in_progress": frozenset({H})}, None),
        Transition("resume", _l("恢复计时"),
                   {"accepted": frozenset({E, M, A}), "dispatched": frozenset({H, M, A}),
                    "in_progress": frozenset({H, M, A})}, None),
        # 协办: each co-department signs and gives its opinion on its own clock while the lead department
        # handles the problem; the problem's state does not move (the lead's reply waits for the opinions).
        Transition("co_sign", _l("协办签收"), _src(["dispatched", "in_progress"], H), None, co_department=True),
        Transition("co_opinion", _l("提交协办意见"), _src(["dispatched", "in_progress"], H), None,
                   co_department=True),
    )
}

ACTIONS = tuple(TRANSITIONS)

# Where a new problem starts, by source. What the company's escort collects (at a visit, or filed
# on the company's behalf) is accepted by whoever files it as it is saved: nobody accepts their
# own problem a second time, and no acceptance clock runs. Portal and hotline problems wait for
# the escort's acceptance.
INITIAL_STATES = {"portal": "submitted", "hotline": "submitted", "visit": "accepted", "escort": "accepted"}
# The timeline event of a problem that starts accepted (走访收集并受理), instead of "submit".
COLLECT_EVENT = "collect"


def roles_for(action: str, state: str) -> frozenset[str]:
    return TRANSITIONS[action].sources.get(state, frozenset())


def initial_state(source: str) -> str:
    return INITIAL_STATES[source]


def starts_accepted(source: str) -> bool:
    return INITIAL_STATES.get(source) == "accepted"


def target_state(action: str, state: str) -> str:
    target = TRANSITIONS[action].target
    return state if target is None else target
