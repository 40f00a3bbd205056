"""PostgreSQL's gram index (migration 0029, app/search/grams.py): the SQL function that fills
ticket_search_docs.grams and the Python that builds the queries cut text the same way, and every
word found by LIKE in a text has all its grams in that text's grams (so the index never hides a match)."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.search import grams
from app.search.models import TicketSearchDoc

TEXTS = [
    "", "港", "港口", "宁波舟山港口集卡排队两天，出口订单交期紧张。", "XS-2025-000123", "Ab12 cD 港A口b",
    "研发费用加计扣除（2025年度）", "emoji 🚢 and ＡＢＣ fullwidth, café", "a", "  -- ,, ", "职能部门协调\n\n协调",
]


def test_a_word_has_its_grams_in_every_text_holding_it():
    for text in TEXTS:
        lowered = text.lower()
        for size in (1, 2, 3, 5):
            for i in range(len(text) - size + 1):
                word = text[i:i + size]
                if word.lower() in lowered:
                    assert set(grams.word_grams(word)) <= grams.grams(text), (word, text)


def test_queries_and_words_without_grams():
    assert grams.word_grams("港") == ["港"]
    assert grams.word_grams("港口设备") == ["口设", "港口", "设备"]
    assert grams.word_grams("XS-2025") == ["02", "025", "20", "202", "25", "xs"]  # digits: triples too
    assert grams.run_grams("XS-2025") == [["xs"], ["02", "025", "20", "202", "25"]]
    assert grams.word_grams("（）—") == []
    assert grams.tsquery(["（）"], grams.STAFF) is None
    # one gram per word (the rarest by the statistics; the first without them), in the right name space
    assert grams.tsquery(["港口", "港"], grams.TITLE) == "'~港口' & '~港'"
    assert grams.tsquery(["港口设备"], grams.PUBLIC) == "'口设'"
    assert grams.tsquery(["港口"], grams.STAFF) == "('港口' | '!港口')"
    assert grams.tsquery(["XS-2025"], grams.TITLE) == "'~xs' & '~02'"  # a gram per run
    # tight: every letter-and-digit triple besides (texts holding all of a number's, when they are few)
    assert grams.tsquery(["XS-2025"], grams.TITLE, tight=True) == "'~xs' & '~02' & '~025' & '~202'"
    assert grams.tsquery(["港口设备"], grams.PUBLIC, tight=True) == "'口设'"  # no triple: the same


@pytest.fixture
def postgresql(db_session):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the gram index exists on PostgreSQL only (SQLite: FTS5 trigram)")


def test_the_sql_function_cuts_text_as_python_does(postgresql):
    for text in TEXTS:
        in_sql = db.session.execute(sa.text("SELECT search_gram_array(:t)"), {"t": text}).scalar_one()
        assert set(in_sql) == grams.grams(text), text
    empty = db.session.execute(sa.text("SELECT search_grams('', '', '', '')::text")).scalar_one()
    assert empty == ""


def test_the_generated_column_follows_writes_in_its_name_spaces(postgresql, make):
    from tests.tickets.helpers import World

    w = World(make)
    t = w.new_ticket(title="港口设备", description="需要协调海关。", category="logistics")
    make.session.commit()

    def found(words, where):
        return db.session.scalars(sa.select(TicketSearchDoc.ticket_id).where(
            TicketSearchDoc.ticket_id == t.id, grams.matches(words, where))).all()

    assert found(["港口"], grams.TITLE) == [t.id]
    assert found(["协调"], grams.TITLE) == []          # in the description, not the title
    assert found(["协调"], grams.PUBLIC) == [t.id]
    assert found([t.number], grams.TITLE) == [t.id]
    db.session.execute(sa.update(TicketSearchDoc).where(TicketSearchDoc.ticket_id == t.id)
                       .values(internal="内部评估"))
    assert found(["评估"], grams.PUBLIC) == []          # internal notes: staff only
    assert found(["评估"], grams.STAFF) == [t.id]
    assert found(["设备", "评估"], grams.STAFF) == [t.id]


def test_the_rarest_gram_of_each_word_stands_for_it(postgresql, make):
    from tests.tickets.helpers import World

    w = World(make)
    for i in range(30):
        w.new_ticket(title=f"技改补助申请{i}", description="", category="policy")
    for i in range(20):
        w.new_ticket(title=f"技改项目{i}", description="", category="policy")
    for i in range(15):
        w.new_ticket(title=f"补助发放{i}", description="", category="policy")
    make.session.commit()
    db.session.execute(sa.text("ANALYZE ticket_search_docs"))
    stats = grams.Frequencies(db.session, grams.lexemes(["技改补助"], grams.PUBLIC))
    assert stats.analysed and stats.count("技改") > stats.count("补助") > stats.count("改补")  # 50, 45, 30
    assert grams.tsquery(["技改补助"], grams.PUBLIC, stats) == "'改补'"
    assert grams.tsquery(["技改补助"], grams.PUBLIC) == "'技改'"  # no statistics: the first
