"""Shared pieces for the visit tests."""
import html
from datetime import date

from app.visits import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def visit_data(**overrides) -> dict:
    data = {"visited_on": date.today().isoformat(), "mode": "on_site", "participants": "总经理王强",
            "summary": "走访车间，了解二季度订单。", "company_status": "订单饱满，缺技术工人。", "next_step": "对接人社局"}
    data.update(overrides)
    return data


def problem(**overrides) -> dict:
    row = {"title": "技术工人招聘难", "description": "数控岗位缺20人。", "category": "labour"}
    row.update(overrides)
    return row


def log_visit(session, escort, company, *, on: date, today: date | None = None, problems=(), **fields):
    """A visit recorded through the real service (today frozen so any date may be used), committed."""
    visit = services.create_visit(escort, company, visit_data(visited_on=on.isoformat(), **fields),
                                  problems=list(problems), today=today or on)
    session.commit()
    return visit
