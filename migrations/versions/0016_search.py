"""full-text search of problems: ticket_search_docs, SQLite FTS5 (trigram) or PostgreSQL pg_trgm;
knowledge_entries (政策问答) and reply_templates (常用答复)

One row of searchable text per problem (number, title; description, answer and public timeline text;
internal notes), filled here from the existing problems. SQLite: an FTS5 external-content table with
the trigram tokenizer (over a view that pads each column), kept in step by triggers, and its
vocabulary (fts5vocab) for short queries and similar problems. PostgreSQL: the pg_trgm extension and a GIN trigram
index per column (ILIKE '%词%' reads them). The DDL is written out here so migrations never import
app code; app/search/index.py holds the same statements for `flask search rebuild`.

Revision ID: 0016_search
Revises: 0013_collected_problems_accepted
Create Date: 2026-12-06 01:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_search'
down_revision = '0013_collected_problems_accepted'
branch_labels = None
depends_on = None

FTS = "ticket_search_fts"
COLUMNS = ("number", "title", "body", "internal")
PAD = "char(10, 10)"
_NEW = ", ".join(f"new.{c} || {PAD}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c} || {PAD}" for c in COLUMNS)
TRIGGERS = {
    "ticket_search_docs_ai": (
        "CREATE TRIGGER ticket_search_docs_ai AFTER INSERT ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS}(rowid, number, title, body, internal) VALUES (new.ticket_id, {_NEW}); END"
    ),
    "ticket_search_docs_ad": (
        "CREATE TRIGGER ticket_search_docs_ad AFTER DELETE ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, number, title, body, internal) VALUES ('delete', old.ticket_id, {_OLD}); END"
    ),
    "ticket_search_docs_au": (
        "CREATE TRIGGER ticket_search_docs_au AFTER UPDATE ON ticket_search_docs BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, number, title, body, internal) VALUES ('delete', old.ticket_id, {_OLD}); "
        f"INSERT INTO {FTS}(rowid, number, title, body, internal) VALUES (new.ticket_id, {_NEW}); END"
    ),
}


def upgrade():
    op.create_table(
        'knowledge_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('source_ticket_id', sa.Integer(), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_knowledge_entries_department_id_departments')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_knowledge_entries_published_by_id_users')),
        sa.ForeignKeyConstraint(['source_ticket_id'], ['tickets.id'], ondelete='SET NULL',
                                name=op.f('fk_knowledge_entries_source_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entries')),
        sa.UniqueConstraint('source_ticket_id', name=op.f('uq_knowledge_entries_source_ticket_id')),
    )
    op.create_index('ix_knowledge_entries_active_published', 'knowledge_entries', ['active', 'published_at'])
    op.create_table(
        'reply_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reply_templates_created_by_id_users')),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_reply_templates_department_id_departments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates')),
    )
    op.create_index('ix_reply_templates_department', 'reply_templates', ['department_id', 'active'])
    op.create_table(
        'ticket_search_docs',
        sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('number', sa.String(length=24), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('internal', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_search_docs_ticket_id_tickets'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_ticket_search_docs')),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # The index reads the rows through a view ending every column with two newlines, so every one-
        # or two-character stretch of text begins some trigram (short queries use the vocabulary).
        op.execute("CREATE VIEW ticket_search_padded AS SELECT ticket_id, "
                   + ", ".join(f"{c} || {PAD} AS {c}" for c in COLUMNS) + " FROM ticket_search_docs")
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(number, title, body, internal, "
                   "content='ticket_search_padded', content_rowid='ticket_id', tokenize='trigram')")
        newline, agg, true, false = "char(10)", "group_concat(e.body, char(10))", "1", "0"
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        newline, agg, true, false = "E'\\n'", "string_agg(e.body, E'\\n' ORDER BY e.id)", "true", "false"
    events = "(SELECT {agg} FROM ticket_events e WHERE e.ticket_id = t.id AND e.public = {flag} AND e.body <> '')"
    public, internal = events.format(agg=agg, flag=true), events.format(agg=agg, flag=false)
    answer = (f"CASE WHEN t.reply_message = '' OR EXISTS (SELECT 1 FROM ticket_events r WHERE r.ticket_id = t.id "
              f"AND r.public = {true} AND r.body = t.reply_message) THEN '' ELSE {newline} || t.reply_message END")
    op.execute(
        "INSERT INTO ticket_search_docs (ticket_id, number, title, body, internal) "
        f"SELECT t.id, t.number, t.title, t.description || {answer} || coalesce({newline} || {public}, ''), "
        f"coalesce({internal}, '') FROM tickets t")
    if sqlite:
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        # Document frequencies of the trigrams (similar problems pick the distinctive ones).
        op.execute(f"CREATE VIRTUAL TABLE {FTS}_vocab USING fts5vocab({FTS}, 'row')")
        for ddl in TRIGGERS.values():
            op.execute(ddl)
    else:
        for column in COLUMNS:
            op.execute(f"CREATE INDEX ix_ticket_search_docs_{column}_trgm ON ticket_search_docs "
                       f"USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}_vocab")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
        op.execute("DROP VIEW IF EXISTS ticket_search_padded")
    else:
        for column in COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_ticket_search_docs_{column}_trgm")
    op.drop_table('ticket_search_docs')
    op.drop_index('ix_reply_templates_department', table_name='reply_templates')
    op.drop_table('reply_templates')
    op.drop_index('ix_knowledge_entries_active_published', table_name='knowledge_entries')
    op.drop_table('knowledge_entries')
    # pg_trgm stays: other objects of the database may use it, and it holds no data.
