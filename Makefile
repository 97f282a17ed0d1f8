# OpenCX: `make demo` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
# the suite runs on both cores, a test file per worker (module fixtures stay in one process)
PYTEST_WORKERS ?= 2

.PHONY: demo test lint typecheck contracts pytest install-dev install-bench lock clean bench screenshots

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(VENV)/.base: requirements/base.lock pyproject.toml | $(BIN)/uv
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/base.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml | $(BIN)/uv
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(VENV)/.base $@

demo: $(VENV)/.base
	$(BIN)/opencx quickstart $(DEMO_ARGS)

install-dev: $(VENV)/.dev

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.dev
	$(BIN)/mypy

contracts: $(VENV)/.dev
	$(BIN)/lint-imports

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint typecheck contracts pytest

# every page as every role in Chromium (tests/browser/test_walk.py), a PNG of each kept here
screenshots: $(VENV)/.dev
	OPENCX_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser/test_walk.py

lock: | $(BIN)/uv
	$(UV) pip compile pyproject.toml --extra dev --extra spark -p 3.11 -o requirements/dev.lock --quiet
	$(UV) pip compile pyproject.toml -c requirements/dev.lock -p 3.11 -o requirements/base.lock --quiet
	$(UV) pip compile pyproject.toml --extra bench -c requirements/dev.lock -p 3.11 -o requirements/bench.lock --quiet

# the benchmarks' peers and profiler (lifetimes, py-spy): the `bench` extra, locked against
# dev.lock (every package they share keeps its dev.lock version; only theirs are added)
$(VENV)/.bench: requirements/bench.lock $(VENV)/.dev
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/bench.lock
	touch $@

install-bench: $(VENV)/.bench

bench: $(VENV)/.bench
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
