# Two commands do everything: `make run` (set up and serve) and `make test` (set up and test).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install assets db run dev test lint check-content browser postgres bench bench-http clean

help:
	@echo "make run    install, migrate, load content, build the index, serve on http://$(HOST):$(PORT)"
	@echo "make test   install (browser included) and run the whole suite"
	@echo "make dev    like run, with Flask's reloading development server"
	@echo "make bench  run the search benchmark"
	@echo "make bench-http  time the pages through gunicorn with wrk"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Front-end packages from the npm registry at the versions in package-lock.json; the CSS is
# copied into static/vendor/ so the app serves it itself (no CDN).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/utrecht/component-library.css: node_modules/.installed
	@mkdir -p static/vendor/utrecht
	cp node_modules/@utrecht/component-library-css/dist/index.css $@

assets: static/vendor/utrecht/component-library.css

instance/secret_key: | $(STAMP)
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@

db: install assets instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) kb sync-content
	$(FLASK) kb create-cop-groups
	$(FLASK) kb index-pending

# gunicorn with two workers: the same multi-process setup the tests exercise.
run: db
	@echo "Kennisbank op http://$(HOST):$(PORT)/ (Ctrl+C stopt)"
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Flask's reloading development server, for working on the code.
dev: db
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests; Playwright drives it (no browser download).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null

# A PostgreSQL server for the tests that prove the app runs on it (started per test session).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

lint: install
	$(BIN)/ruff check kb tests bench

check-content: install instance/secret_key
	$(FLASK) kb check-content

test: install assets instance/secret_key browser postgres lint check-content
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/search_bench.py

# What a user waits for: pages through gunicorn (as `make run`), loaded by wrk from Debian.
bench-http: install assets
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules static/vendor

# Rewrite the visual-regression references in tests/browser/visual/ after an intended layout
# change (the tests refuse to write them when CI=true).
.PHONY: update-screenshots
update-screenshots: install assets browser
	KB_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/test_visual.py
