# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test venv lint typecheck unit system-deps bench clean-data

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## Serve the cockpit on http://$(HOST):$(PORT) with the demo workload loaded when the store is empty.
run: venv
	$(BIN)/ross-cost demo --if-empty
	$(BIN)/ross-cost serve --host $(HOST) --port $(PORT)

## What the tests need from the OS: PostgreSQL server binaries (throwaway clusters) and Chromium.
system-deps:
	@./scripts/system-deps.sh

lint: venv
	$(BIN)/ruff check ross_cost tests bench app.py pages

typecheck: venv
	$(BIN)/mypy --strict ross_cost

unit: venv
	$(BIN)/pytest -q -n 2 --dist loadfile -p no:cacheprovider

## ruff, mypy --strict on the core, then the whole pytest suite (PostgreSQL and Chromium started by the tests).
test: venv system-deps lint typecheck unit

bench: venv
	$(BIN)/python bench/run_all.py

clean-data:
	rm -f data/ross-cost.duckdb data/ross-cost.duckdb.wal
