"""Five firms raise the same 用工 problem (and one firm something else), for the common-problem tests."""
import re

from app.tickets import services
from app.tickets.services import NewTicket

LABOUR = [
    ("招工难，一线工人缺口大", "今年订单增加，车间一线工人缺口约80人，招聘了两个月仍招不到人，希望人社局帮助招工。"),
    ("一线工人招不到，用工缺口大", "旺季车间一线工人缺口约100人，招聘一直招不到人，希望组织招聘会帮助招工。"),
    ("招工困难，车间工人缺口大", "车间一线工人缺口50人，网上招聘三个月招不到人，请求人社部门帮助招工。"),
    ("用工缺口大，一线工人难招", "订单增加后一线工人缺口约60人，招不到人，希望政府帮助对接劳务招工。"),
    ("车间一线工人招不到人", "新生产线投产，一线工人缺口约40人，招聘会招不到人，希望人社局帮助招工。"),
]
LATECOMER = ("一线工人缺口大，招工难", "订单旺季车间一线工人缺口约70人，招了一个月招不到人，希望帮助招工。")


class Firms:
    """Five companies (three escorts, two towns), each with a portal user, each raising the 用工 problem;
    a manager, the 人社局 with a helper, another department with its helper, a sixth firm's other problem."""

    def __init__(self, make):
        self.make = make
        self.manager = make.user(role="manager")
        self.admin = make.user(role="admin")
        self.hr = make.department(name="区人社局")
        self.helper = make.user(role="helper", department=self.hr)
        self.other_department = make.department(name="区经信局")
        self.other_helper = make.user(role="helper", department=self.other_department)
        towns = [make.town(name="宁围街道"), make.town(name="瓜沥镇")]
        self.escorts = [make.user(role="escort") for _ in range(3)]
        self.companies = [make.company(escort=self.escorts[min(i // 2, 2)], town=towns[i % 2]) for i in range(6)]
        self.users = [make.user(role="company", company=c) for c in self.companies]
        self.tickets = []
        for i in range(5):
            # Two came in through the portal (待受理), three were collected by the escort (已受理).
            by = self.users[i] if i < 2 else self.escorts[min(i // 2, 2)]
            source = "portal" if i < 2 else "escort"
            self.tickets.append(services.submit_ticket(by, self.companies[i],
                                                       NewTicket(*LABOUR[i], "labour", source=source)))
        self.unrelated = services.submit_ticket(self.users[5], self.companies[5],
                                                NewTicket("研发费用加计扣除怎么申报", "想了解研发费用加计扣除比例。", "technology"))
        make.session.commit()

    def latecomer(self):
        ticket = services.submit_ticket(self.users[5], self.companies[5], NewTicket(*LATECOMER, "labour"))
        self.make.session.commit()
        return ticket


def version_in(page: str, action: str) -> str:
    form = page.split(f"/actions/{action}", 1)[1].split("</form>", 1)[0]
    return re.search(r'name="(?:\w+-)?version"[^>]*value="(\d+)"', form).group(1)
