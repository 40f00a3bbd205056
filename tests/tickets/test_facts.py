"""Facts fixed at the moment they happen (used by rankings): on-time flags, dispatch records, days to close."""
from datetime import timedelta

import sqlalchemy as sa

from app.tickets.models import DispatchRecord
from tests.tickets.helpers import MONDAY, World


def test_dispatch_records_follow_each_dispatch_return_sign_and_reply(make):
    world = World(make)
    ticket = world.new_ticket()
    world.act(world.manager, ticket, "dispatch", department_id=world.other_department.id)
    world.act(world.other_helper, ticket, "return", reason="不属于本部门", suggested_department_id=world.department.id)
    world.act(world.manager, ticket, "dispatch", department_id=world.department.id)
    late = MONDAY + timedelta(days=3)  # sign deadline was the next working day
    world.act(world.helper, ticket, "sign", now=late)
    world.act(world.helper, ticket, "reply", now=late, message="已处理")

    first, second = make.session.scalars(
        sa.select(DispatchRecord).where(DispatchRecord.ticket_id == ticket.id).order_by(DispatchRecord.id)).all()
    assert first.department_id == world.other_department.id and first.returned_at is not None
    assert first.signed_at is None
    assert second.department_id == world.department.id and second.returned_at is None
    assert second.signed_on_time is False
    assert second.replied_on_time is True
    assert ticket.replied_on_time is True
    assert ticket.return_count == 1


def test_close_records_working_days_taken_and_acceptance_punctuality(make):
    world = World(make)
    ticket = world.new_ticket()  # Monday 2026-11-16
    world.act(world.escort, ticket, "accept", now=MONDAY + timedelta(hours=2))
    assert ticket.accepted_on_time is True
    world.act(world.escort, ticket, "reply", now=MONDAY + timedelta(days=1), message="直接答复")
    world.act(world.company_user, ticket, "rate", now=MONDAY + timedelta(days=4), rating="satisfied")  # Friday
    assert ticket.status == "closed"
    assert ticket.close_working_days == 4
