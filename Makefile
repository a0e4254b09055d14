# The two commands of the README. Both set up what they need on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test test-pg venv bench clean workshop team

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

## make run — start the workbench on http://127.0.0.1:$(PORT) with data/workbench.duckdb (or $$WORKBENCH_DB)
run: $(STAMP)
	$(BIN)/python -m strategy_core init
	$(BIN)/streamlit run app.py --server.port $(PORT)

## make workshop — the same workbench on the room's network (0.0.0.0, or WORKSHOP_ADDRESS=…), behind a
## passcode: asked on the terminal the first time, or taken from $$WORKBENCH_PASSCODE (stored hashed)
workshop: $(STAMP)
	$(BIN)/python -m strategy_core init
	PORT=$(PORT) $(BIN)/python -m strategy_core.workshop

## make team — the team server: PostgreSQL (Debian's postgresql, a cluster in data/pg/ on a socket only) and
## $$TEAM_REPLICAS (2) Streamlit replicas from $$PORT on, behind the passcode (README, "The team server")
team: $(STAMP)
	$(BIN)/python -m strategy_core.team

## make test — every test: core, pages (AppTest), CLI, browser (headless Chromium)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## make test-pg — every test again on PostgreSQL (a throwaway cluster; Debian's postgresql must be installed):
## each test that takes a database gets its own schema of it
test-pg: $(STAMP)
	$(BIN)/python -m tests.pg_server $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
