# The two commands a newcomer needs: `make run` (the whole system) and `make test`.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv with every dependency (pinned in pyproject.toml)

run: install  ## migrate and run every service; ARGS="--host 0.0.0.0" etc.
	$(PYTHON) -m shared.launcher $(ARGS)

test: install  ## the test suite against real PostgreSQL, Redis and Celery workers
	$(PYTHON) -m pytest $(ARGS)

lint: install
	$(VENV)/bin/ruff check shared services tests bench
	$(VENV)/bin/ruff format --check shared services tests bench

bench: install  ## benchmarks; they print figures and assert nothing
	$(PYTHON) -m bench.event_backbone $(ARGS)
