"""The per-user daily upload quota (setting uploads.daily_mb_per_user, default 200 MB, local days)."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.settings import get_setting, set_setting
from app.core.stored_files import QUOTA_KEY
from app.tickets.models import Attachment, TicketEvent
from tests.conftest import Browser
from tests.tickets.helpers import World

KB = 1024
QUOTA_MESSAGE = "您今天上传的文件已达每日 1 MB 的上限"


def png(size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * (size - 8)


@pytest.fixture
def one_mb_quota(db_session):
    set_setting(QUOTA_KEY, 1)
    db_session.commit()


def _upload(browser, ticket, size, name="现场照片.png", note=""):
    return browser.post(f"/tickets/{ticket.id}/attachments",
                        {"upload-file": (io.BytesIO(png(size)), name), "upload-note": note},
                        form_page=f"/tickets/{ticket.id}", content_type="multipart/form-data")


def _stored(db_session, ticket):
    db_session.expire_all()
    return db_session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id)).all()


def test_the_default_quota_is_200_mb(db_session):
    assert get_setting(QUOTA_KEY) == 200


def test_uploads_past_the_daily_quota_are_refused_with_a_clear_message(app, make, db_session, one_mb_quota):
    world = World(make)
    ticket = world.new_ticket()
    escort = Browser(app.test_client())
    escort.login(world.escort.username)
    assert _upload(escort, ticket, 600 * KB).status_code == 302
    refused = _upload(escort, ticket, 600 * KB, name="第二张.png", note="附说明")
    assert refused.status_code == 413
    assert QUOTA_MESSAGE in refused.get_data(as_text=True)
    assert len(_stored(db_session, ticket)) == 1
    # The note that came with the refused file was not kept either.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.body == "附说明")) == 0
    # What is left of the day still fits.
    assert _upload(escort, ticket, 300 * KB, name="小图.png").status_code == 302


def test_the_quota_is_per_user_and_per_local_day(app, make, db_session, one_mb_quota):
    world = World(make)
    ticket = world.new_ticket()
    escort = Browser(app.test_client())
    escort.login(world.escort.username)
    assert _upload(escort, ticket, 900 * KB).status_code == 302
    assert _upload(escort, ticket, 200 * KB).status_code == 413

    # Another user has a quota of their own (the company user, through the portal).
    company = Browser(app.test_client())
    company.login(world.company_user.username)
    response = company.post(f"/portal/problems/{ticket.id}/comments",
                            {"body": "补充材料", "attachments": (io.BytesIO(png(900 * KB)), "材料.png")},
                            form_page=f"/portal/problems/{ticket.id}", content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(_stored(db_session, ticket)) == 2

    # Yesterday's uploads do not count today.
    for attachment in _stored(db_session, ticket):
        attachment.created_at -= timedelta(days=1)
    db_session.commit()
    assert _upload(escort, ticket, 900 * KB).status_code == 302


def test_visit_photos_count_towards_the_quota(app, make, db_session, one_mb_quota):
    from app.visits.models import Visit, VisitPhoto
    from app.core.timeutil import local_today

    world = World(make)
    ticket = world.new_ticket()
    visit = Visit(company_id=world.company.id, escort_id=world.escort.id, visited_on=local_today(), mode="phone",
                  summary="电话回访", created_by_id=world.escort.id)
    db_session.add(visit)
    db_session.flush()
    db_session.add(VisitPhoto(visit_id=visit.id, uploaded_by_id=world.escort.id, filename="p.png",
                              stored_name="quota-test.png", content_type="image/png", size=900 * KB, sha256="0" * 64))
    db_session.commit()
    escort = Browser(app.test_client())
    escort.login(world.escort.username)
    assert _upload(escort, ticket, 200 * KB).status_code == 413


def test_zero_switches_the_quota_off(app, make, db_session):
    set_setting(QUOTA_KEY, 0)
    db_session.commit()
    world = World(make)
    ticket = world.new_ticket()
    escort = Browser(app.test_client())
    escort.login(world.escort.username)
    assert _upload(escort, ticket, 900 * KB).status_code == 302
