"""Paused working days (待企业补充材料) never count as handling time: not in the working days to close
(the escort's 平均办结工作日), not against anyone's timeliness in the rankings — with pauses across
the National Day holiday (2026-10-01..07 off, Saturday 10-10 a 调休 working day, Sunday 10-11 off)."""
import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.rankings.periods import month
from app.rankings.scoring import compute_board
from app.tickets.models import Ticket
from tests.factories import Factories
from tests.rankings.fixture import local
from tests.tickets.helpers import World
from tests.tickets.test_pages import fresh, signed_in

OCTOBER = month(2026, 10)


@pytest.fixture
def world(make):
    return World(make)


def test_the_escorts_close_days_and_timeliness_leave_out_a_pause_across_the_holiday(world, db_session):
    # Collected by the escort on Mon 09-28 (accepted at once): the escort's reply is due 5 working days
    # on: 09-29, 09-30, 10-08, 10-09, 10-10 → 10-10.
    t = world.new_ticket(by=world.escort, source="escort", now=local(9, 28))
    assert t.status == "accepted"
    # Paused Wed 09-30 for the company's documents, resumed Mon 10-12: paused working days in (09-30, 10-12]
    # = 10-08, 10-09, 10-10 (调休), 10-12 = 4 — the seven holidays and Sunday 10-11 are not counted.
    world.act(world.escort, t, "pause", now=local(9, 30), reason="请补充近三年的财务报表")
    world.act(world.escort, t, "resume", now=local(10, 12))
    assert t.paused_working_days == 4
    # Answered Tue 10-13 — three days after the first deadline, within the one moved on by the pause.
    world.act(world.escort, t, "reply", now=local(10, 13), message="已协调，材料齐全后办理。")
    world.act(world.company_user, t, "rate", now=local(10, 13, 15), rating="satisfied")
    assert t.replied_on_time is True
    # Working days in (09-28, 10-13] = 09-29, 09-30, 10-08, 10-09, 10-10, 10-12, 10-13 = 7; less 4 paused = 3.
    assert t.close_working_days == 3

    # A second one, never paused, closed the same day: 7 working days.
    u = world.new_ticket(by=world.escort, source="escort", now=local(9, 28))
    world.act(world.escort, u, "reply", now=local(10, 13), message="已答复。")
    world.act(world.company_user, u, "rate", now=local(10, 13, 15), rating="satisfied")
    assert (u.paused_working_days, u.close_working_days, u.replied_on_time) == (0, 7, False)

    row = compute_board("escorts", OCTOBER).row_for(world.escort.id)
    m = row.entry.metrics
    assert m["avg_close_days"] == pytest.approx((3 + 7) / 2)
    assert (m["on_time_handling"].num, m["on_time_handling"].den) == (1, 2)


def test_two_pauses_add_up_and_a_same_day_pause_costs_nothing(world):
    t = world.new_ticket(by=world.escort, source="escort", now=local(9, 28))
    world.act(world.escort, t, "pause", now=local(9, 28, 11), reason="请补充营业执照")
    world.act(world.escort, t, "resume", now=local(9, 28, 16))   # same day: 0
    world.act(world.escort, t, "pause", now=local(9, 29), reason="请补充用电清单")
    world.act(world.escort, t, "resume", now=local(10, 8))        # (09-29, 10-08] = 09-30, 10-08: 2
    assert t.paused_working_days == 2
    world.act(world.escort, t, "reply", now=local(10, 9), message="已答复。")
    world.act(world.company_user, t, "rate", now=local(10, 9, 15), rating="satisfied")
    # (09-28, 10-09] = 09-29, 09-30, 10-08, 10-09 = 4; less 2 paused.
    assert t.close_working_days == 2


def test_a_departments_reply_after_a_pause_over_a_weekend_is_on_time_in_its_ranking(app, world, db_session):
    # Dispatched and signed Mon 10-12; reply due 5 working days on: 10-13 … 10-16, 10-19 → Mon 10-19.
    t = world.new_ticket(now=local(10, 12))
    world.act(world.manager, t, "dispatch", now=local(10, 12), department_id=world.department.id)
    world.act(world.helper, t, "sign", now=local(10, 12, 11))
    # Paused on the page Fri 10-16, resumed Tue 10-20: (10-16, 10-20] = 10-19, 10-20 = 2 working days
    # (the weekend not counted) → the reply is due Wed 10-21.
    world.act(world.helper, t, "pause", now=local(10, 16), reason="请补充厂房产权证明")
    world.act(world.helper, t, "resume", now=local(10, 20))
    t = fresh(db_session, t)
    assert t.paused_working_days == 2
    world.act(world.helper, t, "reply", now=local(10, 21), message="已办结。")
    assert t.replied_on_time is True
    world.act(world.company_user, t, "rate", now=local(10, 21, 15), rating="satisfied")
    row = compute_board("departments", OCTOBER).row_for(world.department.id)
    on_time = row.entry.metrics["on_time_reply"]
    assert (on_time.num, on_time.den) == (1, 1)
    # The problem page says how long the clock stood still.
    page = signed_in(app, world.helper).get(f"/tickets/{t.id}").get_data(as_text=True)
    assert "暂停 2 个工作日，期限相应顺延" in page


def test_migration_0023_counts_the_days_of_problems_paused_before_it(tmp_path):
    """Problems paused and resumed before the column existed get their paused days from the resume events,
    and the closed ones' working days to close lose them."""
    url = f"sqlite:///{tmp_path / 'm0023.sqlite3'}"
    throwaway = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with throwaway.app_context():
        flask_migrate.upgrade(revision="heads")
        w = World(Factories(db.session))
        paused = w.new_ticket(by=w.escort, source="escort", now=local(9, 28))
        w.act(w.escort, paused, "pause", now=local(9, 30), reason="请补充材料")
        w.act(w.escort, paused, "resume", now=local(10, 12))
        w.act(w.escort, paused, "reply", now=local(10, 13), message="已答复。")
        w.act(w.company_user, paused, "rate", now=local(10, 13, 15), rating="satisfied")
        plain = w.new_ticket(by=w.escort, source="escort", now=local(9, 28))
        w.act(w.escort, plain, "reply", now=local(10, 13), message="已答复。")
        w.act(w.company_user, plain, "rate", now=local(10, 13, 15), rating="satisfied")
        # What the older code left: the whole span as working days to close.
        db.session.execute(sa.update(Ticket).where(Ticket.id == paused.id).values(close_working_days=7))
        db.session.commit()
        ids = (paused.id, plain.id)
        db.session.remove()
        flask_migrate.downgrade(revision="0026_co_departments")

        flask_migrate.upgrade(revision="heads")
        rows = {t.id: t for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ids)))}
        assert (rows[paused.id].paused_working_days, rows[paused.id].close_working_days) == (4, 3)
        assert (rows[plain.id].paused_working_days, rows[plain.id].close_working_days) == (0, 7)
        db.session.remove()
        db.engine.dispose()
