"""XSS: user text is escaped everywhere it is shown — pages, notifications, the portal — and exports
hold it as plain text (formulas neutralised).

Payloads go in through the forms a person uses (portal submission, comments, uploads) or, for
names set by administrators, through the factories; then every page that shows them is read.
"""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role
from app.core.db import utcnow
from app.visits import services as visit_services
from tests.conftest import Browser

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
FILE_NAME = "<img src=x onerror=alert(1)>.png"  # a browser sends a " in a file name as %22
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

RAW = (SCRIPT, "<img src=x onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


@pytest.fixture
def hostile(app, make, db_session):
    """A company, people and a problem whose every text field carries a payload."""
    manager = make.user(role=Role.MANAGER)
    admin = make.user(role=Role.ADMIN)
    escort = make.user(role=Role.ESCORT, name=f"陪跑员{SCRIPT}")
    company = make.company(escort=escort, name=f"企业{IMG}", address=SCRIPT, contact_name=IMG)
    company_user = make.user(role=Role.COMPANY, company=company, name=f"联系人{IMG}")

    portal = Browser(app.test_client())
    portal.login(company_user.username)
    response = portal.post("/portal/problems/new", {
        "title": f"标题{SCRIPT}", "description": f"描述{IMG}", "category": "financing", "urgency": "ordinary",
        "attachments": (io.BytesIO(PNG), FILE_NAME),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert portal.post(f"/portal/problems/{ticket_id}/comments", {"body": f"企业留言{SCRIPT}"},
                       form_page=f"/portal/problems/{ticket_id}").status_code == 302
    formula = portal.post("/portal/problems/new", {
        "title": FORMULA, "description": "-1+1", "category": "financing", "urgency": "ordinary"})
    assert formula.status_code == 302

    staff = Browser(app.test_client())
    staff.login(escort.username)
    assert staff.post(f"/tickets/{ticket_id}/comments", {"comment-body": f"陪跑员回复{IMG}"},
                      form_page=f"/tickets/{ticket_id}").status_code == 302
    visit_services.create_visit(escort, company, {
        "visited_on": utcnow().date().isoformat(), "mode": "on_site", "summary": f"纪要{SCRIPT}",
        "participants": IMG, "company_status": SCRIPT, "next_step": IMG})
    db_session.commit()
    from app.tickets.models import Attachment

    assert db_session.scalar(sa.select(Attachment.filename)) == FILE_NAME
    browsers = {"escort": staff, "company": portal}
    for role, user in (("manager", manager), ("admin", admin)):
        browsers[role] = Browser(app.test_client())
        browsers[role].login(user.username)
    return {"browsers": browsers, "ticket_id": ticket_id, "company": company}


PAGES = [
    ("escort", "/tickets/"), ("escort", "/tickets/{ticket}"), ("escort", "/notifications/"),
    ("escort", "/companies/"), ("escort", "/companies/{company}"), ("escort", "/visits/"), ("escort", "/home"),
    ("company", "/portal/"), ("company", "/portal/problems/{ticket}"), ("company", "/notifications/"),
    ("manager", "/tickets/"), ("manager", "/staff/"), ("manager", "/rankings/"), ("manager", "/tickets/{ticket}"),
    ("admin", "/admin/audit/"),
]


@pytest.mark.parametrize("role, url", PAGES)
def test_payloads_are_shown_escaped(hostile, role, url):
    url = url.format(ticket=hostile["ticket_id"], company=hostile["company"].id)
    response = hostile["browsers"][role].client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    for raw in RAW:
        assert raw not in page, f"{url} shows {raw!r} unescaped"
    assert not re.search(r"<[a-z]+[^>]*\sonerror\s*=", page, re.IGNORECASE)
    assert any(e in page for e in ESCAPED), f"{url} shows none of the payloads (is the field on the page?)"


def test_visit_detail_and_every_field_on_the_problem_page(hostile, make, db_session):
    from app.visits.models import Visit

    escort = hostile["browsers"]["escort"]
    visit_id = db_session.scalar(sa.select(Visit.id).where(Visit.company_id == hostile["company"].id))
    page = escort.client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2 and SCRIPT not in page
    page = escort.client.get(f"/tickets/{hostile['ticket_id']}").get_data(as_text=True)
    for shown in ("标题&lt;script&gt;", "描述&#34;&gt;&lt;img", "企业留言&lt;script&gt;", "陪跑员回复&#34;&gt;&lt;img",
                  "&lt;img src=x onerror=alert(1)&gt;.png"):
        assert shown in page, shown


def _cells(response) -> list:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("url", ["/tickets/export.xlsx", "/companies/export.xlsx", "/visits/export.xlsx",
                                 "/rankings/export.xlsx"])
def test_exports_hold_the_text_as_plain_text(hostile, url):
    cells = _cells(hostile["browsers"]["manager"].client.get(url))
    values = [str(c.value) for c in cells]
    assert any(SCRIPT in v or IMG in v for v in values), f"{url}: the payload is not in the export"
    assert not any("&lt;" in v for v in values)  # plain text, not HTML-escaped text
    assert all(c.data_type != "f" for c in cells), f"{url} contains a formula"
    for value in values:
        assert not value.startswith(("=", "+", "-", "@")), f"{url}: {value!r} would run as a formula"


def test_the_ledger_neutralises_a_formula_title(hostile):
    cells = _cells(hostile["browsers"]["manager"].client.get("/tickets/export.xlsx"))
    assert "'" + FORMULA in [c.value for c in cells]
