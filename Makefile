# Vocation: the README's commands. `make run` starts the app on the sample data; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
DB ?= data/vocation.duckdb
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test setup setup-test browser lint format bench sample clean

run: $(STAMP_RUN) $(DB)
	$(BIN)/python -m dashboard serve --db $(DB) --port $(PORT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(STAMP_RUN)

$(DB): | $(STAMP_RUN)
	$(BIN)/python -m dashboard load sample_data --db $(DB) --by "make run (sample data)"

setup: $(STAMP_RUN)

setup-test: $(STAMP_DEV) browser

# Debian's chromium drives the real-browser tests (Playwright cannot download browsers here);
# poppler-utils' pdftotext reads the board report in the tests.
browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium and poppler-utils for the tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils) \
		|| (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils); }

test: setup-test
	$(BIN)/python -m pytest -q

lint: $(STAMP_DEV)
	$(BIN)/ruff check dashboard tests sample_data scripts
	$(BIN)/ruff format --check dashboard tests sample_data scripts

format: $(STAMP_DEV)
	$(BIN)/ruff format dashboard tests sample_data scripts
	$(BIN)/ruff check --fix dashboard tests sample_data scripts

bench: $(STAMP_DEV)
	$(BIN)/python -m dashboard bench --scale $(or $(SCALE),100)

sample: $(STAMP_RUN)
	$(BIN)/python sample_data/generate.py --scale 1 --out sample_data

clean:
	rm -rf $(VENV) $(DB) $(DB).wal
