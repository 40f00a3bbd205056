"""The SLA settings page: defaults shown, bounds enforced, values stored and read back by get_sla()."""
import re
from dataclasses import asdict, fields

import sqlalchemy as sa

from app.accounts.models import Role
from app.core.models import AuditLog
from app.settings.sla import SLA, get_sla

URL = "/admin/settings/sla"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(**changes) -> dict:
    data = {name: str(value) for name, value in asdict(SLA()).items()}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_page_shows_every_limit_with_its_default(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    text = _text(admin.get(URL))
    for label in ("受理时限（工作日）", "一般问题办理时限（工作日）", "紧急问题办理时限（工作日）",
                  "复杂问题办理时限（工作日）", "申请延期须提前（工作日）", "答复后未评价自动办结（工作日）"):
        assert label in text
    for f in fields(SLA):
        field = re.search(rf'<input [^>]*name="{f.name}"[^>]*>', text).group(0)
        assert f'value="{f.default}"' in field and 'type="number"' in field
    assert "默认：15" in text and get_sla() == SLA()


def test_round_trip_stores_new_values_and_audits(login_as, db_session):
    admin, user = login_as(Role.ADMIN)
    response = admin.post(URL, _form(reply_days=7, reply_days_complex=20, extension_notice_days=0))
    assert response.status_code == 302
    page = admin.follow(response)
    assert "时限设置已保存（修改了 3 项）" in _text(page)
    assert 'value="7"' in _text(page)

    db_session.expire_all()
    sla = get_sla()
    assert (sla.reply_days, sla.reply_days_complex, sla.extension_notice_days) == (7, 20, 0)
    assert sla.accept_days == 1 and sla.autoclose_days == 5

    entry = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "sla_updated")).one()
    assert entry.actor_id == user.id
    assert entry.before == {"reply_days": 5, "reply_days_complex": 15, "extension_notice_days": 1}
    assert entry.after == {"reply_days": 7, "reply_days_complex": 20, "extension_notice_days": 0}

    # saving again unchanged writes nothing new
    response = admin.post(URL, _form(reply_days=7, reply_days_complex=20, extension_notice_days=0))
    assert "没有修改" in _text(admin.follow(response))
    assert db_session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "sla_updated")) == 1


def test_out_of_range_values_are_refused(login_as, db_session):
    admin, _ = login_as(Role.ADMIN)
    response = admin.post(URL, _form(reply_days=0, extension_notice_days=31, sign_days=""))
    assert response.status_code == 200
    text = _text(response)
    assert "请填写 1–60 之间的整数" in text
    assert "请填写 0–30 之间的整数" in text
    assert "请填写天数" in text
    response = admin.post(URL, _form(escort_reply_days=61))
    assert response.status_code == 200 and "请填写 1–60 之间的整数" in _text(response)
    db_session.expire_all()
    assert get_sla() == SLA()
