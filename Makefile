# dunwell: two commands for a new user, `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.dunwell/prefect
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install demo test test-fast lint bench server clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/dunwell demo --out demo-out

test: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --timeout 600 $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-fast: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check dunwell flows tasks connectors tests bench
	$(BIN)/lint-imports

server: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	scripts/server.sh

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .dunwell demo-out bench/out
