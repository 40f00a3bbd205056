"""A small district with problems in every interesting state at a fixed moment, and page readers."""
import html
import re
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

from app.tickets import services
from app.tickets.services import NewTicket
from tests.tickets.helpers import World
from tests.visits.helpers import log_visit

# The dashboard is read on Friday 20 November 2026, 10:00 in Shanghai (no holiday near).
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 20)


def at(month, day, year=2026, hour=10):
    """A moment (local hour) on a local date, as UTC."""
    return datetime(year, month, day, hour - 8, 0, tzinfo=timezone.utc)


class District(World):
    """World plus a second company (other town, other category) and a company without an escort."""

    def __init__(self, make):
        super().__init__(make)
        self.town_b = make.town(name="瓜沥镇")
        self.company_b = make.company(escort=self.escort, town=self.town_b, category="specialized",
                                      name="杭州乙科技有限公司")
        self.unassigned = make.company(name="杭州无人陪跑有限公司")

    def submit(self, company, *, on, by=None, **fields):
        values = {"title": "厂房用电增容审批慢", "description": "申请增容三个月没有进展。", "category": "approval",
                  "urgency": "ordinary", "source": "hotline"}
        values.update(fields)
        ticket = services.submit_ticket(by or self.escort, company, NewTicket(**values), now=on)
        self.make.session.commit()
        return ticket

    def run(self, ticket, *steps):
        """steps: (who, action, when, data) — the real actions, in order."""
        for who, action, when, data in steps:
            self.act(getattr(self, who), ticket, action, now=when, **data)
        return ticket

    def dispatched(self, company, on, *, department=None, **fields):
        t = self.submit(company, on=on, **fields)
        return self.run(t, ("manager", "dispatch", on, {"department_id": (department or self.department).id}))

    def replied(self, company, on, *, department=None, **fields):
        t = self.dispatched(company, on, department=department, **fields)
        helper = "helper" if (department or self.department) == self.department else "other_helper"
        return self.run(t, (helper, "sign", on, {}), (helper, "reply", on, {"message": "已协调解决。"}))


def build_district(make) -> tuple[District, dict]:
    """The fixture every dashboard number is computed by hand from (see test_dashboard.py)."""
    d = District(make)
    a, b = d.company, d.company_b
    t = {}
    # open
    t["t1"] = d.submit(a, on=at(11, 16), category="approval")                 # submitted, due 17th → overdue
    t["t2"] = d.submit(a, on=at(11, 19), category="land")                     # due end of 20th → due soon
    t["t3"] = d.dispatched(b, at(11, 16), category="financing")               # sign due 17th → overdue
    t["t4"] = d.dispatched(b, at(11, 19), category="financing", department=d.other_department)
    d.run(t["t4"], ("other_helper", "sign", at(11, 19), {}),                  # reply due 26th
          ("manager", "supervise", at(11, 19, hour=11), {"level": "supervise"}))
    t["t7"] = d.replied(b, at(11, 9), category="labour")
    d.run(t["t7"], ("escort", "rate", at(11, 18), {"rating": "unsatisfied", "comment": "企业仍未拿到批复"}),
          ("helper", "request_extension", at(11, 19), {"new_due": "2026-12-04", "reason": "需省厅批复"}))
    t["t9"] = d.replied(a, at(10, 12), category="approval")
    d.run(t["t9"], ("company_user", "rate", at(10, 13), {"rating": "unsatisfied", "comment": "没有解决"}),
          ("helper", "reply", at(10, 14), {"message": "再次协调。"}),
          ("company_user", "rate", at(10, 15), {"rating": "unsatisfied", "comment": "还是没有解决"}))
    t["t12"] = d.submit(a, on=at(9, 1), category="other")
    d.run(t["t12"], ("escort", "accept", at(9, 1), {}))
    # finished
    t["t5"] = d.replied(a, at(11, 10), category="policy")
    d.run(t["t5"], ("company_user", "rate", at(11, 12), {"rating": "satisfied"}))
    t["t6"] = d.replied(a, at(11, 16), category="policy")
    d.run(t["t6"], ("company_user", "rate", at(11, 18), {"rating": "basically_satisfied"}))
    t["t8"] = d.replied(a, at(6, 10), category="market")
    d.run(t["t8"], ("company_user", "rate", at(7, 1), {"rating": "satisfied"}))
    t["t10"] = d.submit(a, on=at(11, 3), by=d.company_user, source="portal")
    d.run(t["t10"], ("company_user", "withdraw", at(11, 3, hour=11), {}))
    t["t11"] = d.submit(a, on=at(11, 4))
    d.run(t["t11"], ("escort", "reject", at(11, 4, hour=11), {"reason": "不属于涉企问题"}))
    # visits: company A this month, company B only last month, the unassigned company never
    log_visit(make.session, d.escort, a, on=date(2026, 11, 5), today=TODAY)
    log_visit(make.session, d.escort, b, on=date(2026, 10, 30), today=TODAY)
    return d, t


def freeze(monkeypatch, now=NOW):
    """Pages read the clock through their module's utcnow / local_today; fix both for every page we open."""
    import app.monitoring.views as monitoring_views
    import app.tickets.views as ticket_views
    import app.visits.views as visit_views
    from app.core.timeutil import local_date

    monkeypatch.setattr(monitoring_views, "utcnow", lambda: now)
    monkeypatch.setattr(ticket_views, "utcnow", lambda: now)
    monkeypatch.setattr(visit_views, "local_today", lambda: local_date(now))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


ANCHOR = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>\s*([^<]*?)\s*</a>', re.S)


def number_links(page_html: str) -> list[tuple[str, dict, int]]:
    """Every <a href=…>N</a> whose text is a whole number: (path, query dict, N)."""
    found = []
    for href, label in ANCHOR.findall(page_html):
        if not label.strip().isdigit():
            continue
        parts = urlsplit(html.unescape(href))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        found.append((parts.path, query, int(label)))
    return found


def link_value(page_html: str, path: str, **query) -> int:
    """The number shown in the link to path?query (exactly these arguments)."""
    wanted = {k: str(v) for k, v in query.items()}
    values = {n for p, q, n in number_links(page_html) if p == path and q == wanted}
    assert len(values) == 1, f"{path} {wanted}: {values}"
    return values.pop()


TICKET_ROW = re.compile(r'<td class="ticket-number"><a href="/tickets/\d+">([^<]+)</a>')


def listed_numbers(page_html: str) -> list[str]:
    return TICKET_ROW.findall(page_html)
