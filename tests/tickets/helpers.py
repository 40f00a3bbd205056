"""Building problems in a given state for tests, by running the real actions."""
from datetime import datetime, timezone

from app.tickets import services
from app.tickets.services import NewTicket

# A plain Tuesday in a normal week (no holiday near).
MONDAY = datetime(2026, 11, 16, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


class World:
    """A company with its escort and portal user, a manager, and two departments with helpers."""

    def __init__(self, make):
        self.make = make
        self.manager = make.user(role="manager")
        self.escort = make.user(role="escort")
        self.company = make.company(escort=self.escort)
        self.company_user = make.user(role="company", company=self.company)
        self.department = make.department()
        self.helper = make.user(role="helper", department=self.department)
        self.other_department = make.department()
        self.other_helper = make.user(role="helper", department=self.other_department)
        self.admin = make.user(role="admin")

    def new_ticket(self, *, by=None, now=MONDAY, **fields):
        values = {"title": "厂房用电增容审批慢", "description": "申请增容三个月没有进展。", "category": "approval",
                  "urgency": "ordinary", "source": "portal"}
        values.update(fields)
        by = by or self.company_user
        if by.role != "company" and values["source"] == "portal":
            # Staff filing a problem that waits for acceptance: one that came in by hotline.
            # (What the escort collects, source visit/escort, starts accepted.)
            values["source"] = "hotline"
        ticket = services.submit_ticket(by, self.company, NewTicket(**values), now=now)
        self.make.session.commit()
        return ticket

    def act(self, who, ticket, action, now=MONDAY, **data):
        data.setdefault("version", ticket.version)
        services.perform(who, ticket, action, data, now=now)
        self.make.session.commit()
        return ticket

    def ticket_in(self, state, now=MONDAY, co_departments=()):
        """A problem brought to `state` through the real actions (co_departments: 协办 department ids named
        at the dispatch; their helpers sign and give their opinions before the lead replies)."""
        t = self.new_ticket(now=now)
        path = {
            "submitted": [],
            "accepted": [("escort", "accept", {})],
            "rejected": [("escort", "reject", {"reason": "不属于涉企问题"})],
            "withdrawn": [("company_user", "withdraw", {})],
            "escalated": [("escort", "accept", {}), ("escort", "escalate", {"reason": "需部门协调"})],
            "dispatched": [("manager", "dispatch", {"department_id": self.department.id})],
            "in_progress": [("manager", "dispatch", {"department_id": self.department.id}), ("helper", "sign", {})],
            "replied": [("manager", "dispatch", {"department_id": self.department.id}), ("helper", "sign", {}),
                        ("helper", "reply", {"message": "已协调供电公司，本周内完成增容。"})],
            "closed": [("manager", "dispatch", {"department_id": self.department.id}), ("helper", "sign", {}),
                       ("helper", "reply", {"message": "已办结。"}), ("company_user", "rate", {"rating": "satisfied"})],
        }[state]
        if co_departments:
            path = [(who, action, {**data, "co_departments": list(co_departments)} if action == "dispatch" else data)
                    for who, action, data in path]
            if state in ("replied", "closed"):
                path[2:2] = [("other_helper", "co_sign", {}), ("other_helper", "co_opinion", {"opinion": "同意，已配合。"})]
        for who, action, data in path:
            self.act(getattr(self, who), t, action, now=now, **data)
        assert t.status == state
        return t
