"""协办 deadlines in `flask tickets sweep`: a co-department whose sign or opinion is due soon is told once, once
overdue its helpers and the managers are told once, and the lead department is told once that an opinion
is overdue (it may reply without it). Run through the command, as cron runs it, any number of times."""
from datetime import datetime, timezone

import sqlalchemy as sa

from app.core.models import Notification
from tests.dispatch.test_co_departments import CoWorld, _rows
from tests.tickets.test_pages import fresh

import pytest


def utc(day: int, hour: int = 2) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(make):
    return CoWorld(make)


def _sweep(app, moment: datetime) -> str:
    result = app.test_cli_runner().invoke(args=["tickets", "sweep", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _notices(db_session, user, kind=None) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db_session.scalars(stmt.order_by(Notification.id)).all()


def _co_notices(db_session, user, kind) -> list[str]:
    return [n.title for n in _notices(db_session, user, kind) if "协办" in n.title]


def test_co_departments_are_told_due_soon_then_overdue_once_each_and_the_lead_when_it_may_reply(
        app, world, db_session):
    t = world.dispatched_with_co()  # Monday 16 November: signing due Tuesday 17th, opinions Thursday 19th
    world.act(world.helper, t, "sign")
    other, third = world.other_helper, world.third_helper

    # Monday noon: signing is due within a working day — each co-department's helpers hear it once.
    output = _sweep(app, utc(16, 4))
    assert "协办: due-soon notices 2, overdue notices 0, lead told of overdue opinions 0" in output
    for helper in (other, third):
        assert _co_notices(db_session, helper, "ticket_due_soon") == [f"协办问题 {t.number} 即将到期"]
        body = _notices(db_session, helper, "ticket_due_soon")[-1].body
        assert "2026-11-17" in body and "签收" in body and t.title in body
    assert "协办: due-soon notices 0, overdue notices 0" in _sweep(app, utc(16, 6))  # idempotent

    # The second department signs on time; the third does not.
    world.act(other, t, "co_sign", now=utc(17))
    output = _sweep(app, utc(18))  # Wednesday: the third is a day late signing, the second's opinion due Thu
    assert "协办: due-soon notices 1, overdue notices 1, lead told of overdue opinions 0" in output
    assert _co_notices(db_session, other, "ticket_due_soon") == [f"协办问题 {t.number} 即将到期"] * 2
    assert "提交协办意见" in _notices(db_session, other, "ticket_due_soon")[-1].body
    overdue_title = f"协办问题 {t.number} 已超期（{world.third_department.name}）"
    assert _co_notices(db_session, third, "ticket_overdue") == [overdue_title]
    assert _co_notices(db_session, world.manager, "ticket_overdue") == [overdue_title]
    assert not _co_notices(db_session, other, "ticket_overdue")  # on time: not told it is late
    assert not _notices(db_session, world.helper, "ticket_co_overdue")  # the lead: nothing yet
    assert "协办: due-soon notices 0, overdue notices 0, lead told of overdue opinions 0" in _sweep(app, utc(18, 8))

    world.act(other, t, "co_opinion", now=utc(19), opinion="同意，本局配合。")
    # Friday: the third department's opinion is overdue — the lead is told once that it may reply now.
    output = _sweep(app, utc(20))
    assert "overdue notices 0, lead told of overdue opinions 1" in output  # the third was told already
    lead = _notices(db_session, world.helper, "ticket_co_overdue")
    assert [n.title for n in lead] == [f"问题 {t.number} 的协办意见逾期：{world.third_department.name}"]
    assert "可以答复" in lead[0].body and lead[0].url == f"/tickets/{t.id}"
    assert not _notices(db_session, world.manager, "ticket_co_overdue")  # the lead department only
    assert "lead told of overdue opinions 0" in _sweep(app, utc(20, 6))
    assert len(_co_notices(db_session, third, "ticket_overdue")) == 1
    # And the lead may indeed reply, flagged.
    t = fresh(db_session, t)
    world.act(world.helper, t, "reply", now=utc(20, 7), message="已办理，规划意见逾期未反馈。")
    assert t.status == "replied"
    # Once answered, the co rows are no longer swept.
    assert "协办: due-soon notices 0, overdue notices 0, lead told of overdue opinions 0" in _sweep(app, utc(24))


def test_the_lead_hears_which_opinions_are_still_awaited(app, world, db_session):
    """Only the second department's opinion deadline is short (an admin shortened it): the lead is told
    it is overdue while the third's is still awaited, so it may not reply yet."""
    t = world.dispatched_with_co()
    world.act(world.helper, t, "sign")
    second, third = _rows(db_session, t)
    second.opinion_due_at = utc(17, 9)  # Tuesday evening
    db_session.commit()
    _sweep(app, utc(18))
    (notice,) = _notices(db_session, world.helper, "ticket_co_overdue")
    assert world.other_department.name in notice.title
    assert f"仍待以下协办部门的意见（未到期）：{world.third_department.name}" in notice.body


def test_a_paused_problem_is_not_swept_and_its_moved_deadlines_are_told_again(app, world, db_session):
    t = world.dispatched_with_co()
    _sweep(app, utc(16, 4))
    assert len(_co_notices(db_session, world.other_helper, "ticket_due_soon")) == 1
    world.act(world.helper, t, "pause", now=utc(16, 5), reason="请补充用工合同")
    # Paused: no notice though the co-departments' old deadlines have passed.
    assert "协办: due-soon notices 0, overdue notices 0, lead told of overdue opinions 0" in _sweep(app, utc(19))
    assert not _co_notices(db_session, world.other_helper, "ticket_overdue")
    world.act(world.helper, fresh(db_session, t), "resume", now=utc(20))  # 4 working days paused
    rows = _rows(db_session, t)
    assert {r.sign_due_at.date().isoformat() for r in rows} == {"2026-11-23"}
    # Monday 23rd: the moved signing deadline is due today — told again, once.
    assert "协办: due-soon notices 2" in _sweep(app, utc(23))
    assert len(_co_notices(db_session, world.other_helper, "ticket_due_soon")) == 2


def test_a_returned_problems_co_departments_are_not_chased(app, world, db_session):
    t = world.dispatched_with_co()
    world.act(world.helper, t, "return", reason="不属于本部门职责")
    assert "协办: due-soon notices 0, overdue notices 0, lead told of overdue opinions 0" in _sweep(app, utc(25))
    assert not _co_notices(db_session, world.other_helper, "ticket_overdue")
