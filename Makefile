# Ladder: `make run` sets up and serves the product, `make test` sets up and passes the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

# The first Python 3.12+ found: the usual names, then pyenv's installs.
FIND_PYTHON := for c in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done

.PHONY: help venv run test lint format check browser-deps clean

help:
	@echo "make run    set up (venv, install, migrate, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test   set up and run the checks and the whole test suite"
	@echo "make lint   ruff check and format check, mypy, import contracts"

$(VENV)/.installed: pyproject.toml
	@py=$$($(FIND_PYTHON)); \
	if [ -z "$$py" ]; then echo "error: Ladder needs Python 3.12 or newer and none was found (tried python3.14, python3.13, python3.12, python3 and ~/.pyenv/versions). Install one, e.g. 'pyenv install 3.12'." >&2; exit 1; fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
	  rm -rf $(VENV); echo "Creating $(VENV) with $$py ($$($$py --version))"; $$py -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo_kb
	$(PY) manage.py load_demo_canned_replies
	$(PY) manage.py create_demo_staff
	$(PY) manage.py recover_conversations
	$(PY) manage.py describe_setup --host $(HOST) --port $(PORT)
	LADDER_SERVED_AT=http://$(HOST):$(PORT) $(PY) manage.py serve --host $(HOST) --port $(PORT) $(if $(PROCESSES),--processes $(PROCESSES))

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: venv
	$(PY) manage.py check

# Browser tests drive Debian's chromium; install it where we may (root with apt-get), as CI does.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)"; fi; \
	fi

test: venv browser-deps lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "error: models changed without a migration (run: $(PY) manage.py makemigrations)"; exit 1; }
	@# The two passes run side by side (each leaves a core mostly idle while it waits on servers
	@# and sockets); the PostgreSQL pass's output follows the SQLite pass's.
	@mkdir -p var; pg=; \
	if $(PY) -c "import socket,sys; [socket.create_connection(('127.0.0.1', p), 1).close() for p in (5432, 6379)]" 2>/dev/null; then \
	  echo "== Tests on PostgreSQL + Redis (127.0.0.1:5432, 127.0.0.1:6379), beside the SQLite pass"; \
	  env -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -q >var/test-postgresql.log 2>&1 & pg=$$!; \
	  trap 'kill $$pg 2>/dev/null' EXIT; \
	else \
	  echo "== Skipping the PostgreSQL + Redis pass: nothing answers at 127.0.0.1:5432 and 127.0.0.1:6379"; \
	fi; \
	echo "== Tests on SQLite + in-memory channel layer"; \
	env -u DATABASE_URL -u REDIS_URL -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL $(PY) -m pytest -q; sqlite=$$?; \
	postgresql=0; \
	if [ -n "$$pg" ]; then \
	  wait $$pg; postgresql=$$?; trap - EXIT; \
	  echo "== Tests on PostgreSQL + Redis"; cat var/test-postgresql.log; \
	fi; \
	[ $$sqlite = 0 ] && [ $$postgresql = 0 ]

clean:
	rm -rf $(VENV) var .pytest_cache
