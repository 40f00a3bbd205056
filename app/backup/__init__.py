"""`flask backup` / `flask restore` (cli.py): the database and the uploaded files in one archive."""
