# BranchKit: `make run` sets up and starts the demo; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := webapp

.PHONY: run test flakes install translations static vendor lint format i18n browser-deps clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed translations static

# Compiled catalogues are build output, made from the committed .po files.
translations: $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations

# The content-hashed and compressed copies of static/ (webapp/static_files.py), build output
# not committed; rebuilt whenever a file of static/ is newer than the manifest.
STATIC_SOURCES := $(shell find static -regextype posix-extended -type f ! -name '*.gz' ! -name '*.br' ! -name cache_manifest.json ! -regex '.*-[0-9a-f]{32}(\.[^/]*)?' 2>/dev/null)
static: static/cache_manifest.json
static/cache_manifest.json: $(BIN)/.installed $(STATIC_SOURCES)
	$(BIN)/flask static-build

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data --if-empty
	$(BIN)/flask push init-keys
	@echo "BranchKit on http://127.0.0.1:5000  (sign in as manager, wealth1, retail1, lobby1, teller1, admin ... password demo-password)"
	@# The push worker runs beside the web server and stops with it (Ctrl-C or exit).
	$(BIN)/flask push worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -W error $(PYTEST_ARGS)

# Flake hunt: RUNS fresh clones of HEAD through `make test`, the last LOADED of them with a busy
# loop on each core; prints which tests failed in which run (tests/flakes.py).
RUNS ?= 5
LOADED ?= 2
flakes: install
	$(BIN)/python -m tests.flakes --runs $(RUNS) --loaded $(LOADED) --clone

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium: sudo apt-get install -y chromium fonts-wqy-microhei"; exit 1; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract the translatable strings and merge them into both catalogues.
i18n: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i webapp/translations/messages.pot -d webapp/translations

# Copy the pinned front-end packages (package.json) into static/vendor/; the copies are committed.
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/htmx
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/

clean:
	rm -rf $(VENV) node_modules .pytest_cache test-results
	find static -regextype posix-extended \( -name '*.gz' -o -name '*.br' -o -name cache_manifest.json -o -regex '.*-[0-9a-f]{32}(\.[^/]*)?' \) -delete
