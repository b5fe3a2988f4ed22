# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := advocacy
# The local secret key lives in instance/ (never in git); production sets SECRET_KEY itself.
FLASK := SECRET_KEY="$${SECRET_KEY:-$$(cat instance/secret_key)}" $(BIN)/flask
HOST ?= 127.0.0.1
PORT ?= 5000

# Re-read the interface strings after changing templates: `make messages`, then translate nl.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o advocacy/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i advocacy/translations/messages.pot -d advocacy/translations

.PHONY: messages run test lint install translations db demo serve bench scan e2e load clean

install: $(VENV)/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	touch $@

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d advocacy/translations 2>&1 | grep -v '^compiling' || true
	@test -f advocacy/translations/nl/LC_MESSAGES/messages.mo

instance/secret_key:
	mkdir -p instance
	$(PY) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

instance/demo_password:
	mkdir -p instance
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(9))' > $@
	chmod 600 $@

db: install instance/secret_key
	$(FLASK) db upgrade

demo: db instance/demo_password
	$(FLASK) content sync content
	$(FLASK) demo --password "$$(cat instance/demo_password)"

# The worker (background jobs and their scheduler, on the SQLite queue in instance/) runs beside
# the web server; Ctrl-C stops both (the trap ends the worker however the server stops).
run: demo
	@echo "Serving on http://$(HOST):$(PORT) with a background worker  (Ctrl-C stops both)"
	@$(FLASK) worker --workers 2 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install lint
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

# Style (ruff), types (mypy) and the floors (import-linter): the rule sets and why are in ruff.toml,
# setup.cfg [mypy] and .importlinter.
lint: $(VENV)/.installed
	$(BIN)/ruff check advocacy
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Browser tests: Playwright driving Debian's Chromium (never `playwright install`); README, "Browser tests".
e2e: $(VENV)/.installed-e2e translations
	@test -x /usr/bin/chromium || (echo "installing Debian's chromium" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	$(BIN)/python -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

$(VENV)/.installed-e2e: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,e2e]' > $(VENV)/pip-e2e.log 2>&1 || (cat $(VENV)/pip-e2e.log; exit 1)
	touch $@

# Requests/s and latency of key pages beside a bare Flask page (a few minutes); README, "Bench".
bench: install
	@command -v wrk >/dev/null || (echo "installing wrk" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Simulated employees against gunicorn on PostgreSQL, optionally with a restart (LOAD_ARGS="--restart
# kill"), then the database is reconciled with what was acknowledged; README, "Load and faults".
load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# wapiti3, in its own virtual environment, attacks a local server as an employee and as marketing
# (about 10 minutes; not in .ci/run); README, "Attacks".
scan: install .venv-scan/.installed
	$(BIN)/python -m scan.run $(SCAN_ARGS)

.venv-scan/.installed:
	test -x .venv-scan/bin/python || $(PY) -m venv .venv-scan
	.venv-scan/bin/pip install --quiet 'wapiti3==3.2.3' > .venv-scan/pip.log 2>&1 || (cat .venv-scan/pip.log; exit 1)
	touch $@

clean:
	rm -rf $(VENV) *.egg-info

# Real protocol peers for the tests (OpenID provider, SAML IdP, LRS, SCIM checker; SMTP runs in the
# test process): peers/README.md. Idempotent (stamp files); says what it skipped and why. Tests of
# a peer that is not installed skip, or fail under PEERS_REQUIRED=1.
.PHONY: peers
PEER_NODE_DIRS := peers/oidc peers/saml

peers: $(VENV)/.installed-peers peers/.venv-ralph/.installed $(PEER_NODE_DIRS:%=%/node_modules/.installed)
	@command -v xmlsec1 >/dev/null && echo "xmlsec1: present" || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && echo "installing Debian's xmlsec1" && \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 libxmlsec1-dev >/dev/null; } || \
		echo "skipped xmlsec1: not root or no apt-get (only pysaml2 needs the binary)"
	@echo "peers ready: see peers/README.md"

$(VENV)/.installed-peers: $(VENV)/.installed setup.cfg
	$(BIN)/pip install --quiet -e '.[test,peers]' > $(VENV)/pip-peers.log 2>&1 || (cat $(VENV)/pip-peers.log; exit 1)
	touch $@

# npm ci installs exactly the committed lock; without Node.js 20+ the folder is skipped, not failed.
peers/%/node_modules/.installed: peers/%/package.json peers/%/package-lock.json
	@if ! command -v npm >/dev/null || ! command -v node >/dev/null; then \
		echo "skipped peers/$*: node or npm is not installed (its tests will skip)"; \
	elif ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then \
		echo "skipped peers/$*: node $$(node --version) is older than 20 (its tests will skip)"; \
	else \
		echo "npm ci in peers/$*"; \
		(cd peers/$* && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	fi

# Ralph lives in its own virtualenv so its pins never meet the app's; refresh: python3 peers/lock_ralph.py.
peers/.venv-ralph/.installed: peers/ralph-requirements.txt
	test -x peers/.venv-ralph/bin/python || $(PY) -m venv peers/.venv-ralph
	peers/.venv-ralph/bin/pip install --quiet --require-hashes --no-deps -r peers/ralph-requirements.txt \
		> peers/.venv-ralph/pip.log 2>&1 || (cat peers/.venv-ralph/pip.log; exit 1)
	touch $@
