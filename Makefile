# Custodes: `make demo` sets everything up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEED ?= 1
STATIC_BUILD := custodes/web/static/build
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help demo serve test check lint typecheck pytest pytest-pg setup setup-dev static migrate seed lock browser clean worker benchmark

help:
	@echo "make demo    set up everything and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test    set up everything and run the whole suite (lint, types, unit, integration, browser)"
	@echo "make worker  run the background task worker (a second process in production)"
	@echo "make lock    recompile the hash-pinned requirements after editing requirements/*.in"

# --- Setup -----------------------------------------------------------------------------------------------------
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Custodes needs Python 3.11 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.main-installed: requirements/main.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/main.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.main-installed
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(STATIC_BUILD)/.built: frontend/node_modules/.installed frontend/build.sh $(wildcard frontend/scss/*.scss)
	frontend/build.sh
	touch $@

static: $(STATIC_BUILD)/.built

setup: $(VENV)/.main-installed static
	$(BIN)/custodes compilemessages --ignore=.venv --ignore=frontend --verbosity 0
	$(BIN)/custodes collectstatic --noinput --verbosity 0

setup-dev: setup $(VENV)/.dev-installed

# --- Demo ------------------------------------------------------------------------------------------------------
migrate: setup
	$(BIN)/custodes migrate --noinput --verbosity 0

seed: migrate
	$(BIN)/custodes seed-demo --seed $(SEED)

# PORT is passed on explicitly: the sign-in address printed and the one gunicorn binds must be the same.
demo: seed
	@PORT=$(PORT) $(BIN)/custodes demo-accounts
	@echo
	@echo "Serving Custodes on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	PORT=$(PORT) exec $(BIN)/gunicorn --config python:custodes.config.gunicorn custodes.config.wsgi

serve: migrate
	exec $(BIN)/gunicorn --config python:custodes.config.gunicorn custodes.config.wsgi

worker: migrate
	exec $(BIN)/custodes db_worker

# --- Tests -----------------------------------------------------------------------------------------------------
browser:
	@tools/ensure-chromium

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	$(BIN)/mypy custodes

check: setup-dev
	$(BIN)/custodes makemigrations --check --dry-run
	$(BIN)/custodes check --fail-level WARNING

pytest: setup-dev browser
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck check pytest

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/custodes_bench

benchmark: setup-dev
	$(BIN)/python benchmarks/audit_bench.py --database-url $(BENCH_DATABASE_URL)

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file main.txt main.in
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file dev.txt dev.in

clean:
	rm -rf $(VENV) frontend/node_modules $(STATIC_BUILD) .pytest_cache .mypy_cache .ruff_cache
