# dunwell: two commands for a new user, `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DUNWELL ?= $(BIN)/dunwell
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.dunwell/prefect
# Python keeps compiled modules (__pycache__, ignored by git) even where the environment
# says not to: without them every CLI call compiles dunwell again (0.17 s of 0.43 s for a
# small `statement convert`), and the suite makes hundreds of such calls.
export PYTHONDONTWRITEBYTECODE :=
SOURCES := dunwell flows tasks connectors migrations

TREE := .dunwell/tree

.PHONY: install lock demo test test-fast test-cold lint types bench server clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 2; }
	$(PYTHON) -m venv $(VENV)

# Installs exactly what requirements.lock says, hashes checked; the build tools
# come from the lock too, so the editable install needs nothing unpinned.
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q $(SOURCES) >/dev/null
	@touch $(STAMP)

install: $(STAMP)

# Refresh the lock on purpose (new dependency or upgrade): resolves pyproject.toml
# and the build requirements, with hashes, in a throwaway tools venv.
lock:
	$(PYTHON) -m venv .dunwell/lock-tools
	.dunwell/lock-tools/bin/pip install -q pip-tools
	.dunwell/lock-tools/bin/pip-compile -q --generate-hashes --allow-unsafe --extra dev \
	  --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o requirements.lock pyproject.toml requirements-build.in

demo: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	$(DUNWELL) demo --out demo-out
	@echo "Workbench on this data: export DUNWELL_DATABASE_URL=sqlite:///$(CURDIR)/demo-out/demo.sqlite; $(BIN)/dunwell web user add me --role admin; $(BIN)/dunwell web  # then open http://127.0.0.1:8000/"

test: $(STAMP) types
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/python -m pytest -n 2 --dist worksteal --timeout 600 --durations=25 $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-fast: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

# A new user's first hour in a throwaway folder: fresh venv from the lock, `make demo`
# on a Saturday clock, then every README example; fails over 5 minutes.
test-cold:
	scripts/test_cold.sh

lint: $(STAMP) types
	$(BIN)/ruff check dunwell flows tasks connectors tests bench scripts

# Import contracts and mypy (strict on the core) read the package as installed:
# scripts/package_tree.py links dunwell/, flows/, tasks/, connectors/ into one tree.
types: $(STAMP)
	@$(BIN)/python scripts/package_tree.py $(TREE) >/dev/null
	cd $(TREE) && $(CURDIR)/$(BIN)/lint-imports $(CURDIR)/pyproject.toml
	cd $(TREE) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
	  --cache-dir $(CURDIR)/.dunwell/mypy -p dunwell

server: $(STAMP)
	@mkdir -p "$(PREFECT_HOME)"
	scripts/server.sh

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .dunwell demo-out bench/out
