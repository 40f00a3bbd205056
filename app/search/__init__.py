"""Full-text search of problems in Chinese, with each database's own engine (issue 16).

SQLite: an FTS5 table with the `trigram` tokenizer over `ticket_search_docs` (every run of three
characters is a term, so Chinese needs no word segmentation). PostgreSQL: a GIN-indexed tsvector of
every character and pair of characters of the same columns (app.search.grams, migration 0029), with
ILIKE on the rows it finds. `ticket_search_docs` holds one row per problem with the text a
search reads; `app.search.index` keeps it in step with every write and rebuilds it on demand.
"""
