# Two commands for a fresh machine: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PORT   ?= 5000
BIN     = $(VENV)/bin
export FLASK_APP = run.py

.PHONY: install run test translations clean-db

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d app/translations

run: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty
	$(BIN)/flask demo accounts
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The browser journeys in Chromium (tests/e2e); also refreshes the screenshots in docs/screenshots/.
.PHONY: e2e
e2e: install
	E2E_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q -m e2e tests/e2e -rs

# Re-extract UI strings, update the English catalogue (app/translations/en/LC_MESSAGES/messages.po, the one
# place English lives: new messages arrive there with an empty msgstr to fill in) and compile; the check
# lists what is still untranslated.
# --ignore-dirs: without it pybabel also skips folders whose name starts with "_" (app/templates/_macros).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --ignore-dirs '.*' -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations
	$(BIN)/python tools/check_translations.py

clean-db:
	rm -f instance/peipao.sqlite3 instance/peipao.sqlite3-wal instance/peipao.sqlite3-shm

# Load test at district scale (docs/benchmarks.md): seeds a throwaway database (SQLite, or the PostgreSQL
# database DATABASE_URL names — its name must contain "bench"), serves it with gunicorn and drives the
# busiest pages with wrk. E.g. make bench BENCH_ARGS="--tickets 1000000 --record".
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
